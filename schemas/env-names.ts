/**
 * The variable names `cidx env` prints for a port: CIDX_<SERVICE>_<PORT>_HOST,
 * _PORT and _URL. Shared by `cidx env` and by the config's cross-field check
 * that refuses two ports mapping to one name, so the two can never disagree.
 * Free of zod: `cidx env` must not load the schema library.
 */

/** The three suffixes; distinct, so names of different ports collide only when their prefixes do. */
export const ENV_SUFFIXES = ['HOST', 'PORT', 'URL'] as const;

/** 'a-b', 'c' → 'CIDX_A_B_C': upper case, anything but A-Z, 0-9 and '_' turned into '_'. */
export function envPrefix(service: string, port: string): string {
  return ['CIDX', service, port].join('_').toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}
