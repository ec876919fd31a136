import type { Scope } from '../wiring.ts';
import type { Admission } from './admission.ts';
import type { RateLimiter } from './rate-limit.ts';

/**
 * What the HTTP layer needs before a route runs, as ports: who is calling, and whether they may make one more
 * request. The HTTP layer knows no context: shared/gate.ts wires these to the users context's sessions and to
 * the limiter's DynamoDB store.
 */

/** Who is behind a presented access token, and what the token may do. */
export interface Identity {
  username: string;
  scope: Scope;
  /** The credential's public id (GET /v1/tokens marks it `current`). */
  tokenId: string;
  /** When the credential expires (ISO 8601); null for a personal token without expiry. */
  expiresAt: string | null;
  /** Notes this use of the credential (at most one write a minute); the gate runs it beside the rate limiter. */
  recordUse(): Promise<void>;
}

export interface Authenticator {
  /** Unauthorized for a missing, unknown, expired or revoked token. */
  authenticate(token: string | undefined): Promise<Identity>;
}

export interface Gate {
  /** Authenticates a credential and charges its user, in one round trip once the instance knows it. */
  admission: Admission;
  rateLimiter: RateLimiter;
}

/** The token from `Authorization: Bearer <token>` or the original clients' `Access-Token: <token>`. */
export function presentedToken(headers: Record<string, string>): string | undefined {
  const authorization = headers['authorization'];
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1];
  }
  return headers['access-token']?.trim() || undefined;
}
