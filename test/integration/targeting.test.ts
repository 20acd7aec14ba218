/**
 * Acting on some services: apply one of three (and only what it needs),
 * status --check, --no-wait, logs of all with prefixes, restart, down of one
 * that keeps the others and their volumes. One project per runtime, its
 * steps sharing the containers, to keep the suite lean.
 */
import test from 'ava';
import type { ProjectReport } from '../../core/model.js';
import { withProject } from '../helpers/project.js';
import { projectContainers, projectVolumes, RUNTIMES } from '../helpers/runtime.js';
import { threeServicesConfig } from '../helpers/services.js';

const names = (report: ProjectReport) => report.services.map((service) => service.name).sort();

for (const runtime of RUNTIMES) {
  test(`${runtime}: apply, status, logs, restart and down of named services touch nothing else`, withProject, threeServicesConfig(), async (t, project) => {
    const cidx = (...args: string[]) => project.cidx([...args, '--runtime', runtime]);
    const running = async () => Object.fromEntries((await projectContainers(runtime, project.id)).map((container) => [container.Name.replace(/^\//, ''), container.Id]));

    // apply one of three: only it (qdrant depends on nothing)
    const qdrant = await cidx('apply', 'qdrant', '--json');
    t.is(qdrant.exitCode, 0, qdrant.describe());
    t.deepEqual(names(qdrant.json()), ['qdrant']);
    t.deepEqual(Object.keys(await running()), [`cidx-${project.id}-qdrant`]);

    // status --check: 1 while a selected service is missing, 0 when every selected one is healthy
    const all = await cidx('status', '--check');
    t.is(all.exitCode, 1, all.describe());
    t.regex(all.stdout, /^ollama\s+missing/m);
    const one = await cidx('status', 'qdrant', '--check', '--json');
    t.is(one.exitCode, 0, one.describe());
    t.deepEqual(names(one.json()), ['qdrant']);

    // --no-wait: back once the container runs, health not checked; qdrant is left alone
    const before = await running();
    const ollama = await cidx('apply', 'ollama', '--no-wait', '--json');
    t.is(ollama.exitCode, 0, ollama.describe());
    t.deepEqual(names(ollama.json()), ['ollama']);
    t.is(ollama.json().services[0]!.healthy, null, 'health not checked');
    t.is((await running())[`cidx-${project.id}-qdrant`], before[`cidx-${project.id}-qdrant`]);

    // logs of all services: interleaved, each line prefixed with its service (plain: not a TTY)
    const logs = await cidx('logs', '--tail', '5');
    t.is(logs.exitCode, 0, logs.describe());
    t.regex(logs.stdout, /^qdrant \| serving http:\[6333 6334\]/m);
    t.regex(logs.stdout, /^ollama \| serving http:\[11434\]/m);
    t.notRegex(logs.stdout, /\u001b\[/);
    t.notRegex(logs.stdout, /data-cleaner/, 'a service without a container is left out');
    const named = await cidx('logs', 'data-cleaner');
    t.is(named.exitCode, 1, named.describe());
    t.regex(named.stderr, /data-cleaner has no container/);

    // restart: the named service comes back healthy; a service without a container says to apply it
    const restarted = await cidx('restart', 'ollama', '--json');
    t.is(restarted.exitCode, 0, restarted.describe());
    t.deepEqual(names(restarted.json()), ['ollama']);
    t.true(restarted.json().services[0]!.healthy);
    const notCreated = await cidx('restart', 'data-cleaner');
    t.is(notCreated.exitCode, 1, notCreated.describe());
    t.regex(notCreated.stderr, /cidx apply data-cleaner/);

    // unknown names: exit 2 with a did-you-mean, nothing touched
    const typo = await cidx('down', 'olama');
    t.is(typo.exitCode, 2, typo.describe());
    t.regex(typo.stderr, /Did you mean "ollama"\?/);

    // down one with -v: the other keeps its container and its volume
    const volumes = await projectVolumes(runtime, project.id);
    t.true(volumes.some((name) => name.includes('qdrant')), volumes.join(', '));
    const down = await cidx('down', 'ollama', '-v');
    t.is(down.exitCode, 0, down.describe());
    t.deepEqual(Object.keys(await running()), [`cidx-${project.id}-qdrant`]);
    t.deepEqual(await projectVolumes(runtime, project.id), volumes, "qdrant's volume is kept");
    const status = await cidx('status', 'qdrant', '--check');
    t.is(status.exitCode, 0, status.describe());
  });
}
