/** Which services a command with service names acts on. */
import test from 'ava';
import { CidxError } from '../../../core/errors.js';
import type { Session } from '../../../core/session.js';
import { targetNames } from '../../../core/targets.js';

const session = {
  project: { configFile: '/work/app/cidx.config.ts' },
  config: {
    services: {
      qdrant: { dependsOn: [] },
      ollama: { dependsOn: [] },
      cleaner: { dependsOn: ['qdrant'] },
      api: { dependsOn: ['cleaner', 'ollama'] },
    },
  },
} as unknown as Pick<Session, 'config' | 'project'>;

test('apply and plan take what the named services depend on, transitively', (t) => {
  t.deepEqual([...targetNames(session, ['api'])].sort(), ['api', 'cleaner', 'ollama', 'qdrant']);
  t.deepEqual([...targetNames(session, ['cleaner'])].sort(), ['cleaner', 'qdrant']);
});

test('down, status, restart and logs take exactly the services named', (t) => {
  t.deepEqual([...targetNames(session, ['api'], { withDependencies: false })], ['api']);
});

test('an unknown name is SERVICE_NOT_FOUND (exit 2) with a did-you-mean; an inherited name is unknown too', (t) => {
  const error = t.throws(() => targetNames(session, ['olama']), { instanceOf: CidxError });
  t.is(error!.code, 'SERVICE_NOT_FOUND');
  t.is(error!.exitCode, 2);
  t.is(error!.hint, 'Did you mean "ollama"? Known services: qdrant, ollama, cleaner, api.');
  t.throws(() => targetNames(session, ['constructor']), { instanceOf: CidxError });
});
