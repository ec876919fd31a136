import { pageTokenKey } from '../aws/secrets.ts';
import { PageTokens } from '../pagination.ts';
import { DynamoUserStore } from '../users/dynamodb.ts';
import { UsersForSocial } from '../users/users-for-social.ts';
import { SocialGraph } from './core.ts';
import { DynamoFollowStore } from './dynamodb.ts';

let instance: SocialGraph | undefined;

/** The social graph wired to its adapters, once per cold start. The users context answers who exists. */
export function socialGraph(): SocialGraph {
  if (!instance) {
    instance = new SocialGraph(
      new DynamoFollowStore(),
      new UsersForSocial(new DynamoUserStore()),
      new PageTokens(pageTokenKey),
    );
  }
  return instance;
}

/** Tests install a service over in-memory stores here; undefined restores the DynamoDB wiring. */
export function setSocialGraphForTests(graph: SocialGraph | undefined): void {
  instance = graph;
}
