/**
 * The form duplicates are found on: the URL parser's serialization (lower-case scheme and host, default port
 * dropped, path resolved, percent-encoded) without the fragment. Idempotent, so a link stored under the raw
 * form a client once sent is found by its serialization too: both normalize alike.
 */
export function normalizeUrl(url: string): string {
  const parsed = new URL(url);
  parsed.hash = '';
  return parsed.href;
}
