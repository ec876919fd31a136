import { route } from '../../shared/http/handler.ts';
import { pageSecurityHeaders } from '../../shared/http/page-security.ts';

const STYLE = `
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem 2rem; color: #222; }
  h1 { margin-bottom: 0; } .lead { color: #555; margin-top: .2rem; }
  details { border: 1px solid #ddd; border-radius: 6px; margin: .5rem 0; padding: .4rem .8rem; }
  summary { cursor: pointer; } code, pre { font: 13px ui-monospace, monospace; }
  pre { background: #f6f6f6; padding: .6rem; overflow: auto; border-radius: 4px; }
  .m { display: inline-block; min-width: 4.5rem; font-weight: 600; }
  .GET { color: #0a6; } .POST { color: #06c; } .PUT, .PATCH { color: #a60; } .DELETE { color: #c22; }
  .lock { color: #888; font-size: 12px; }
`;

const SCRIPT = `
(async () => {
  const spec = await (await fetch('openapi.json')).json();
  const at = (ref) => ref.slice(2).split('/').reduce((o, k) => o && o[k.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
  const resolve = (s) => { for (let i = 0; s && s.$ref && i < 10; i++) s = at(s.$ref); return s; };
  const expand = (s, depth = 0) => {
    s = resolve(s);
    if (!s || depth > 6 || typeof s !== 'object') return s;
    const out = Array.isArray(s) ? [] : {};
    for (const [k, v] of Object.entries(s)) out[k] = typeof v === 'object' ? expand(v, depth + 1) : v;
    return out;
  };
  const text = (t) => { const e = document.createElement('span'); e.textContent = t; return e.innerHTML; };
  document.getElementById('lead').innerHTML = text(spec.info.description + ' Version ' + spec.info.version + '. ')
    + 'Authenticate with <code>Authorization: Bearer &lt;token&gt;</code>. Raw document: <a href="openapi.json">openapi.json</a>.';
  const html = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const m = method.toUpperCase();
      const parts = ['<details><summary><span class="m ' + m + '">' + m + '</span><code>' + text(path) + '</code> '
        + text(op.summary || '') + (op.security && op.security.length ? ' <span class="lock">token</span>' : '') + '</summary>'];
      if (op.description) parts.push('<p>' + text(op.description) + '</p>');
      if (op.parameters) parts.push('<h4>Parameters</h4><pre>' + text(op.parameters.map((p) =>
        p.in + ' ' + p.name + (p.required ? ' (required)' : '') + ': ' + JSON.stringify(expand(p.schema))).join('\\n')) + '</pre>');
      const body = op.requestBody && op.requestBody.content['application/json'];
      if (body) parts.push('<h4>Body</h4><pre>' + text(JSON.stringify(expand(body.schema), null, 2)) + '</pre>');
      parts.push('<h4>Responses</h4><pre>' + text(Object.entries(op.responses).map(([status, response]) => {
        const r = resolve(response);
        const c = r.content && r.content['application/json'];
        return status + ' ' + r.description + (c ? '\\n' + JSON.stringify(expand(c.schema), null, 2) : '');
      }).join('\\n\\n')) + '</pre></details>');
      html.push(parts.join(''));
    }
  }
  document.getElementById('ops').innerHTML = html.join('');
})().catch((e) => { document.getElementById('lead').textContent = 'Could not load the API document: ' + e; });
`;

/**
 * A page that renders the OpenAPI document. Everything it needs is inline, so it works offline and pulls
 * nothing from a CDN; its Content-Security-Policy allows exactly its own style and script blocks (by hash) and
 * requests to the service (the script fetches openapi.json).
 */
const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Delinkcious API</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Delinkcious API</h1>
<p class="lead" id="lead">Loading <a href="openapi.json">openapi.json</a>…</p>
<main id="ops"></main>
<script>${SCRIPT}</script>
</body>
</html>
`;

const headers = pageSecurityHeaders({ scripts: [SCRIPT], styles: [STYLE], connectToSelf: true });

export const handler = route('docs', async () => ({ status: 200, html: page, headers }));
