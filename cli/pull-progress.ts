/**
 * Reading an engine's `pull` output into "3/7 layers, 41.2 MB/118.5 MB".
 * Both engine formats are read, with or without a terminal:
 *
 *   Docker   a2abf6c4d29d: Pulling fs layer | Waiting | Downloading [==>  ] 12.3MB/31.4MB
 *            | Verifying Checksum | Download complete | Extracting … | Pull complete | Already exists
 *   Podman   Copying blob a2abf6c4d29d [==>---] 12.0MiB / 30.4MiB | done | skipped: already exists
 *            Copying blob sha256:a2abf6…   (a start line, without a terminal)
 *
 * Anything else (digests, "Trying to pull", warnings) leaves the state as it
 * was: an unknown line never breaks the display.
 */

interface Layer {
  done: boolean;
  /** Bytes downloaded and in all, when the engine said so. */
  current?: number;
  total?: number;
}

export interface PullState {
  layers: Map<string, Layer>;
}

export const newPullState = (): PullState => ({ layers: new Map() });

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
const DOCKER_LINE = /^([0-9a-f]{12}): (.+)$/;
const PODMAN_BLOB = /^Copying blob (?:sha256:)?([0-9a-f]{12})[0-9a-f]*(?:\.\.\.)?\s*(.*)$/;
/** "12.3MB/31.4MB" (Docker) or "12.0MiB / 30.4MiB" (Podman), after the bar. */
const BYTES = /([\d.]+)\s*([kKMGT]?i?[Bb])\s*\/\s*([\d.]+)\s*([kKMGT]?i?[Bb])/;
const DOCKER_DONE = /^(pull complete|already exists)/i;
const PODMAN_DONE = /^(done|skipped|already exists)/i;

const UNITS: Record<string, number> = { B: 1, b: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };

function bytes(value: string, unit: string): number | undefined {
  const scale = UNITS[unit];
  return scale === undefined ? undefined : Number(value) * scale;
}

/** Folds one line of output into `state`; returns whether anything changed. */
export function readPullLine(state: PullState, raw: string): boolean {
  // On a terminal engines redraw with cursor movements; the text between them is the same.
  const line = raw.replace(ANSI, '').trim();
  const docker = DOCKER_LINE.exec(line);
  const podman = docker ? undefined : PODMAN_BLOB.exec(line);
  const match = docker ?? podman;
  if (!match) return false;
  const [, id, status] = match as unknown as [string, string, string];
  const layer = state.layers.get(id) ?? { done: false };
  state.layers.set(id, layer);
  if ((docker ? DOCKER_DONE : PODMAN_DONE).test(status)) {
    layer.done = true;
    if (layer.total !== undefined) layer.current = layer.total;
    return true;
  }
  // Docker's "Extracting" counts the same bytes again: only downloads move the byte count.
  if (docker && !/^downloading/i.test(status)) return true;
  const amount = BYTES.exec(status);
  if (amount) {
    const current = bytes(amount[1]!, amount[2]!);
    const total = bytes(amount[3]!, amount[4]!);
    if (current !== undefined) layer.current = current;
    if (total !== undefined) layer.total = total;
  }
  return true;
}

/** "3/7 layers, 41.2 MB/118.5 MB"; the bytes only when the engine reported them. */
export function describePull(state: PullState): string {
  const layers = [...state.layers.values()];
  if (layers.length === 0) return 'starting';
  const done = layers.filter((layer) => layer.done).length;
  let text = `${done}/${layers.length} layer${layers.length === 1 ? '' : 's'}`;
  const sized = layers.filter((layer) => layer.total !== undefined);
  if (sized.length) {
    const total = sized.reduce((sum, layer) => sum + layer.total!, 0);
    const current = sized.reduce((sum, layer) => sum + (layer.current ?? 0), 0);
    text += `, ${formatBytes(current)}/${formatBytes(total)}`;
  }
  return text;
}

export function formatBytes(value: number): string {
  if (value < 1e3) return `${Math.round(value)} B`;
  if (value < 1e6) return `${(value / 1e3).toFixed(1)} kB`;
  if (value < 1e9) return `${(value / 1e6).toFixed(1)} MB`;
  return `${(value / 1e9).toFixed(2)} GB`;
}

export const formatSeconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;
