import { config } from '../../shared/config.ts';
import { route } from '../../shared/http/handler.ts';
import { PREBUILT_OPENAPI_FILE, prebuiltDocument } from '../../shared/ops/openapi-document.ts';
import { isDeployed, routes } from '../../shared/wiring.ts';

let document: unknown;

export const handler = route('openapi', async () => {
  document ??= await documentToServe();
  return { status: 200, body: document, headers: { 'cache-control': 'public, max-age=300' } };
});

/**
 * A function's bundle has the deployed routes' document beside it, written as the bundle was built; esbuild sets
 * DELINKCIOUS_BUNDLED there (lib/bundling.ts) and drops the other branch, and with it the schemas' descriptions
 * and zod-openapi. Where the sources run (the local runtime, tests), the document is built from the schemas on
 * the first request, with the local-only routes in the local runtime.
 */
async function documentToServe(): Promise<unknown> {
  const { LOCAL_RUNTIME: local, APP_VERSION: version } = config();
  if (process.env.DELINKCIOUS_BUNDLED === 'true') {
    return prebuiltDocument(new URL(PREBUILT_OPENAPI_FILE, import.meta.url), version);
  } else {
    const { openApiDocument } = await import('../../shared/openapi.ts');
    return openApiDocument(local ? routes : routes.filter(isDeployed), version);
  }
}
