/**
 * `cidx __complete [--] WORD… CURRENT`: the candidates for CURRENT, one a
 * line, for the scripts `cidx completion` prints. Called on every Tab, so it
 * must be fast and must never fail: any problem (no config, a config that
 * throws, an untrusted one, a slow one) means fewer candidates, never an
 * error, and nothing on stderr. Service and port names are read from the
 * config (no engine is asked); the config gets READ_BUDGET_MS to load.
 */
import { ExitCode } from '../../core/errors.js';
import { argKind, commandNames, optionSpellings, optionValues, takesValue } from '../completion-spec.js';

/** A Tab that takes longer than this feels broken: offer what is known without the config. CIDX_COMPLETE_TIMEOUT_MS for slow machines. */
const READ_BUDGET_MS = Number(process.env.CIDX_COMPLETE_TIMEOUT_MS) > 0 ? Number(process.env.CIDX_COMPLETE_TIMEOUT_MS) : 1_500;

type Services = Record<string, { ports: Record<string, number> }>;

export async function complete(argv: string[]): Promise<number> {
  try {
    const words = argv[0] === '--' ? argv.slice(1) : argv;
    const candidates = await candidatesFor(words.slice(0, -1), words.at(-1) ?? '', readServices);
    if (candidates.length) process.stdout.write(`${candidates.join('\n')}\n`);
  } catch {
    // never: a completion that throws would print into the user's command line
  }
  // A config that left a timer or socket open would keep this process, and the user's Tab, waiting:
  // once the answer is written, nothing else matters. Unref'd: an idle process ends by itself first.
  setTimeout(() => process.exit(ExitCode.ok), 200).unref();
  return ExitCode.ok;
}

/** The candidates for `current`, after the words before it; `services` reads the config when a name is wanted. */
export async function candidatesFor(before: string[], current: string, services: (configFile: string | undefined) => Promise<Services | undefined>): Promise<string[]> {
  const starts = (list: readonly string[]) => [...new Set(list)].filter((item) => item.startsWith(current));
  let command: string | undefined;
  let configFile: string | undefined;
  const positionals: string[] = [];
  for (let index = 0; index < before.length; index++) {
    const word = before[index]!;
    if (word === '--') return []; // a command line of another program (exec, run) follows
    if (word.startsWith('-')) {
      if (takesValue(word, command)) {
        if (word === '-c' || word === '--config') configFile = before[index + 1];
        index++;
      }
      continue;
    }
    if (command === undefined) command = word;
    else positionals.push(word);
  }
  const previous = before.at(-1);
  if (previous !== undefined && previous.startsWith('-') && takesValue(previous, command)) return starts(optionValues(previous, command) ?? []);
  if (current.startsWith('-')) return starts(optionSpellings(command));
  if (command === undefined) return starts(commandNames());
  const kind = argKind(command, positionals.length);
  if (kind === undefined) return []; // exec after the service, run: the other program's command line
  if (kind === 'command') return starts(commandNames());
  if (typeof kind === 'object') return starts(kind.values);
  const declared = await services(configFile);
  if (!declared) return [];
  if (kind === 'port') {
    const service = positionals[0];
    return service && Object.hasOwn(declared, service) ? starts(Object.keys(declared[service]!.ports ?? {})) : [];
  }
  const named = kind === 'services' ? new Set(positionals) : new Set<string>();
  return starts(Object.keys(declared).filter((name) => !named.has(name)));
}

/** The config's services, or undefined when it cannot be read quickly and quietly. */
async function readServices(configFile: string | undefined): Promise<Services | undefined> {
  const read = (async () => {
    const [{ openProjectSession }, { builtinPlugins }, { quietLogger }] = await Promise.all([
      import('../../core/session.js'),
      import('../../plugins/index.js'),
      import('../../core/logger.js'),
    ]);
    const session = await openProjectSession({ command: '__complete', plugins: builtinPlugins(), configFile, logger: quietLogger });
    return session.config.services as Services;
  })().catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, READ_BUDGET_MS, undefined);
    timer.unref(); // a config that never settles must not keep the process alive either
  });
  try {
    return await Promise.race([read, late]);
  } finally {
    clearTimeout(timer);
  }
}
