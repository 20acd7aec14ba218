/**
 * The config's own plugins, wrapped so that their hook taps are named while
 * they run (core/pending.ts): a tap whose promise never settles then ends the
 * command with "still waiting for plugin X's checkHealth tap" instead of a
 * silent exit 0. Configs without plugins are returned as they are.
 */
import type { CidxConfig } from '../../schemas/config.js';
import type { CidxHooks } from '../hooks.js';
import { trackHooks } from '../pending.js';
import type { CidxPlugin } from '../plugin.js';

export function trackPluginHooks(config: CidxConfig): CidxConfig {
  if (config.plugins.length === 0) return config;
  return { ...config, plugins: config.plugins.map(trackPlugin) };
}

/** One plugin, wrapped so that its taps are named while they run. */
export function trackPlugin(plugin: CidxPlugin): CidxPlugin {
  // The plugin object stays the prototype: its name, its other methods and `this` in apply are unchanged.
  const apply = (hooks: CidxHooks) => {
    trackHooks(hooks);
    return plugin.apply(hooks);
  };
  return Object.create(plugin, { apply: { value: apply, enumerable: true } }) as CidxPlugin;
}
