import { config } from '../../shared/config.ts';
import { MethodNotAllowed, NotFound } from '../../shared/errors.ts';
import { route } from '../../shared/http/handler.ts';
import { allowedMethods, isDeployed, routes } from '../../shared/wiring.ts';

/** Every request that matches no route: 405 with `Allow` when the path exists, else 404. */
export const handler = route('notFound', async (request) => {
  const reachable = config().LOCAL_RUNTIME ? routes : routes.filter(isDeployed);
  const allow = allowedMethods(request.path, reachable);
  if (allow.length > 0) {
    throw new MethodNotAllowed(`${request.method} is not allowed here; use ${allow.join(', ')}.`, allow);
  }
  throw new NotFound(`No route for ${request.method} ${request.path}.`);
});
