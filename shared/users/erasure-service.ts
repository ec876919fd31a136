import { SnapshotsErasure } from '../checker/erasure.ts';
import { LinksErasure } from '../links/erasure.ts';
import { FeedsErasure } from '../news/erasure.ts';
import { DynamoFollowStore } from '../social/dynamodb.ts';
import { SocialErasure } from '../social/erasure.ts';
import { AccountDeletion, AccountErasure } from './erasure.ts';
import { DynamoAccountStore } from './erasure-store.ts';
import type { Credentials } from './ports.ts';
import { sessions } from './service.ts';
import { SqsErasureQueue } from './sqs.ts';

/** The account deletion's cores wired to the adapters of every context that holds something of a user. */

/**
 * Every session and token of a user.
 * MERGE(tokens): the body becomes `return tokens();`. Until personal tokens exist, only the presented session
 * ends (the erasure's last step, which has none, ends nothing).
 */
const credentials = (presentedToken?: string): Credentials => ({
  revokeAll: async () => (presentedToken ? sessions().revoke(presentedToken) : undefined),
});

let deletionForTests: AccountDeletion | undefined;

/** DELETE /v1/me's core, for the caller who presented `token`. */
export function accountDeletion(token: string): AccountDeletion {
  return (
    deletionForTests ??
    new AccountDeletion(new DynamoAccountStore(), credentials(token), new SqsErasureQueue())
  );
}

/** Tests install a core over in-memory ports here; undefined restores the wiring. */
export function setAccountDeletionForTests(deletion: AccountDeletion | undefined): void {
  deletionForTests = deletion;
}

let erasure: AccountErasure | undefined;

/** The erasure worker's core, once per cold start. */
export function accountErasure(): AccountErasure {
  erasure ??= new AccountErasure({
    accounts: new DynamoAccountStore(),
    credentials: credentials(),
    follows: new SocialErasure(new DynamoFollowStore()),
    news: new FeedsErasure(),
    links: new LinksErasure(),
    snapshots: new SnapshotsErasure(),
    queue: new SqsErasureQueue(),
  });
  return erasure;
}
