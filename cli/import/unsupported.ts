/**
 * Compose service keys cidx cannot express, each with the reason `cidx
 * import` reports. Keys absent here and not converted get a generic reason;
 * keys in IGNORED change nothing cidx would do differently.
 */
const NETWORK = 'cidx puts every service on one project network, where services reach each other by service name';
const PRIVILEGE = 'cidx does not change container privileges or kernel settings';

export const UNSUPPORTED: Record<string, string> = {
  build: 'cidx runs images and does not build them: build and tag the image first (e.g. `docker build -t <image> <context>`)',
  network_mode: NETWORK,
  networks: NETWORK,
  links: `${NETWORK}; link aliases are not supported`,
  external_links: `${NETWORK}; containers outside the project are not linked`,
  container_name: 'cidx names containers itself (cidx-<project id>-<service>), so two checkouts never collide',
  hostname: 'other services reach this one by its service name',
  domainname: 'other services reach this one by its service name',
  mac_address: NETWORK,
  dns: 'the runtime\'s DNS settings are used',
  dns_search: 'the runtime\'s DNS settings are used',
  dns_opt: 'the runtime\'s DNS settings are used',
  devices: 'host devices are not passed through (for GPUs, cidx has `gpus`)',
  device_cgroup_rules: 'host devices are not passed through (for GPUs, cidx has `gpus`)',
  privileged: PRIVILEGE,
  cap_add: PRIVILEGE,
  cap_drop: PRIVILEGE,
  security_opt: PRIVILEGE,
  sysctls: PRIVILEGE,
  ulimits: PRIVILEGE,
  pid: PRIVILEGE,
  ipc: PRIVILEGE,
  uts: PRIVILEGE,
  userns_mode: PRIVILEGE,
  cgroup: PRIVILEGE,
  cgroup_parent: PRIVILEGE,
  group_add: PRIVILEGE,
  oom_kill_disable: 'only `resources` (memory, cpus, shmSize) limits are supported',
  oom_score_adj: 'only `resources` (memory, cpus, shmSize) limits are supported',
  mem_reservation: 'only `resources` (memory, cpus, shmSize) limits are supported',
  memswap_limit: 'only `resources` (memory, cpus, shmSize) limits are supported',
  mem_swappiness: 'only `resources` (memory, cpus, shmSize) limits are supported',
  cpu_shares: 'only `resources` (memory, cpus, shmSize) limits are supported',
  cpu_quota: 'only `resources` (memory, cpus, shmSize) limits are supported',
  cpu_period: 'only `resources` (memory, cpus, shmSize) limits are supported',
  cpuset: 'only `resources` (memory, cpus, shmSize) limits are supported',
  pids_limit: 'only `resources` (memory, cpus, shmSize) limits are supported',
  blkio_config: 'only `resources` (memory, cpus, shmSize) limits are supported',
  secrets: 'Compose secrets are not supported: mount the file with `mounts`, or pass values with `envFile`',
  configs: 'Compose configs are not supported: mount the file with `mounts`',
  logging: 'cidx leaves logging to the runtime (`cidx logs <service>` reads it)',
  stop_signal: 'cidx stops containers with the runtime\'s default signal and timeout',
  stop_grace_period: 'cidx stops containers with the runtime\'s default signal and timeout',
  init: 'not supported by cidx',
  stdin_open: 'cidx runs services detached, without a terminal',
  tty: 'cidx runs services detached, without a terminal',
  platform: 'cidx runs the image built for this machine\'s platform',
  pull_policy: 'cidx pulls an image only when it is missing',
  scale: 'cidx runs one container per service',
  volumes_from: 'share data through a named volume (top-level `volumes`) instead',
  runtime: 'cidx uses the engine\'s default OCI runtime',
  isolation: 'not supported by cidx',
  storage_opt: 'not supported by cidx',
  develop: 'Compose Watch is not supported: mount the source with `mounts`',
  post_start: 'lifecycle hooks are not supported: use a `job: true` service',
  pre_stop: 'lifecycle hooks are not supported',
  attach: 'cidx runs services detached',
  annotations: 'use `labels`',
  label_file: 'write the labels into `labels`',
  credential_spec: 'not supported by cidx',
  provider: 'not supported by cidx',
  models: 'not supported by cidx',
};

/** Keys whose effect cidx has anyway: `expose` only documents ports that services on the network can reach already. */
export const IGNORED = new Set(['expose']);

export const GENERIC_REASON = 'not supported by cidx';
