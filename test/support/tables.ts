import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DocumentClient } from '../../shared/aws/dynamodb.ts';
import { randomBytes } from 'node:crypto';
import { LOCAL_AWS } from '../../local/engines.ts';
import { ensureTables, localTableNames } from '../../local/resources.ts';
import type { TableName } from '../../shared/wiring.ts';

export interface TestTables {
  names: Record<TableName, string>;
  /** A document client configured like the functions' own, pointed at the engine. */
  db: DocumentClient;
  /** A low-level client for control-plane calls such as DescribeTable. */
  raw: DynamoDBClient;
  destroy(): void;
}

/** A fresh random prefix, so that test files can share one engine and run in parallel. */
export function randomPrefix(label: string): string {
  return `it-${label}-${randomBytes(4).toString('hex')}-`;
}

/** Creates the declared tables under a random prefix on the given engine and returns clients for them. */
export async function createTestTables(endpoint: string, label: string): Promise<TestTables> {
  const names = localTableNames(randomPrefix(label));
  await ensureTables(endpoint, names);
  return { names, ...clientsFor(endpoint) };
}

export function clientsFor(endpoint: string): Pick<TestTables, 'db' | 'raw' | 'destroy'> {
  const raw = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  const db = new DocumentClient(raw);
  return { db, raw, destroy: () => raw.destroy() };
}
