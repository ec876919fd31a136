import { config } from '../config.ts';
import { DynamoSessionStore, DynamoUserStore } from './dynamodb.ts';
import { Sessions } from './sessions.ts';

let instance: Sessions | undefined;

/** The sessions core wired to its DynamoDB adapters, once per cold start. */
export function sessions(): Sessions {
  instance ??= new Sessions(new DynamoSessionStore(), new DynamoUserStore(), config().SESSION_LIFETIME_DAYS);
  return instance;
}

/** Tests install sessions over in-memory stores here; undefined restores the DynamoDB wiring. */
export function setSessionsForTests(replacement: Sessions | undefined): void {
  instance = replacement;
}
