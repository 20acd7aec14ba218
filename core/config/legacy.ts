/**
 * Recognises settings from the registry-based code indexer (v2) and strips
 * them with a warning instead of failing: ports are now chosen by the runtime.
 */
const LEGACY_PORT_BLOCKS = ['project_ports', 'projectPorts', 'port_registry', 'portRegistry', 'global_registry', 'globalRegistry'];
const LEGACY_PORT_KEY = /^[a-z]+_port$/;

export interface LegacyResult {
  config: unknown;
  warnings: string[];
}

export function stripLegacySettings(input: unknown): LegacyResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { config: input, warnings: [] };
  const config: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  const warnings: string[] = [];
  for (const key of Object.keys(config)) {
    if (LEGACY_PORT_BLOCKS.includes(key) || LEGACY_PORT_KEY.test(key)) {
      delete config[key];
      warnings.push(
        /registry/i.test(key)
          ? `\`${key}\` is ignored: the global port registry no longer exists; the container runtime chooses free ports.`
          : `\`${key}\` is ignored: host ports are now chosen by the container runtime. To ask for a specific port, use \`preferredPorts: { qdrant: { http: 6333 } }\`.`,
      );
    }
  }
  return { config, warnings };
}
