import { DynamoLinkCounts } from '../links/counts.ts';
import { CountsForProfiles } from '../social/counts-for-profiles.ts';
import { DynamoFollowStore } from '../social/dynamodb.ts';
import { DynamoUserStore } from './dynamodb.ts';
import { Profiles } from './profiles.ts';

/**
 * The profile core wired to its adapters. Apart from service.ts (which every HTTP function loads, through the
 * HTTP layer) and identity-service.ts (GitHub login), so that only the profile functions bundle the other
 * contexts' readers.
 */

let profileReader: Profiles | undefined;

/** Profiles with their counts: links from the links context, follows from the social context. */
export function profiles(): Profiles {
  profileReader ??= new Profiles(
    new DynamoUserStore(),
    new DynamoLinkCounts(),
    new CountsForProfiles(new DynamoFollowStore()),
  );
  return profileReader;
}

/** Tests install a service over in-memory stores here; undefined restores the DynamoDB wiring. */
export function setProfilesForTests(replacement: Profiles | undefined): void {
  profileReader = replacement;
}
