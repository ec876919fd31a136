import * as z from '../../zod.ts';
import { credentialSchema, personalScopeSchema, type Credential } from '../model.ts';
import type { CreatedToken, ListedCredential } from '../tokens.ts';

/** Personal tokens and sessions, as their owner manages them: POST, GET and DELETE /v1/tokens. */

/** A personal token's name: trimmed, then 1 to 100 characters. */
const tokenName = z.pipe(
  z.pipe(
    z.string(),
    z.transform((value: string) => value.trim()),
  ),
  z
    .string()
    .check(z.minLength(1, 'name is 1 to 100 characters'), z.maxLength(100, 'name is 1 to 100 characters')),
);

/** A personal token's lifetime in days, 1 to 365 (a query-like string is read as a number). */
const tokenLifetimeDays = z.coerce
  .number()
  .check(
    z.int('expires_in_days is a whole number'),
    z.gte(1, 'expires_in_days is 1 to 365'),
    z.lte(365, 'expires_in_days is 1 to 365'),
  );

/** POST /v1/tokens: a personal token's name, scope and optional lifetime. */
export const createTokenRequest = z.meta(
  z.strictObject({
    name: z.meta(tokenName, {
      description: 'What the token is for, 1 to 100 characters.',
      example: 'feed reader',
    }),
    scope: z.meta(personalScopeSchema, {
      description:
        '`read`: only reads (GET); `feed`: only the news feed; `write`: everything but managing tokens and ' +
        'deleting the account.',
    }),
    expires_in_days: z.meta(z.optional(tokenLifetimeDays), {
      description: 'Days until the token expires, 1 to 365; without it, it never expires.',
    }),
  }),
  { id: 'CreateTokenRequest' },
);

export const tokenPath = z.object({
  id: z.meta(z.string().check(z.minLength(1), z.maxLength(64)), { example: 'q3Zp0v6mYJ2cB0mS9kQe1A' }),
});

/** A credential as its owner sees it: never its secret nor the secret's hash. */
const credentialView = z.extend(
  z.pick(credentialSchema, {
    name: true,
    scope: true,
    created_at: true,
    expires_at: true,
    last_used_at: true,
  }),
  { id: credentialSchema.shape.token_id },
);

/** POST /v1/tokens's answer: the credential, and its secret, shown only here. */
export const createdTokenResponse = z.meta(
  z.extend(credentialView, {
    scope: personalScopeSchema,
    token: z.meta(z.string(), {
      description: 'The secret: shown only in this answer. Send it as a bearer token.',
    }),
  }),
  { id: 'CreatedToken' },
);

export const listedToken = z.meta(
  z.extend(credentialView, {
    current: z.meta(z.boolean(), { description: 'The credential that made this request.' }),
  }),
  {
    id: 'Token',
    description: 'A login session (scope `session`) or a personal token, without its secret.',
  },
);

export const tokenListing = z.meta(z.object({ tokens: z.array(listedToken) }), { id: 'TokenListing' });

function toCredentialView(credential: Credential): z.infer<typeof credentialView> {
  const { token_id, name, scope, created_at, expires_at, last_used_at } = credential;
  return { id: token_id, name, scope, created_at, expires_at, last_used_at };
}

export function toCreatedTokenResponse(created: CreatedToken): z.infer<typeof createdTokenResponse> {
  return createdTokenResponse.parse({ ...toCredentialView(created.credential), token: created.token });
}

export function toTokenListing(listed: ListedCredential[]): z.infer<typeof tokenListing> {
  return {
    tokens: listed.map(({ credential, current }) => ({ ...toCredentialView(credential), current })),
  };
}
