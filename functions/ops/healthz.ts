import { config } from '../../shared/config.ts';
import { publicRoute } from '../../shared/http/handler.ts';

export const handler = publicRoute(async () => ({
  status: 200,
  body: { status: 'ok', version: config().APP_VERSION },
}));
