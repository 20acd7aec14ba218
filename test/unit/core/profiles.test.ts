/**
 * Profiles: which services the active profiles select, the error for a
 * selected service that depends on a left-out one, and what plan/status do
 * with a left-out service's container (never an orphan to remove).
 */
import test from 'ava';
import { hasCode } from '../../../core/errors.js';
import { planProject, statusProject } from '../../../core/operations.js';
import { activeProfiles, selectProfiles } from '../../../core/profiles.js';
import { openProjectSession } from '../../../core/session.js';
import { renderExcluded } from '../../../cli/report.js';
import { configSchema } from '../../../schemas/config.js';
import { fakeRuntime } from '../helpers/fake-runtime.js';
import { desiredOne, observedFrom } from '../helpers/contexts.js';

const FILE = '/work/example-project/cidx.config.ts';
const STACK = {
  services: {
    app: { image: 'app' },
    ollama: { image: 'ollama', profiles: ['gpu'] },
    debugger: { image: 'dbg', profiles: ['debug', 'gpu'] },
  },
};
const open = (raw: unknown, profiles?: string[]) => openProjectSession({ command: 'plan', plugins: [], raw: { raw, filepath: FILE }, profiles });
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');

test('activeProfiles: --profile (repeatable, comma lists) wins over CIDX_PROFILES; blanks and repeats are dropped', (t) => {
  t.deepEqual(activeProfiles(undefined, undefined), []);
  t.deepEqual(activeProfiles(undefined, 'gpu, debug,,gpu'), ['gpu', 'debug']);
  t.deepEqual(activeProfiles(['gpu', 'a,b'], 'debug'), ['gpu', 'a', 'b']);
  t.deepEqual(activeProfiles([], 'debug'), ['debug'], 'no --profile given: the variable counts');
});

test('selectProfiles: a service without profiles is always in; one with profiles only when one of them is active', (t) => {
  const config = configSchema.parse(STACK);
  const none = selectProfiles(config, []);
  t.deepEqual(Object.keys(none.config.services), ['app']);
  t.deepEqual(none.selection.excluded, [
    { name: 'ollama', profiles: ['gpu'], reason: 'profile gpu not active' },
    { name: 'debugger', profiles: ['debug', 'gpu'], reason: 'profile debug or gpu not active' },
  ]);
  t.deepEqual(Object.keys(selectProfiles(config, ['gpu']).config.services), ['app', 'ollama', 'debugger']);
  t.deepEqual(Object.keys(selectProfiles(config, ['debug']).config.services), ['app', 'debugger']);
  t.deepEqual(selectProfiles(config, ['gpu', 'typo']).selection.unknown, ['typo']);
  t.is(selectProfiles(configSchema.parse({ services: { app: { image: 'a' } } }), []).selection.excluded.length, 0);
});

test('profiles are validated as names', (t) => {
  const result = configSchema.safeParse({ services: { a: { image: 'a', profiles: ['gpu', 'no spaces'] } } });
  t.deepEqual(result.error?.issues.map((issue) => issue.path.join('.')), ['services.a.profiles.1']);
});

test('a selected service that depends on a left-out one: a config error naming the profile to enable', async (t) => {
  const raw = { services: { app: { image: 'app', dependsOn: ['ollama'] }, ollama: { image: 'ollama', profiles: ['gpu'] } } };
  const session = await open(raw);
  const problem = session.profiles?.problem;
  t.true(hasCode(problem, 'CONFIG_INVALID'));
  t.deepEqual(problem?.details, ['services.app.dependsOn: "ollama" is left out (profile gpu not active)']);
  t.regex(problem?.hint ?? '', /--profile gpu/);
  const runtime = fakeRuntime();
  await t.throwsAsync(planProject({ ...session, runtime }), { message: /profile is not active/ });
  t.is((await open(raw, ['gpu'])).profiles?.problem, undefined, 'with the profile on, both run');
});

test('plan: a left-out service is in no step, its running container is not removed, and the plan says why it is out', async (t) => {
  const session = await open(STACK);
  const ollama = await desiredOne({ services: { ollama: { image: 'ollama' } } }, 'ollama');
  const leftover = observedFrom(ollama);
  const runtime = fakeRuntime({}, [leftover]);
  const { steps, excluded } = await planProject({ ...session, runtime });
  t.deepEqual(steps.map((step) => [step.service, step.op]), [['app', 'create']], 'no remove step for ollama');
  t.deepEqual(excluded, [
    { name: 'ollama', profiles: ['gpu'], reason: 'profile gpu not active', state: 'running' },
    { name: 'debugger', profiles: ['debug', 'gpu'], reason: 'profile debug or gpu not active', state: 'missing' },
  ]);
  t.deepEqual(plain(renderExcluded(excluded!)).split('\n'), [
    '- excluded  ollama    profile gpu not active; its container from an earlier apply is left as it is (`cidx down` removes it)',
    '- excluded  debugger  profile debug or gpu not active',
  ]);
  const status = await statusProject({ ...session, runtime });
  t.deepEqual(status.services.map((service) => service.name), ['app']);
  t.deepEqual(status.excluded?.map((service) => service.name), ['ollama', 'debugger']);
});

test('with its profile active, a left-out service comes back into the plan; without any profiles nothing is reported excluded', async (t) => {
  const runtime = fakeRuntime();
  const on = await planProject({ ...(await open(STACK, ['gpu'])), runtime });
  t.deepEqual(on.steps.map((step) => step.service), ['app', 'ollama', 'debugger']);
  t.is(on.excluded, undefined);
  const without = await open({ services: { app: { image: 'app' } } });
  t.is((await planProject({ ...without, runtime })).excluded, undefined);
  t.deepEqual(without.warnings, []);
  t.deepEqual((await open(STACK, ['gpux'])).warnings, ['--profile gpux: no service of this project has that profile']);
});
