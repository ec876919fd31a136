import { SnapshotsErasure } from '../checker/erasure.ts';
import { ImportsErasure } from '../imports/service.ts';
import { LinksErasure } from '../links/erasure.ts';
import { SearchIndexErasure } from '../search/erasure.ts';
import { FeedsErasure } from '../news/erasure.ts';
import { DynamoFollowStore } from '../social/dynamodb.ts';
import { SocialErasure } from '../social/erasure.ts';
import { AccountDeletion, AccountErasure } from './erasure.ts';
import { DynamoAccountStore } from './erasure-store.ts';
import { tokens } from './service.ts';
import { SqsErasureQueue } from './sqs.ts';

/** The account deletion's cores wired to the adapters of every context that holds something of a user. */

let deletionForTests: AccountDeletion | undefined;

/** DELETE /v1/me's core: every session and token of the user ends through the users context's tokens. */
export function accountDeletion(): AccountDeletion {
  return deletionForTests ?? new AccountDeletion(new DynamoAccountStore(), tokens(), new SqsErasureQueue());
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
    credentials: tokens(),
    follows: new SocialErasure(new DynamoFollowStore()),
    news: new FeedsErasure(),
    imports: new ImportsErasure(),
    links: new LinksErasure(),
    snapshots: new SnapshotsErasure(),
    searchIndex: new SearchIndexErasure(),
    queue: new SqsErasureQueue(),
  });
  return erasure;
}
