/**
 * When a container's last run ended: a job's record in `status` and
 * `--json`. Both engines print a zero time ("0001-…", or a negative epoch)
 * for a container that never finished; that is no time at all.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { parseInspect } from '../../../../plugins/oci-cli/inspect.js';
import { parsePsJson } from '../../../../plugins/oci-cli/ps-json.js';

const fixture = (name: string) => readFile(fileURLToPath(new URL(`../../../../../test/fixtures/json/${name}`, import.meta.url)), 'utf8');

test('inspect: FinishedAt of a stopped container, nothing for a zero time (docker and podman)', async (t) => {
  for (const name of ['docker-inspect-stopped.json', 'podman-inspect-stopped.json']) {
    const [stopped] = parseInspect(await fixture(name));
    t.regex(stopped?.finishedAt ?? '', /^2026-11-27T00:23:32\.\d+Z$/, name);
  }
  const never = parseInspect(await fixture('docker-inspect.json')).filter((container) => container.finishedAt === undefined);
  t.true(never.length > 0);
});

test('podman ps: ExitedAt of an exited container as an ISO time; none for a running one', async (t) => {
  const containers = parsePsJson(await fixture('podman-ps.json'));
  t.deepEqual(
    containers.map((container) => [container.state, container.finishedAt]),
    [
      ['running', undefined],
      ['running', undefined],
      ['exited', new Date(1795743756 * 1000).toISOString()],
    ],
  );
});
