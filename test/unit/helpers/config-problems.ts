/**
 * The CONFIG_INVALID detail lines of a raw config, as the unit tests of the
 * schema and of validation read them.
 */
import { validateConfig } from '../../../core/config/validate.js';
import { CidxError } from '../../../core/errors.js';

/** Where the configs of these tests claim to live: names no real file. */
export const CONFIG_FILE = '/work/my-app/cidx.config.ts';

/** The problem lines; fails the test when the config is valid or throws anything but CONFIG_INVALID. */
export function problems(raw: unknown, file: string = CONFIG_FILE): string[] {
  try {
    validateConfig(raw, file);
  } catch (error) {
    if (error instanceof CidxError && error.code === 'CONFIG_INVALID') return error.details;
    throw error;
  }
  throw new Error('expected CONFIG_INVALID');
}
