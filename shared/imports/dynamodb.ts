import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { deletePartitionChunk, documentClient, type DocumentClient } from '../aws/dynamodb.ts';
import { requiredEnv } from '../config.ts';
import type { Import } from './model.ts';
import type { ImportStore } from './ports.ts';
import { IMPORT_PREFIX, importFromItem, importKey, importsPartition, importToItem } from './table.ts';

/** Import records deleted per chunk of an account's erasure: a chunk is one Query and four BatchWriteItems. */
const ERASURE_CHUNK = 100;

/** The ImportStore port on the imports table (its design: table.ts). */
export class DynamoImportStore implements ImportStore {
  constructor(
    private readonly tableName: string = requiredEnv('IMPORTS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  async create(record: Import): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: importToItem(record),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(username: string, importId: string): Promise<Import | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: importKey(username, importId), ConsistentRead: true }),
    );
    return Item ? importFromItem(Item) : undefined;
  }

  async newestFirst(username: string, limit: number): Promise<Import[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': importsPartition(username), ':prefix': IMPORT_PREFIX },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return Items.map(importFromItem);
  }

  async advance(next: Import, previous: Pick<Import, 'status' | 'checkpoint'>): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: importToItem(next),
          ConditionExpression: '#status = :status AND #checkpoint = :checkpoint',
          ExpressionAttributeNames: { '#status': 'status', '#checkpoint': 'checkpoint' },
          ExpressionAttributeValues: { ':status': previous.status, ':checkpoint': previous.checkpoint },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Deletes a chunk of the user's import records (account deletion); true once none is left. */
  deleteChunkOf(username: string): Promise<boolean> {
    return deletePartitionChunk(this.db, this.tableName, importsPartition(username), ERASURE_CHUNK);
  }
}
