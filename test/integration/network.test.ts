/**
 * Services reach each other by name on the project's own network, as with
 * docker compose; projects do not share it; `down` removes it. When the
 * engine cannot create another network, services still come up.
 */
import path from 'node:path';
import test from 'ava';
import { httpGet } from '../helpers/net.js';
import { withProject } from '../helpers/project.js';
import { applyOk } from '../helpers/reports.js';
import { projectContainers, RUNTIMES, runtimeCli, runtimeShim } from '../helpers/runtime.js';
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

/** What each engine says when its address pools are used up (Docker holds about 30 networks by default). */
const POOLS_EXHAUSTED: Record<string, string> = {
  docker: 'Error response from daemon: could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network',
  podman: 'Error: could not find free subnet from subnet pools',
};

for (const runtime of RUNTIMES) {
  test(`${runtime}: with no address pool left for the project network, apply still brings every service up, says so, and leaves them be next time`, withProject, threeServicesConfig(), async (t, project) => {
    const shim = await runtimeShim(runtime, path.dirname(project.root), { failNetworkCreate: POOLS_EXHAUSTED[runtime] });

    const first = await project.cidx(['apply', '--json', '--runtime', runtime], { env: shim.env });
    t.is(first.exitCode, 0, first.describe());
    const report = first.json();
    t.true(report.services.every((entry) => entry.healthy === true && entry.action === 'created'), first.describe());
    t.regex(report.notes?.join('\n') ?? '', new RegExp(`no address range left for another network.*cidx-${project.id}.*default network`, 's'));
    // The fix is the engine's own (its dialect's hint): Docker's daemon.json pools, Podman's containers.conf ones.
    t.regex(first.stderr, runtime === 'docker' ? /note: .*default-address-pools/s : /note: .*default_subnet_pools/s, 'the human sees the note and the fix');
    const qdrant = report.services.find((entry) => entry.name === 'qdrant')!.ports.find((port) => port.name === 'http')!;
    t.is((await httpGet(`${qdrant.url}/healthz`)).status, 200, 'the reported URL answers over a real socket');

    const containers = await projectContainers(runtime, project.id);
    t.is(containers.length, 3);
    for (const container of containers) {
      t.is(container.Config.Labels?.['io.cidx.network'], 'default');
      t.false(Object.keys(container.NetworkSettings?.Networks ?? {}).includes(`cidx-${project.id}`));
    }

    const again = await project.cidx(['apply', '--json', '--runtime', runtime], { env: shim.env });
    t.is(again.exitCode, 0, again.describe());
    t.deepEqual(again.json().services.map((entry) => entry.action), ['unchanged', 'unchanged', 'unchanged'], 'not recreated to fail the same way again');
    const plan = await project.cidx(['plan', '--runtime', runtime], { env: shim.env });
    t.regex(plan.stdout, /up to date, on the runtime's default network/);
  });
}

// Podman's failure alone: it lists the host's interfaces to pick a subnet, and its dialect retries
// that error. Docker picks subnets from its own pools and never says it; its dialect retries nothing.
for (const runtime of ['podman'] as const) {
  test(`${runtime}: a network create that fails because a host interface vanished meanwhile is asked again, and the project gets its network`, withProject, threeServicesConfig(), async (t, project) => {
    // Podman's own words when another network is removed while it lists the host's interfaces (seen in CI).
    const shim = await runtimeShim(runtime, path.dirname(project.root), { failFirstNetworkCreate: 'Error: route ip+net: no such network interface' });
    const run = await project.cidx(['apply', '--json', '--runtime', runtime], { env: shim.env });
    t.is(run.exitCode, 0, run.describe());
    t.is(run.json().notes, undefined, 'no fallback to the default network');
    for (const container of await projectContainers(runtime, project.id)) {
      t.true(Object.keys(container.NetworkSettings?.Networks ?? {}).includes(`cidx-${project.id}`), container.Name);
    }
  });
}
