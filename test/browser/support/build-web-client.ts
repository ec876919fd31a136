import { ensureWebClientBuilt } from '../../../local/web-client.ts';

/** The browser tests drive the built client, as `npm start` serves it: build it once when it is stale. */
export default async function setup() {
  await ensureWebClientBuilt();
}
