import { escapeHtml, pageSecurityHeaders } from '../http/page-security.ts';
import type { Link } from './model.ts';

/** What a public profile page shows: the user, her public counts, and her newest public links. */
export interface ProfilePageInput {
  username: string;
  name: string;
  avatarUrl: string | null;
  publicLinksCount: number;
  followersCount: number;
  links: readonly Link[];
}

const STYLE = `
body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
header { display: flex; gap: 1rem; align-items: center; } header img { width: 72px; height: 72px; border-radius: 50%; }
h1 { margin: 0; } .counts, .meta { color: #666; } ul { padding: 0; list-style: none; } li { margin: 1rem 0; }
`;

/**
 * A user's public profile as a page rendered on the server, so that chat and social apps, whose crawlers run no
 * script, preview a shared link to it: Open Graph and Twitter card tags, everything escaped. No script at all.
 */
export function profilePage(
  input: ProfilePageInput,
  baseUrl: string,
): { html: string; headers: Record<string, string> } {
  const e = escapeHtml;
  const pageUrl = `${baseUrl}/u/${encodeURIComponent(input.username)}`;
  const feedUrl = `${baseUrl}/users/${encodeURIComponent(input.username)}/feed.atom`;
  const who = input.name || input.username;
  const title = `${who} (@${input.username}) on Delinkcious`;
  const description = `${input.publicLinksCount} public ${input.publicLinksCount === 1 ? 'link' : 'links'}, ${input.followersCount} ${input.followersCount === 1 ? 'follower' : 'followers'}.`;
  const avatar = safeImageUrl(input.avatarUrl);
  const links = input.links
    .map(
      (link) => `<li><a href="${e(link.url)}" rel="nofollow ugc">${e(link.title || link.url)}</a>
<div class="meta">${e(link.tags.map((tag) => `#${tag}`).join(' '))}</div>${link.description ? `\n<div>${e(link.description)}</div>` : ''}</li>`,
    )
    .join('\n');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<meta name="description" content="${e(description)}">
<link rel="canonical" href="${e(pageUrl)}">
<link rel="alternate" type="application/atom+xml" title="${e(`${who}'s links`)}" href="${e(feedUrl)}">
<meta property="og:type" content="profile">
<meta property="og:site_name" content="Delinkcious">
<meta property="og:title" content="${e(title)}">
<meta property="og:description" content="${e(description)}">
<meta property="og:url" content="${e(pageUrl)}">
<meta property="profile:username" content="${e(input.username)}">${avatar ? `\n<meta property="og:image" content="${e(avatar.href)}">` : ''}
<meta name="twitter:card" content="summary">
<meta name="twitter:title" content="${e(title)}">
<meta name="twitter:description" content="${e(description)}">${avatar ? `\n<meta name="twitter:image" content="${e(avatar.href)}">` : ''}
<style>${STYLE}</style>
</head>
<body>
<header>${avatar ? `<img src="${e(avatar.href)}" alt="">` : ''}<div><h1>${e(who)}</h1><div class="counts">@${e(input.username)} · ${e(description)} · <a href="${e(feedUrl)}">Atom feed</a></div></div></header>
<ul>
${links}
</ul>
</body>
</html>
`;
  return {
    html,
    headers: pageSecurityHeaders({ styles: [STYLE], ...(avatar ? { imagesFrom: [avatar.origin] } : {}) }),
  };
}

/** An avatar URL the page may show: https only (a `javascript:` or `data:` URL never reaches an attribute). */
function safeImageUrl(url: string | null): URL | undefined {
  if (!url) return undefined;
  const parsed = URL.parse(url);
  return parsed?.protocol === 'https:' ? parsed : undefined;
}
