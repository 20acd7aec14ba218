/**
 * The `run`/`create` arguments for a spec's container keys (mounts, tmpfs,
 * entrypoint, user, workdir, extra hosts, restart, resources, GPUs). Pure:
 * what differs between engines comes from the dialect (`gpuArgs`), and a
 * `host-gateway` the engine cannot resolve arrives here already resolved.
 */
import type { ContainerKeys } from '../../core/container-keys.js';
import type { VolumeMount } from '../../core/model.js';
import type { Dialect } from './dialect.js';

/** Docker's `--gpus`: 'all', a count, or `"device=0,1"` (quoted: the value is parsed as CSV). */
export function dockerGpuArgs(gpus: NonNullable<ContainerKeys['gpus']>): string[] {
  if (Array.isArray(gpus)) return ['--gpus', `"device=${gpus.join(',')}"`];
  return ['--gpus', String(gpus)];
}

/**
 * CDI devices (`nvidia.com/gpu=all`, `=0`, …), as Podman takes them: Podman
 * 4 accepts `--gpus` and ignores it. A count n asks for devices 0 … n-1,
 * the names `nvidia-ctk cdi generate` gives them.
 */
export function cdiGpuArgs(gpus: NonNullable<ContainerKeys['gpus']>): string[] {
  const ids = gpus === 'all' ? ['all'] : typeof gpus === 'number' ? Array.from({ length: gpus }, (_, index) => String(index)) : gpus;
  return ids.flatMap((id) => ['--device', `nvidia.com/gpu=${id}`]);
}

/**
 * A named volume's mount: `--volume name:path`, or, when the core gave it
 * labels (dialects with `volumeLabelsOnRun`), `--mount` with `volume-label`s,
 * so the volume `run` creates carries them without a `volume create` first.
 */
export function volumeArgs(volume: VolumeMount): string[] {
  if (!volume.labels) return ['--volume', `${volume.source}:${volume.target}`];
  const fields = [`type=volume`, `src=${volume.source}`, `dst=${volume.target}`, ...Object.entries(volume.labels).map(([key, value]) => `volume-label=${key}=${value}`)];
  return ['--mount', fields.map(csvField).join(',')];
}

/** `--mount` is read as one CSV record: a field holding a comma or a quote (a project root may) is quoted. */
function csvField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/** Arguments before the image. `hostGateway`: the address to put for 'host-gateway' when the dialect cannot. */
export function containerKeyArgs(spec: ContainerKeys, dialect: Pick<Dialect, 'gpuArgs' | 'hostGateway'>, hostGateway?: string): string[] {
  const args: string[] = [];
  for (const mount of spec.mounts ?? []) {
    const options = [...(mount.readOnly ? ['ro'] : []), ...(mount.selinux === 'shared' ? ['z'] : mount.selinux === 'private' ? ['Z'] : [])];
    // `--volume`, not `--mount`: only it takes :z/:Z on both engines. cidx checked the path exists (core/container-keys.ts).
    args.push('--volume', `${mount.source}:${mount.target}${options.length ? `:${options.join(',')}` : ''}`);
  }
  for (const tmpfs of spec.tmpfs ?? []) args.push('--tmpfs', tmpfs.size ? `${tmpfs.target}:size=${tmpfs.size}` : tmpfs.target);
  if (spec.entrypoint) args.push('--entrypoint', spec.entrypoint[0]!);
  if (spec.user !== undefined) args.push('--user', spec.user);
  if (spec.workdir !== undefined) args.push('--workdir', spec.workdir);
  for (const [host, address] of Object.entries(spec.extraHosts ?? {})) {
    const resolved = address === 'host-gateway' && dialect.hostGateway === 'network' ? hostGateway : address;
    if (resolved === undefined) throw new Error(`extraHosts ${host}: host-gateway was not resolved`); // the runtime resolves it first
    args.push('--add-host', `${host}:${resolved}`);
  }
  if (spec.restart !== undefined) args.push('--restart', spec.restart);
  const { memory, cpus, shmSize } = spec.resources ?? {};
  if (memory !== undefined) args.push('--memory', memory);
  if (cpus !== undefined) args.push('--cpus', String(cpus));
  if (shmSize !== undefined) args.push('--shm-size', shmSize);
  if (spec.gpus !== undefined) args.push(...(dialect.gpuArgs ?? dockerGpuArgs)(spec.gpus));
  return args;
}

/**
 * What follows the image: the entrypoint's arguments, then the command. An
 * engine given `--entrypoint` drops the image's CMD too (as Compose does), so
 * an entrypoint without a command runs as written.
 */
export function commandArgs(spec: ContainerKeys & { command: string[] | undefined }): string[] {
  return [...(spec.entrypoint?.slice(1) ?? []), ...(spec.command ?? [])];
}

/** Whether the container's /etc/hosts needs the host's address worked out by cidx. */
export function needsHostGateway(spec: ContainerKeys, dialect: Pick<Dialect, 'hostGateway'>): boolean {
  return dialect.hostGateway === 'network' && Object.values(spec.extraHosts ?? {}).includes('host-gateway');
}

/** The gateway of a network, from `network inspect` (Docker's IPAM form or Podman's subnets form). */
export function parseNetworkGateway(stdout: string): string | undefined {
  const [network] = JSON.parse(stdout || '[]') as Array<{ IPAM?: { Config?: Array<{ Gateway?: string }> }; subnets?: Array<{ gateway?: string }> }>;
  const gateways = [...(network?.IPAM?.Config ?? []).map((config) => config.Gateway), ...(network?.subnets ?? []).map((subnet) => subnet.gateway)];
  // An IPv4 gateway first: a dual-stack network lists both, and most host services listen on IPv4.
  return gateways.find((gateway) => gateway && !gateway.includes(':')) ?? gateways.find(Boolean);
}
