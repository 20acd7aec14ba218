/**
 * cidx's package entry: the core's public API (configs, plugins, embedders)
 * plus `up()`, the programmatic apply for test suites.
 *
 *   import { up } from 'cidx';
 *   const stack = await up();
 *   const url = stack.url('qdrant', 'http');
 *   await stack.down();
 *
 * The CLI never imports this module (it starts from cli/main.ts), so none of
 * it costs `cidx` start-up time. Configs are pointed at dist/core/ instead
 * (core/config/ts-loader.ts): they need no runtime.
 */
export * from '../core/index.js';
export { up, down, ServiceFailedError, type UpOptions, type DownOptions } from './up.js';
export type { Stack, StackDownOptions, PortRef } from './stack.js';
export type { ProjectOptions } from './session.js';
export { envVariables, type ServicePorts } from '../core/env-vars.js';
