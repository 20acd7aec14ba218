/**
 * Compose's resource settings (`deploy.resources`, `mem_limit`, `cpus`,
 * `shm_size`, GPU reservations, `gpus`) → cidx `resources` and `gpus`, and
 * the rest of `deploy` (replicas, placement…), which cidx has no use for.
 */
import { hasVariables, withDefaults } from './interpolate.js';
import type { Value } from './model.js';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** '512M', '1gb', '2G', 1073741824 → '512m', '1g', '2g', '1073741824b': the units docker and podman both read. */
export function byteSize(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return `${value}b`;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)i?b?$/i.exec(value.trim());
  if (!match) return undefined;
  const unit = (match[2] || 'b').toLowerCase();
  // Terabytes: Compose reads them, the engines' flags (and so cidx's schema) stop at g.
  return unit === 't' ? `${Number(match[1]) * 1024}g` : `${match[1]}${unit}`;
}

/** A GPU request: 'all', a count, or device ids; undefined for a device that is no GPU. */
function gpuRequest(device: Record<string, unknown>): Value | undefined {
  const capabilities = Array.isArray(device.capabilities) ? device.capabilities.map(String) : [];
  if (!capabilities.includes('gpu') && device.driver !== 'nvidia') return undefined;
  if (Array.isArray(device.device_ids) && device.device_ids.length) return device.device_ids.map(String);
  if (device.count === undefined || device.count === 'all' || device.count === -1) return 'all';
  // `count: ${OLLAMA_GPU_COUNT:-1}`: the count must be known now; Compose's default is the best guess.
  const count = Number(typeof device.count === 'string' && hasVariables(device.count) ? withDefaults(device.count) : device.count);
  return Number.isInteger(count) && count > 0 ? count : 'all';
}

export function resources(raw: Record<string, unknown>, skip: (key: string, reason: string) => void): { resources?: Record<string, Value>; gpus?: Value } {
  const out: Record<string, Value> = {};
  let gpus: Value | undefined;
  const deploy = isRecord(raw.deploy) ? raw.deploy : {};
  const limits = isRecord(deploy.resources) && isRecord(deploy.resources.limits) ? deploy.resources.limits : {};
  const reservations = isRecord(deploy.resources) && isRecord(deploy.resources.reservations) ? deploy.resources.reservations : {};

  const memory = limits.memory ?? raw.mem_limit;
  if (memory !== undefined) {
    const size = byteSize(memory);
    if (size) out.memory = size;
    else skip('deploy.resources.limits.memory', `unreadable size ${JSON.stringify(memory)}`);
  }
  const cpus = limits.cpus ?? raw.cpus;
  if (cpus !== undefined) {
    const count = Number(cpus);
    if (Number.isFinite(count) && count > 0) out.cpus = count;
    else skip('deploy.resources.limits.cpus', `unreadable CPU count ${JSON.stringify(cpus)}`);
  }
  if (raw.shm_size !== undefined) {
    const size = byteSize(raw.shm_size);
    if (size) out.shmSize = size;
    else skip('shm_size', `unreadable size ${JSON.stringify(raw.shm_size)}`);
  }
  for (const key of Object.keys(limits)) if (key !== 'memory' && key !== 'cpus') skip(`deploy.resources.limits.${key}`, 'cidx limits memory and cpus only');

  for (const [key, value] of Object.entries(reservations)) {
    if (key !== 'devices' || !Array.isArray(value)) {
      skip(`deploy.resources.reservations.${key}`, 'cidx sets limits, not reservations');
      continue;
    }
    value.forEach((device, index) => {
      const request = isRecord(device) ? gpuRequest(device) : undefined;
      if (request === undefined) skip(`deploy.resources.reservations.devices[${index}]`, 'only GPU reservations are supported (as `gpus`)');
      else gpus = request;
    });
  }
  if (raw.gpus !== undefined) {
    const list = Array.isArray(raw.gpus) ? raw.gpus : [raw.gpus];
    for (const entry of list) {
      const request = entry === 'all' ? 'all' : isRecord(entry) ? gpuRequest({ capabilities: ['gpu'], ...entry }) : undefined;
      if (request === undefined) skip('gpus', `unreadable GPU request ${JSON.stringify(entry)}`);
      else gpus = request;
    }
  }

  for (const [key, value] of Object.entries(deploy)) {
    if (key === 'resources' || key === 'restart_policy') continue;
    if (key === 'replicas' && Number(value) === 1) continue;
    skip(`deploy.${key}`, key === 'replicas' ? 'cidx runs one container per service' : 'cidx uses `deploy` only for resources, GPUs and the restart policy');
  }
  return { ...(Object.keys(out).length ? { resources: out } : {}), ...(gpus !== undefined ? { gpus } : {}) };
}
