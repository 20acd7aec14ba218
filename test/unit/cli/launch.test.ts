/** Which command a run caches code for: the first word that is not an option or an option's value. */
import test from 'ava';
import { commandOf } from '../../../cli/launch.js';

test('the command is the first word, after options and their values', (t) => {
  t.is(commandOf(['apply', '--json']), 'apply');
  t.is(commandOf(['-c', 'other.config.ts', 'port', 'qdrant']), 'port');
  t.is(commandOf(['--runtime', 'podman', 'status']), 'status');
  t.is(commandOf(['--json', 'down', '--volumes']), 'down');
  t.is(commandOf(['--tail', '20', 'logs', 'web']), 'logs', 'every string option of the parser counts');
});

test('no command word (help, version) and odd words share one key', (t) => {
  t.is(commandOf(['--help']), '-');
  t.is(commandOf([]), '-');
  t.is(commandOf(['../../etc/passwd']), '-', 'never a path: the word becomes a file name');
  t.is(commandOf(['APPLY']), '-');
});
