import { createHash } from 'node:crypto';
import { expect } from 'vitest';

/** The directives of a Content-Security-Policy header: name -> sources. */
export function cspDirectives(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

/**
 * Asserts that a page's policy is strict and that the page still works under it: nothing by default, no
 * framing, no <base>, forms to the service only, no 'unsafe-*' source, and every inline <script> and <style>
 * block of the page allowed by its hash (so that a browser runs it), with no inline handler or style attribute
 * (which hashes do not allow) and no external script.
 */
export function expectStrictPagePolicy(html: string, policy: string | null | undefined): void {
  expect(policy, 'content-security-policy').toEqual(expect.any(String));
  const directives = cspDirectives(policy!);
  expect(directives.get('default-src')).toEqual(["'none'"]);
  expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  expect(directives.get('base-uri')).toEqual(["'none'"]);
  expect(directives.get('form-action')).toEqual(["'self'"]);
  expect(policy).not.toMatch(/unsafe-|\*|https?:|data:/);

  const inline = (tag: string) =>
    [...html.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map(
      (match) => `'sha256-${createHash('sha256').update(match[1]!, 'utf8').digest('base64')}'`,
    );
  for (const [tag, directive] of [
    ['script', 'script-src'],
    ['style', 'style-src'],
  ] as const) {
    const hashes = inline(tag);
    expect(directives.get(directive) ?? [], `${directive} allows each inline <${tag}> of the page`).toEqual(
      hashes,
    );
  }
  expect(html).not.toMatch(/<script\b[^>]*\bsrc=/i);
  expect(html).not.toMatch(/<[a-z][^>]*\s(on[a-z]+|style)\s*=/i);
}
