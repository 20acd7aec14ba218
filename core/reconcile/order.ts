/** Dependency order: services grouped in levels; each level depends only on earlier ones and starts in parallel. */
export function dependencyLevels<T extends { name: string; dependsOn: string[] }>(services: T[]): T[][] {
  const byName = new Map(services.map((service) => [service.name, service]));
  const level = new Map<string, number>();
  const depth = (name: string, seen: Set<string>): number => {
    const known = level.get(name);
    if (known !== undefined) return known;
    if (seen.has(name)) throw new Error(`dependency cycle through ${name}`); // validated earlier; guards against plugins
    seen.add(name);
    const deps = byName.get(name)?.dependsOn.filter((dep) => byName.has(dep)) ?? [];
    const value = deps.length ? Math.max(...deps.map((dep) => depth(dep, seen))) + 1 : 0;
    seen.delete(name);
    level.set(name, value);
    return value;
  };
  const levels: T[][] = [];
  for (const service of services) (levels[depth(service.name, new Set())] ??= []).push(service);
  return levels.filter(Boolean);
}
