import { config } from '../../shared/config.ts';
import { route } from '../../shared/http/handler.ts';
import { openApiDocument } from '../../shared/openapi.ts';
import { isDeployed, routes } from '../../shared/wiring.ts';

let document: unknown;

export const handler = route('openapi', async () => {
  document ??= openApiDocument(
    config().LOCAL_RUNTIME ? routes : routes.filter(isDeployed),
    config().APP_VERSION,
  );
  return { status: 200, body: document, headers: { 'cache-control': 'public, max-age=300' } };
});
