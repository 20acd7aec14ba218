import test from 'ava';
import { valueOptionSpellings } from '../../../cli/options.js';
import { splitTrailingCommand } from '../../../cli/trailing-command.js';

const split = (line: string) => splitTrailingCommand(line.split(' '), valueOptionSpellings());

test('exec: everything after the service is the command, its options included', (t) => {
  t.deepEqual(split('exec -u 1000 -e A=1 qdrant ls -la -u x'), { own: ['exec', '-u', '1000', '-e', 'A=1', 'qdrant'], trailing: ['ls', '-la', '-u', 'x'] });
  t.deepEqual(split('--runtime podman exec qdrant -- sh -c true'), { own: ['--runtime', 'podman', 'exec', 'qdrant'], trailing: ['sh', '-c', 'true'] });
  t.deepEqual(split('exec -- qdrant sh'), { own: ['exec', 'qdrant'], trailing: ['sh'] }, '`--` before the service');
});

test("exec: docker's -i, -t and -it are accepted before the service and mean nothing more", (t) => {
  t.deepEqual(split('exec -it qdrant sh'), { own: ['exec', 'qdrant'], trailing: ['sh'] });
  t.deepEqual(split('exec -i -t qdrant sh'), { own: ['exec', 'qdrant'], trailing: ['sh'] });
});

test("run: cidx's options come first, the command starts at its first word or after --", (t) => {
  t.deepEqual(split('run --down --pull never npm test --watch'), { own: ['run', '--down', '--pull', 'never'], trailing: ['npm', 'test', '--watch'] });
  t.deepEqual(split('run --down -- --weird-program -x'), { own: ['run', '--down'], trailing: ['--weird-program', '-x'] });
  t.deepEqual(split('-c other.ts run node app.js'), { own: ['-c', 'other.ts', 'run'], trailing: ['node', 'app.js'] });
});

test('other commands, and a value that looks like a command word, are left to the parser', (t) => {
  t.deepEqual(split('logs qdrant --tail 5'), { own: ['logs', 'qdrant', '--tail', '5'], trailing: [] });
  t.deepEqual(split('-c run apply'), { own: ['-c', 'run', 'apply'], trailing: [] }, '"run" is the value of -c');
  t.deepEqual(split('exec qdrant'), { own: ['exec', 'qdrant'], trailing: [] });
});
