/**
 * Services reach each other by name on the project's own network, as with
 * docker compose; projects do not share it; `down` removes it.
 */
import test from 'ava';
import { withProject } from '../helpers/project.js';
import { applyOk } from '../helpers/reports.js';
import { RUNTIMES, runtimeCli } from '../helpers/runtime.js';
import { threeServicesConfig } from '../helpers/services.js';

for (const runtime of RUNTIMES) {
  test(`${runtime}: a service reaches another by its service name; down removes the project network`, withProject, threeServicesConfig(), async (t, project) => {
    await applyOk(t, project, runtime);
    const network = `cidx-${project.id}`;
    t.is((await runtimeCli(runtime, ['network', 'inspect', '--format', '{{.Name}}', network])).trim(), network);

    // From inside data-cleaner, the container port (not the host port) of qdrant, by name.
    const answer = await runtimeCli(runtime, ['exec', `cidx-${project.id}-data-cleaner`, 'wget', '-q', '-O', '-', 'http://qdrant:6333/healthz']);
    t.is(answer.trim(), 'ok');

    const down = await project.cidx(['down', '--runtime', runtime]);
    t.is(down.exitCode, 0, down.describe());
    await t.throwsAsync(runtimeCli(runtime, ['network', 'inspect', network]), undefined, 'the network is gone with the containers');
  });
}
