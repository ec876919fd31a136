import { pageTokenKey } from '../aws/secrets.ts';
import { config } from '../config.ts';
import { PageTokens } from '../pagination.ts';
import { LinkService } from './core.ts';
import { DynamoLinkStore } from './store.ts';

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
