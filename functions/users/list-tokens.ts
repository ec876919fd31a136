import { route } from '../../shared/http/handler.ts';
import { toTokenListing } from '../../shared/users/schemas/tokens.ts';
import { tokens } from '../../shared/users/service.ts';

/** GET /v1/tokens: the caller's live sessions and personal tokens, newest first, without secrets. */
export const handler = route('listTokens', async (_request, caller) => ({
  status: 200,
  body: toTokenListing(await tokens().list(caller.username, caller.tokenId)),
  headers: { 'cache-control': 'no-store' },
}));
