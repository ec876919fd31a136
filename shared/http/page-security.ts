import { createHash } from 'node:crypto';

/**
 * Headers that keep a browser from running or framing anything the service did not mean to serve.
 *
 * Every response carries `X-Content-Type-Options: nosniff`, so that a JSON body is never sniffed into a page
 * or a script. Every HTML page carries a Content-Security-Policy that denies everything by default and allows
 * only the page's own inline `<script>` and `<style>` blocks, by their SHA-256 hash: an injected script or
 * style block has another hash and does not run. `frame-ancestors 'none'` (and `X-Frame-Options: DENY` for
 * older browsers) keeps pages out of frames, `base-uri 'none'` stops a `<base>` from redirecting relative URLs,
 * `form-action 'self'` keeps forms on the service.
 */
export const NOSNIFF = { 'x-content-type-options': 'nosniff' } as const;

/** What a page may load besides itself: its inline blocks, and requests to the service (for `fetch`). */
interface PageResources {
  /** The exact text between `<script>` and `</script>` of each inline script. */
  scripts?: string[];
  /** The exact text between `<style>` and `</style>` of each inline style block. */
  styles?: string[];
  /** Whether the page's script fetches from the service itself (`connect-src 'self'`). */
  connectToSelf?: boolean;
  /** Other origins the page's script sends requests to (`connect-src`), e.g. a bucket it uploads to. */
  connectTo?: string[];
  /** Origins the page's images come from (`img-src`), e.g. an avatar's host. */
  imagesFrom?: string[];
  /** Whether the page loads its scripts, styles and images as files from the service itself (`'self'`). */
  filesFromSelf?: boolean;
}

/** The CSP of a page with these inline blocks; a page with none gets `default-src 'none'` and the rest. */
function contentSecurityPolicy(resources: PageResources = {}): string {
  const directives = ["default-src 'none'"];
  const self = resources.filesFromSelf ? ["'self'"] : [];
  const scripts = [...self, ...(resources.scripts ?? []).map(hashSource)];
  const styles = [...self, ...(resources.styles ?? []).map(hashSource)];
  const images = [...self, ...(resources.imagesFrom ?? [])];
  if (scripts.length) directives.push(`script-src ${scripts.join(' ')}`);
  if (styles.length) directives.push(`style-src ${styles.join(' ')}`);
  const connect = [...(resources.connectToSelf ? ["'self'"] : []), ...(resources.connectTo ?? [])];
  if (connect.length) directives.push(`connect-src ${connect.join(' ')}`);
  if (images.length) directives.push(`img-src ${images.join(' ')}`);
  directives.push("frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'");
  return directives.join('; ');
}

/** The headers of an HTML page with these inline blocks. */
export function pageSecurityHeaders(resources: PageResources = {}): Record<string, string> {
  return { 'content-security-policy': contentSecurityPolicy(resources), 'x-frame-options': 'DENY' };
}

/**
 * The headers of the web client's page (web/): its scripts and styles are the built files under /assets/, never
 * inline blocks, and it calls the API on the same origin, and `uploadOrigins` with presigned URLs (the import's
 * file goes straight to its bucket).
 */
export function webClientSecurityHeaders(uploadOrigins: readonly string[] = []): Record<string, string> {
  return {
    ...pageSecurityHeaders({ filesFromSelf: true, connectToSelf: true, connectTo: [...uploadOrigins] }),
    'referrer-policy': 'same-origin',
  };
}

/** A CSP hash source: `'sha256-<base64>'` of the block's exact UTF-8 text. */
function hashSource(block: string): string {
  return `'sha256-${createHash('sha256').update(block, 'utf8').digest('base64')}'`;
}

/** Text made safe for an HTML page, in element content and in quoted attribute values alike. */
export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}
