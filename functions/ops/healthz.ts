import { config } from '../../shared/config.ts';
import { route } from '../../shared/http/handler.ts';

export const handler = route('healthz', async () => ({
  status: 200,
  body: { status: 'ok', version: config().APP_VERSION },
}));
