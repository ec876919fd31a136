import { afterAll, beforeEach } from 'vitest';
import type { Credential } from '../../../shared/users/model.ts';
import type { SocialCounts } from '../../../shared/users/ports.ts';
import { rateKeyForUser } from '../../../shared/rate-keys.ts';
import { hashToken } from '../../../shared/users/sessions.ts';
import { aSession } from '../../support/builders.ts';
import { InMemoryExportFiles } from './memory-export-files.ts';
import { InMemoryLinkStore } from './memory-link-store.ts';
import { InMemoryPublicIndex } from './memory-public-index.ts';
import {
  InMemoryLoginStates,
  InMemoryRateStore,
  InMemorySessionStore,
  InMemoryUsers,
} from './memory-users.ts';

/**
 * The services that handler tests run against: each context's core over in-memory stores, installed through the
 * services' test seams, so that a handler test calls the real handler, gate and core with no AWS SDK in the way.
 * Time is an input: every core reads `services.now`. The seams and cores are imported when installed, so that a
 * test that cold-starts a handler (vi.resetModules) installs into the same module instances the handler uses,
 * and the domain errors the cores throw are the ones the handler maps.
 */
export interface InMemoryServices {
  links: InMemoryLinkStore;
  /** Where exports over `exportInlineLimitBytes` go. */
  exportFiles: InMemoryExportFiles;
  sessions: InMemorySessionStore;
  users: InMemoryUsers;
  loginStates: InMemoryLoginStates;
  rates: InMemoryRateStore;
  /** Followers and following per username, as the social context's counters hold them. */
  followCounts: Map<string, { followers: number; following: number }>;
  /** The time every core sees, in milliseconds since the epoch; tests may move it. */
  now: number;
  /** Opens a live session for `token` (alice's unless the overrides say otherwise). */
  givenSession(token: string, overrides?: Partial<Credential>): Credential;
  /** Installs these stores again, into the modules imported since: call after a cold start. */
  reinstall(): Promise<void>;
}

export const NOW = Date.parse('2026-11-24T09:00:00.000Z');
const SESSION_LIFETIME_DAYS = 30;
const MAX_SESSIONS_PER_USER = 20;
const MAX_LINKS_PER_USER = 1000;
const PAGE_TOKEN_SECRET = 'a-unit-test-key-of-at-least-thirty-two-characters';

/** Fresh stores before each test of the file; the DynamoDB wiring back after it. */
export function useInMemoryServices(
  settings: {
    maxLinksPerUser?: number;
    rateLimit?: { perSecond: number; burst: number };
    exportInlineLimitBytes?: number;
  } = {},
): InMemoryServices {
  const services = {} as InMemoryServices;
  beforeEach(async () => {
    const clock = () => services.now;
    const users = new InMemoryUsers();
    const rates = new InMemoryRateStore();
    const sessions = new InMemorySessionStore(users, (username) =>
      rates.changeMark(rateKeyForUser(username)),
    );
    const loginStates = new InMemoryLoginStates();
    const links = new InMemoryLinkStore();
    const exportFiles = new InMemoryExportFiles();
    const followCounts = new Map<string, { followers: number; following: number }>();
    const socialCounts: SocialCounts = {
      counts: async (username) => followCounts.get(username) ?? { followers: 0, following: 0 },
    };

    async function reinstall(): Promise<void> {
      const seams = await importSeams();
      const sessionsCore = new seams.Sessions(
        sessions,
        users,
        { lifetimeDays: SESSION_LIFETIME_DAYS, maxSessionsPerUser: MAX_SESSIONS_PER_USER },
        () => new Date(clock()),
      );
      seams.setSessionsForTests(sessionsCore);
      seams.setTokensForTests(new seams.Tokens(sessions, () => new Date(clock())));
      const rateLimiter = new seams.RateLimiter(
        rates,
        settings.rateLimit ?? { perSecond: 12, burst: 80 },
        clock,
      );
      seams.setGateForTests({
        admission: new seams.Admission(sessionsCore, rateLimiter, clock),
        rateLimiter,
      });
      seams.setLinkServiceForTests(
        new seams.LinkService(
          links,
          new seams.PageTokens(async () => Buffer.from(PAGE_TOKEN_SECRET, 'utf8'), clock),
          settings.maxLinksPerUser ?? MAX_LINKS_PER_USER,
          () => new Date(clock()),
        ),
      );
      seams.setLinkExportForTests(
        new seams.LinkExport(
          links,
          exportFiles,
          {
            ...seams.DEFAULT_EXPORT_SETTINGS,
            inlineLimitBytes:
              settings.exportInlineLimitBytes ?? seams.DEFAULT_EXPORT_SETTINGS.inlineLimitBytes,
          },
          () => new Date(clock()),
        ),
      );
      seams.setPublicLinksForTests(
        new seams.PublicLinks(
          new InMemoryPublicIndex(links),
          new seams.UsersForLinks(users),
          new seams.PageTokens(async () => Buffer.from(PAGE_TOKEN_SECRET, 'utf8'), clock),
        ),
      );
      seams.setProfilesForTests(new seams.Profiles(users, links, socialCounts));
      seams.setLoginStoresForTests({ states: loginStates, identities: users, now: () => new Date(clock()) });
    }

    Object.assign(services, {
      sessions,
      users,
      loginStates,
      links,
      exportFiles,
      rates,
      followCounts,
      now: NOW,
      reinstall,
      givenSession(token: string, overrides: Partial<Credential> = {}): Credential {
        const session = aSession({
          token_hash: hashToken(token),
          expires_at: new Date(services.now + 24 * 60 * 60 * 1000).toISOString(),
          ...overrides,
        });
        // A token stands for one credential for good: one given anew is the old one ended and another issued.
        const replaced = sessions.byHash.get(session.token_hash);
        if (replaced) rates.changeMark(rateKeyForUser(replaced.username));
        sessions.byHash.set(session.token_hash, session);
        return session;
      },
    });
    await reinstall();
  });
  afterAll(async () => {
    const seams = await importSeams();
    seams.setSessionsForTests(undefined);
    seams.setTokensForTests(undefined);
    seams.setGateForTests(undefined);
    seams.setLinkServiceForTests(undefined);
    seams.setLinkExportForTests(undefined);
    seams.setPublicLinksForTests(undefined);
    seams.setProfilesForTests(undefined);
    seams.setLoginStoresForTests(undefined);
  });
  return services;
}

/** The services' seams and the cores, as the module registry holds them now. */
async function importSeams() {
  const [
    gate,
    rateLimit,
    admission,
    linksCore,
    linksExport,
    linksExportService,
    linksService,
    linksPublic,
    usersForLinks,
    pagination,
    identityService,
    profileService,
    profiles,
    usersService,
    sessions,
    tokens,
  ] = await Promise.all([
    import('../../../shared/gate.ts'),
    import('../../../shared/http/rate-limit.ts'),
    import('../../../shared/http/admission.ts'),
    import('../../../shared/links/core.ts'),
    import('../../../shared/links/export.ts'),
    import('../../../shared/links/export-service.ts'),
    import('../../../shared/links/service.ts'),
    import('../../../shared/links/public.ts'),
    import('../../../shared/users/users-for-links.ts'),
    import('../../../shared/pagination.ts'),
    import('../../../shared/users/identity-service.ts'),
    import('../../../shared/users/profile-service.ts'),
    import('../../../shared/users/profiles.ts'),
    import('../../../shared/users/service.ts'),
    import('../../../shared/users/sessions.ts'),
    import('../../../shared/users/tokens.ts'),
  ]);
  return {
    setGateForTests: gate.setGateForTests,
    RateLimiter: rateLimit.RateLimiter,
    Admission: admission.Admission,
    LinkService: linksCore.LinkService,
    setLinkServiceForTests: linksService.setLinkServiceForTests,
    LinkExport: linksExport.LinkExport,
    DEFAULT_EXPORT_SETTINGS: linksExport.DEFAULT_EXPORT_SETTINGS,
    setLinkExportForTests: linksExportService.setLinkExportForTests,
    PublicLinks: linksPublic.PublicLinks,
    setPublicLinksForTests: linksService.setPublicLinksForTests,
    UsersForLinks: usersForLinks.UsersForLinks,
    PageTokens: pagination.PageTokens,
    setProfilesForTests: profileService.setProfilesForTests,
    setLoginStoresForTests: identityService.setLoginStoresForTests,
    Profiles: profiles.Profiles,
    setSessionsForTests: usersService.setSessionsForTests,
    setTokensForTests: usersService.setTokensForTests,
    Sessions: sessions.Sessions,
    Tokens: tokens.Tokens,
  };
}
