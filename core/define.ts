/**
 * The two helpers configs import at run time. Kept free of runtime imports so
 * that loading a config costs nothing: the config loader points
 * `import { defineConfig } from 'cidx'` here when nothing else is imported.
 */
import type { CidxUserConfig } from '../schemas/config.js';
import type { CidxPlugin } from './plugin.js';

/** Identity function that exists for types: wrap your config in it for editor help. */
export function defineConfig(config: CidxUserConfig): CidxUserConfig {
  return config;
}

/** Identity function that exists for types: `export const myPlugin = () => definePlugin({ name, apply(hooks) {…} })`. */
export function definePlugin<T extends CidxPlugin>(plugin: T): T {
  return plugin;
}
