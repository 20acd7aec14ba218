/**
 * Config defaults in one place, free of zod, so code that only needs a
 * default (and the CLI's fast paths) does not load the schema library.
 */
export const DEFAULTS = Object.freeze({
  runtime: 'auto' as const,
  bind: '127.0.0.1',
  healthTimeout: '60s',
  healthInterval: '50ms',
  healthSuccesses: 1,
  /** How long one run of a job may take before it is stopped. */
  jobTimeout: '10m',
});
