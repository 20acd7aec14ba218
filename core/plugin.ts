import type { CidxHooks } from './hooks.js';

/**
 * A cidx plugin: a name and a function that taps hooks. Write it as a factory
 * taking options and returning this object, as vite plugins do:
 *
 *   export const myPlugin = (opts = {}) => definePlugin({ name: 'my-plugin', apply(hooks) { … } });
 */
export interface CidxPlugin {
  /** Unique, used as the tap name in every hook it taps and in error messages. */
  name: string;
  apply(hooks: CidxHooks): void;
}

export { definePlugin } from './define.js';
