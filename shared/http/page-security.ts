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
  /** Origins the page's images come from (`img-src`), e.g. an avatar's host. */
  imagesFrom?: string[];
}

/** The CSP of a page with these inline blocks; a page with none gets `default-src 'none'` and the rest. */
function contentSecurityPolicy(resources: PageResources = {}): string {
  const directives = ["default-src 'none'"];
  if (resources.scripts?.length) directives.push(`script-src ${resources.scripts.map(hashSource).join(' ')}`);
  if (resources.styles?.length) directives.push(`style-src ${resources.styles.map(hashSource).join(' ')}`);
  if (resources.connectToSelf) directives.push("connect-src 'self'");
  if (resources.imagesFrom?.length) directives.push(`img-src ${resources.imagesFrom.join(' ')}`);
  directives.push("frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'");
  return directives.join('; ');
}

/** The headers of an HTML page with these inline blocks. */
export function pageSecurityHeaders(resources: PageResources = {}): Record<string, string> {
  return { 'content-security-policy': contentSecurityPolicy(resources), 'x-frame-options': 'DENY' };
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
