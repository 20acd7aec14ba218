/** Kept apart from validate.ts so the validated-config cache can use it without loading zod. */

/** A CommonJS-compiled config may arrive as `{ default: {...} }`. */
export function unwrapDefault(raw: unknown): unknown {
  if (raw && typeof raw === 'object' && 'default' in raw && Object.keys(raw).length === 1) {
    return (raw as { default: unknown }).default;
  }
  return raw;
}
