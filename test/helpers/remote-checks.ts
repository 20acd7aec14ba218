/**
 * The remote-engine promise, checked the same way for every engine and every
 * way of reaching it (DOCKER_HOST over TCP or ssh://, CONTAINER_HOST): a
 * loopback bind is refused before anything is made, and with `bind:
 * '0.0.0.0'` the printed URL is the engine's host and answers from here.
 */
import type { ExecutionContext } from 'ava';
import type { ProjectReport } from '../../core/model.js';
import { closeServer, httpGet, impostor } from './net.js';
import { createProject, type TestProject } from './project.js';
import { service, STACK_LINE } from './reports.js';
import type { Runtime } from './runtime.js';
import { STOP_HTTPD } from './services.js';

export interface RemoteTarget {
  runtime: Runtime;
  /** The env that points the CLI at the remote engine. */
  env: Record<string, string | undefined>;
  /** What the engine's endpoint is called: `tcp://198.18.0.2:2375`. */
  uri: string;
  /** The engine's host, as URLs name it. */
  address: string;
  /** The runtime's CLI against the remote engine: resolves with stdout. */
  cli: (args: string[]) => Promise<string>;
}

/** The project's containers on the remote engine, one id per line ('' when none). */
export function remoteContainers(target: Pick<RemoteTarget, 'cli'>, project: TestProject): Promise<string> {
  return target.cli(['ps', '-aq', '--filter', `label=io.cidx.project=${project.id}`]);
}

/** A throwaway project whose containers and volumes on the remote engine are removed too, whatever happens (the local ones by its own cleanup). */
export async function remoteProject(t: ExecutionContext, config: Record<string, unknown>, target: Pick<RemoteTarget, 'cli' | 'runtime'>): Promise<TestProject> {
  const project = await createProject(config);
  t.teardown(async () => {
    try {
      const ids = (await remoteContainers(target, project)).split('\n').filter(Boolean);
      if (ids.length) await target.cli(['rm', '-f', '-v', ...(target.runtime === 'podman' ? ['-t', '0'] : []), ...ids]);
      const prefix = `cidx-${project.id}-`;
      const volumes = (await target.cli(['volume', 'ls', '-q', '--filter', `name=${prefix}`])).split('\n').filter((name) => name.startsWith(prefix));
      if (volumes.length) await target.cli(['volume', 'rm', '-f', ...volumes]);
    } finally {
      await project.cleanup();
    }
  });
  return project;
}

/** Applies the `web` config of `configure(bind)` twice: on the engine's loopback (refused), then on 0.0.0.0. Returns the second apply's report. */
export async function refusesLoopbackThenServes(
  t: ExecutionContext,
  project: TestProject,
  target: RemoteTarget,
  configure: (extra?: Record<string, unknown>) => Record<string, unknown>,
): Promise<ProjectReport> {
  const args = ['apply', '--json', '--runtime', target.runtime];
  const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const refused = await project.cidx(args, { env: target.env });
  t.is(refused.exitCode, 2, refused.describe());
  t.regex(refused.stderr, new RegExp(`web would publish its ports on 127\\.0\\.0\\.1 of ${escaped(target.address)} \\(${escaped(target.uri)}\\)`));
  t.regex(refused.stderr, /bind: '0\.0\.0\.0'/, 'and says what to do');
  t.notRegex(refused.stderr, STACK_LINE);
  t.is(await remoteContainers(target, project), '', 'nothing was created');

  await project.writeConfig(configure({ bind: '0.0.0.0' }));
  const applied = await project.cidx(args, { env: target.env });
  t.is(applied.exitCode, 0, applied.describe());
  const report = applied.json<ProjectReport>();
  t.like(report.endpoint, { uri: target.uri, host: target.address, local: false });
  const [port] = service(report, 'web').ports;
  t.is(port!.url, `http://${target.address}:${port!.host}`);
  t.like(await httpGet(`${port!.url}/healthz`), { status: 200 }, 'the printed URL answers from this machine');
  t.not(await remoteContainers(target, project), '', 'the container runs on the remote engine');
  return report;
}

/**
 * A probe for a remote service never meets a local process on the same port
 * number. `port` is the service's preferred port, held here by an impostor
 * that answers 200 to anything: apply publishes there on the engine's host,
 * the remote service is then made to stop answering, and status must call it
 * unhealthy. `doctor` names the engine and how it was chosen (`source`).
 */
export async function probesNeverMeetImpostor(t: ExecutionContext, project: TestProject, target: RemoteTarget & { source: string }, port: number): Promise<void> {
  const server = await impostor(port);
  t.teardown(() => closeServer(server));
  const args = (command: string) => [command, '--json', '--runtime', target.runtime];
  const applied = await project.cidx(args('apply'), { env: target.env });
  t.is(applied.exitCode, 0, applied.describe());
  const report = applied.json<ProjectReport>();
  t.like(report.endpoint, { uri: target.uri, local: false, source: target.source });
  t.is(service(report, 'web').ports[0]!.url, `http://${target.address}:${port}`);

  const [id] = (await remoteContainers(target, project)).split('\n');
  t.truthy(id, 'the container runs on the remote engine');
  await target.cli(['exec', id!, ...STOP_HTTPD]);
  await t.throwsAsync(httpGet(`http://${target.address}:${port}/healthz`, 2_000), undefined, 'the remote service no longer answers');
  t.like(await httpGet(`http://127.0.0.1:${port}/healthz`), { status: 200 }, 'the local impostor on the same port number does');
  const status = await project.cidx(args('status'), { env: target.env });
  t.like(service(status.json(), 'web'), { state: 'running', healthy: false }, status.describe());

  const doctor = await project.cidx(args('doctor'), { env: target.env });
  const check = doctor.json<{ checks: Array<{ name: string; detail: string; facts?: { engine?: unknown } }> }>().checks.find((each) => each.name === target.runtime);
  t.true(check?.detail.endsWith(`at ${target.uri} (${target.source})`), doctor.describe());
  t.like(check?.facts?.engine, { host: target.address, local: false });
}
