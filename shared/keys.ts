/**
 * The partition key prefixes of each table's items, in one place: the adapters build their keys with them, and
 * the wiring limits each function's grants to the items it needs by them (IAM condition `dynamodb:LeadingKeys`,
 * which matches the partition key only). Plain data, no AWS imports.
 */
export const keyPrefixes = {
  users: {
    /**
     * A user's partition: the profile (sk PROFILE) and the list of the user's credentials, one item per session
     * or personal token (sk TOKEN#<token id>): USER#<username>.
     */
    profile: 'USER#',
    /** A credential (session or personal token), by the hash of its secret: SESSION#<sha256(token)>, sk SESSION. */
    session: 'SESSION#',
    /** Which user a GitHub account is: GITHUB#<github id>, sk IDENTITY. */
    gitHubIdentity: 'GITHUB#',
    /** A login in progress, by the hash of its OAuth state: OAUTH_STATE#<sha256(state)>, sk OAUTH_STATE. */
    loginState: 'OAUTH_STATE#',
    /** A client's request count: RATE#<sha256(user or ip)>, sk RATE. */
    rate: 'RATE#',
  },
  links: {
    /** A user's links (sk LINK#<url hash>) and their counters item (sk COUNTERS): USER#<username>. */
    owner: 'USER#',
  },
  social: {
    /**
     * A user's follow edges (sk FOLLOWS#<followed>), follow counters (sk COUNTERS) and the recent ends of follows
     * of them (sk UNFOLLOWED#<ended at>#<follower>#<since>): USER#<username>.
     */
    user: 'USER#',
  },
  imports: {
    /** A user's imports, one item per import (sk IMPORT#<import id>): USER#<username>. */
    owner: 'USER#',
  },
  feeds: {
    /** A reader's news: one item per slot of a followed author's link, FEED#<reader>, sk SLOT#<author>#... */
    reader: 'FEED#',
    /**
     * An author's timeline: every event of theirs once, as a follower since forever would hold it, read at news
     * time for authors with large audiences: TIMELINE#<author>, sk SLOT#<author>#...
     */
    timeline: 'TIMELINE#',
    /** The authors whose events are read from their timelines instead of pushed: one item, LARGE_AUTHORS. */
    largeAuthors: 'LARGE_AUTHORS',
  },
  idempotency: {
    /**
     * The first answer of a POST with an Idempotency-Key, IDEMPOTENCY#<function>#<hash of the caller and key>
     * (no sort key); each function may reach only its own, `IDEMPOTENCY#<function>#` (`idempotentRequests`).
     */
    request: 'IDEMPOTENCY#',
  },
} as const;
