/** A URL's host as a socket or a client takes it: `::1`, where the URL says `[::1]`. */
export function hostOf(url: string | URL): string {
  return (typeof url === 'string' ? new URL(url) : url).hostname.replace(/^\[|\]$/g, '');
}
