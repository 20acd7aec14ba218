/**
 * passEnv: which variables go in the env file on the CLI's stdin, which as
 * `--env NAME` with the value in the CLI's environment, and which are refused.
 * Never a value in the arguments.
 */
import { closeSync, fstatSync, readFileSync } from 'node:fs';
import test from 'ava';
import { fitsEnvFile, passEnv, unlinkedFile } from '../../../../plugins/oci-cli/env-passing.js';
import type { Dialect } from '../../../../plugins/oci-cli/dialect.js';
import { dockerDialect } from '../../../../plugins/docker-runtime/index.js';
import { podmanDialect } from '../../../../plugins/podman-runtime/index.js';

const SECRET = 's3cr3t-Ω';

test('plain values go in one env file on stdin, verbatim, and the arguments name no value', (t) => {
  const env = { A: `x=${SECRET}`, B: ` lead "q" 's' $HOME \\n ü trail `, C: '#hash', EMPTY: '' };
  const passed = passEnv(env, 'docker');
  t.deepEqual(passed.args, ['--env-file', '/dev/stdin']);
  t.is(passed.input, `A=x=${SECRET}\nB= lead "q" 's' $HOME \\n ü trail \nC=#hash\nEMPTY=\n`);
  t.deepEqual(passed.cliEnv, {});
});

test('no env: no arguments and nothing on stdin', (t) => {
  t.deepEqual(passEnv({}, 'podman'), { args: [], input: undefined, cliEnv: {} });
});

test('a value with a line break goes as --env NAME, its value in the CLI environment only', (t) => {
  const passed = passEnv({ PEM: `-----BEGIN-----\n${SECRET}\n-----END-----\n`, PLAIN: 'p' }, 'docker');
  t.deepEqual(passed.args, ['--env-file', '/dev/stdin', '--env', 'PEM']);
  t.is(passed.input, 'PLAIN=p\n');
  t.deepEqual(passed.cliEnv, { PEM: `-----BEGIN-----\n${SECRET}\n-----END-----\n` });
  t.false(passed.args.some((arg) => arg.includes(SECRET)));
});

test('what the env file format cannot carry exactly', (t) => {
  t.false(fitsEnvFile('A', 'ends in CR\r'), 'Go drops a trailing carriage return');
  t.false(fitsEnvFile('A', 'two\nlines'));
  t.false(fitsEnvFile('A B', 'v'), 'Docker refuses names with blanks');
  t.false(fitsEnvFile('#A', 'v'), 'a comment line');
  t.false(fitsEnvFile('\uFEFFA', 'v'), 'a byte order mark is dropped from the first line');
  t.false(fitsEnvFile('A', 'x'.repeat(64 * 1024)), 'longer than a Go scanner line');
  t.true(fitsEnvFile('A', 'x'.repeat(50 * 1024)));
  t.true(fitsEnvFile('PATH', 'anything=goes "here" $X'));
});

// Shared names steer every engine's CLI; the others are the dialect's own (`cliEnvNames`).
const steering: Array<[string, Dialect | undefined]> = [
  ...['PATH', 'HOME', 'XDG_RUNTIME_DIR', 'TMPDIR', 'HTTP_PROXY', 'https_proxy', 'LD_PRELOAD', 'GODEBUG', 'SSH_AUTH_SOCK'].map((name): [string, undefined] => [name, undefined]),
  ['DOCKER_HOST', dockerDialect],
  ['DOCKER_CONFIG', dockerDialect],
  ['CONTAINER_HOST', podmanDialect],
  ['FOO*', podmanDialect],
];
for (const [name, dialect] of steering) {
  test(`a multi-line value named ${name} is refused (CONFIG_INVALID): it would steer the ${dialect?.name ?? 'any'} CLI`, (t) => {
    const error = t.throws(() => passEnv({ [name]: `a\n${SECRET}` }, dialect?.name ?? 'podman', dialect?.cliEnvNames));
    t.is((error as { code?: string }).code, 'CONFIG_INVALID');
    t.notRegex(`${error?.message} ${(error as { details?: string[] }).details?.join(' ')}`, new RegExp(SECRET));
  });
  test(`a one-line value named ${name} goes in the env file, not the CLI environment`, (t) => {
    const passed = passEnv({ [name]: SECRET }, dialect?.name ?? 'docker', dialect?.cliEnvNames);
    t.is(passed.input, `${name}=${SECRET}\n`);
    t.deepEqual(passed.cliEnv, {});
  });
}

test("an engine's own variable may reach another engine's CLI as `--env NAME`: it steers only its own", (t) => {
  const passed = passEnv({ CONTAINER_HOST: `a\n${SECRET}` }, 'docker', dockerDialect.cliEnvNames);
  t.deepEqual(passed.args, ['--env', 'CONTAINER_HOST']);
});

test('unlinkedFile: the descriptor reads the content, owner-only, and no name leads to it any more', async (t) => {
  const fd = await unlinkedFile(`TOKEN=${SECRET}\n`);
  try {
    const stat = fstatSync(fd);
    t.is(stat.nlink, 0, 'the file still has a name');
    t.is(stat.mode & 0o777, 0o600);
    t.is(readFileSync(`/proc/self/fd/${fd}`, 'utf8'), `TOKEN=${SECRET}\n`, 'reopened by path, as the CLI opens /dev/stdin');
  } finally {
    closeSync(fd);
  }
});
