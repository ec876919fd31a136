import { pageTokenKey } from '../aws/secrets.ts';
import { config } from '../config.ts';
import { PageTokens } from '../pagination.ts';
import { LinkService } from './core.ts';
import { DynamoLinkStore } from './store.ts';
import { DynamoUserStore } from '../users/dynamodb.ts';
import { UsersForLinks } from '../users/users-for-links.ts';
import { DynamoPublicLinkIndex } from './public-index.ts';
import { PublicLinks } from './public.ts';

let instance: LinkService | undefined;

/** The links core wired to its DynamoDB adapter, once per cold start. */
export function linkService(): LinkService {
  instance ??= new LinkService(
    new DynamoLinkStore(),
    new PageTokens(pageTokenKey),
    config().MAX_LINKS_PER_USER,
  );
  return instance;
}

/** Tests install a service over in-memory stores here; undefined restores the DynamoDB wiring. */
export function setLinkServiceForTests(service: LinkService | undefined): void {
  instance = service;
}

let publicInstance: PublicLinks | undefined;

/** The public side wired to the links table's byPublic index and the users context, once per cold start. */
export function publicLinks(): PublicLinks {
  publicInstance ??= new PublicLinks(
    new DynamoPublicLinkIndex(),
    new UsersForLinks(new DynamoUserStore()),
    new PageTokens(pageTokenKey),
  );
  return publicInstance;
}

/** Tests install the public side over in-memory stores here; undefined restores the DynamoDB wiring. */
export function setPublicLinksForTests(service: PublicLinks | undefined): void {
  publicInstance = service;
}
