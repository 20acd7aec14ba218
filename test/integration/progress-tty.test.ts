/**
 * Apply's live progress in a real pseudo-terminal (util-linux `script`): lines
 * redrawn in place with phase and elapsed time, cut to the terminal's width,
 * a plugin's log lines written whole between redraws; NO_COLOR stays plain.
 */
import test from 'ava';
import { execa } from 'execa';
import { CIDX_BIN, withProject, type TestProject } from '../helpers/project.js';
import { RUNTIMES, TEST_IMAGE } from '../helpers/runtime.js';

const COLUMNS = 60;
const LONG = 'a-service-whose-name-alone-takes-most-of-the-terminal-row';

const config = `export default {
  services: {
    web: { image: ${JSON.stringify(TEST_IMAGE)}, ports: { http: 8080 }, env: { HTTP_PORTS: '8080' }, health: { http: { port: 'http', path: '/healthz' }, timeout: '30s' } },
    ${JSON.stringify(LONG)}: { image: ${JSON.stringify(TEST_IMAGE)}, ports: { tcp: 7000 }, env: { TCP_PORTS: '7000' }, health: { tcp: { port: 'tcp' }, timeout: '30s' } },
  },
  plugins: [{
    name: 'noisy',
    apply(hooks) {
      hooks.checkHealth.tap('noisy', (request) => { request.logger.info('probing ' + request.service.name); return undefined; });
    },
  }],
};
`;

/** Runs cidx with its output on a pseudo-terminal COLUMNS wide; resolves with everything written to it. */
async function inTerminal(project: TestProject, args: string[], env: Record<string, string> = {}): Promise<{ exitCode: number; output: string }> {
  const quoted = [process.execPath, CIDX_BIN, ...args].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  const base: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !['CI', 'NO_COLOR', 'FORCE_COLOR', 'CIDX_RUNTIME'].includes(key)) base[key] = value;
  const result = await execa('script', ['-qec', `stty cols ${COLUMNS} rows 24; exec ${quoted}`, '/dev/null'], {
    cwd: project.root,
    env: { ...base, TERM: 'xterm-256color', CIDX_CACHE_DIR: project.cacheDir, ...env },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 120_000,
  });
  return { exitCode: result.exitCode ?? -1, output: String(result.stdout) };
}

// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');

for (const runtime of RUNTIMES) {
  test(`${runtime}: on a terminal, live lines with phase and time fit the width, and plugin lines arrive whole`, withProject, config, async (t, project) => {
    const live = await inTerminal(project, ['apply', '--runtime', runtime]);
    t.is(live.exitCode, 0, live.output);
    t.regex(live.output, /\u001b\[\d+A/, 'redrawn in place');
    const rows = live.output.split(/\u001b\[2K/).slice(1).map((row) => plain(row.split(/\r?\n/)[0]!));
    const progressRows = rows.filter((row) => row.startsWith('  '));
    t.true(progressRows.length > 0, live.output);
    for (const row of progressRows) t.true(row.length < COLUMNS, `wider than the terminal: ${JSON.stringify(row)}`);
    t.true(progressRows.some((row) => /^ {2}web\s+healthy\s+\d+(\.\d)?(ms|s)$/.test(row)), progressRows.join('\n'));
    t.true(progressRows.some((row) => new RegExp(`^  ${LONG.slice(0, 20)}\\S*…\\s+healthy\\s+\\d`).test(row)), 'the long name is cut, its phase and time stay in view');
    t.true(rows.some((row) => row === '[noisy] probing web'), 'the log line stands on its own row');

    const noColour = await inTerminal(project, ['status', '--runtime', runtime], { NO_COLOR: '1' });
    t.is(noColour.exitCode, 0, noColour.output);
    t.notRegex(noColour.output, /\u001b\[/, 'NO_COLOR: no escape codes at all');
    const again = await inTerminal(project, ['apply', '--runtime', runtime], { NO_COLOR: '1' });
    t.is(again.exitCode, 0, again.output);
    t.notRegex(again.output, /\u001b\[/);
  });
}
