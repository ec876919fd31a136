import { afterAll, beforeEach } from 'vitest';
import { setGateForTests } from '../../../shared/gate.ts';
import { RateLimiter } from '../../../shared/http/rate-limit.ts';
import { LinkService } from '../../../shared/links/core.ts';
import { setLinkServiceForTests } from '../../../shared/links/service.ts';
import { PageTokens } from '../../../shared/pagination.ts';
import { setProfilesForTests } from '../../../shared/users/identity-service.ts';
import type { Session } from '../../../shared/users/model.ts';
import type { SocialCounts } from '../../../shared/users/ports.ts';
import { Profiles } from '../../../shared/users/profiles.ts';
import { setSessionsForTests } from '../../../shared/users/service.ts';
import { hashToken, Sessions } from '../../../shared/users/sessions.ts';
import { aSession } from '../../support/builders.ts';
import { InMemoryLinkStore } from './memory-link-store.ts';
import { InMemoryRateStore, InMemorySessionStore, InMemoryUsers } from './memory-users.ts';

/**
 * The services that handler tests run against: each context's core over in-memory stores, installed through the
 * services' test seams, so that a handler test calls the real handler, gate and core with no AWS SDK in the way.
 * Time is an input: every core reads `services.now`.
 */
export interface InMemoryServices {
  links: InMemoryLinkStore;
  sessions: InMemorySessionStore;
  users: InMemoryUsers;
  rates: InMemoryRateStore;
  /** Followers and following per username, as the social context's counters hold them. */
  followCounts: Map<string, { followers: number; following: number }>;
  /** The time every core sees, in milliseconds since the epoch; tests may move it. */
  now: number;
  /** Opens a live session for `token` (alice's unless the overrides say otherwise). */
  givenSession(token: string, overrides?: Partial<Session>): Session;
}

export const NOW = Date.parse('2026-11-24T09:00:00.000Z');
const SESSION_LIFETIME_DAYS = 30;
const MAX_LINKS_PER_USER = 1000;
const PAGE_TOKEN_SECRET = 'a-unit-test-key-of-at-least-thirty-two-characters';

/** Fresh stores before each test of the file; the DynamoDB wiring back after it. */
export function useInMemoryServices(
  settings: { maxLinksPerUser?: number; rateLimit?: { perSecond: number; burst: number } } = {},
): InMemoryServices {
  const services = {} as InMemoryServices;
  beforeEach(() => {
    const clock = () => services.now;
    const sessions = new InMemorySessionStore();
    const users = new InMemoryUsers();
    const links = new InMemoryLinkStore();
    const rates = new InMemoryRateStore();
    const followCounts = new Map<string, { followers: number; following: number }>();
    const socialCounts: SocialCounts = {
      counts: async (username) => followCounts.get(username) ?? { followers: 0, following: 0 },
    };
    const sessionsCore = new Sessions(sessions, users, SESSION_LIFETIME_DAYS, () => new Date(clock()));

    setSessionsForTests(sessionsCore);
    setGateForTests({
      authenticator: sessionsCore,
      rateLimiter: new RateLimiter(rates, settings.rateLimit ?? { perSecond: 12, burst: 80 }, clock),
    });
    setLinkServiceForTests(
      new LinkService(
        links,
        new PageTokens(async () => Buffer.from(PAGE_TOKEN_SECRET, 'utf8'), clock),
        settings.maxLinksPerUser ?? MAX_LINKS_PER_USER,
        () => new Date(clock()),
      ),
    );
    setProfilesForTests(new Profiles(users, links, socialCounts));

    Object.assign(services, {
      sessions,
      users,
      links,
      rates,
      followCounts,
      now: NOW,
      givenSession(token: string, overrides: Partial<Session> = {}): Session {
        const session = aSession({
          tokenHash: hashToken(token),
          expiresAt: new Date(services.now + 24 * 60 * 60 * 1000).toISOString(),
          ...overrides,
        });
        sessions.byHash.set(session.tokenHash, session);
        return session;
      },
    });
  });
  afterAll(() => {
    setSessionsForTests(undefined);
    setGateForTests(undefined);
    setLinkServiceForTests(undefined);
    setProfilesForTests(undefined);
  });
  return services;
}
