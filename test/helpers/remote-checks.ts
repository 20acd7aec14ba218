/**
 * The remote-engine promise, checked the same way for every engine and every
 * way of reaching it (DOCKER_HOST over TCP or ssh://, CONTAINER_HOST): a
 * loopback bind is refused before anything is made, and with `bind:
 * '0.0.0.0'` the printed URL is the engine's host and answers from here.
 */
import type { ExecutionContext } from 'ava';
import type { ProjectReport } from '../../core/model.js';
import { httpGet } from './net.js';
import type { TestProject } from './project.js';
import { service, STACK_LINE } from './reports.js';
import type { Runtime } from './runtime.js';

export interface RemoteTarget {
  runtime: Runtime;
  /** The env that points the CLI at the remote engine. */
  env: Record<string, string | undefined>;
  /** What the engine's endpoint is called: `tcp://198.18.0.2:2375`. */
  uri: string;
  /** The engine's host, as URLs name it. */
  address: string;
  /** The project's containers on the remote engine, one id per line ('' when none). */
  containers: () => Promise<string>;
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
  t.is(await target.containers(), '', 'nothing was created');

  await project.writeConfig(configure({ bind: '0.0.0.0' }));
  const applied = await project.cidx(args, { env: target.env });
  t.is(applied.exitCode, 0, applied.describe());
  const report = applied.json<ProjectReport>();
  t.like(report.endpoint, { uri: target.uri, host: target.address, local: false });
  const [port] = service(report, 'web').ports;
  t.is(port!.url, `http://${target.address}:${port!.host}`);
  t.like(await httpGet(`${port!.url}/healthz`), { status: 200 }, 'the printed URL answers from this machine');
  t.not(await target.containers(), '', 'the container runs on the remote engine');
  return report;
}
