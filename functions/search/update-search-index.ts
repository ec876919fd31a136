import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../../shared/logger.ts';
import { type SearchMessage, type SearchUpdate, searchMessageSchema } from '../../shared/search/model.ts';
import { searchIndexUpdater } from '../../shared/search/service.ts';

/**
 * The searchUpdates queue (FIFO by user; each message one user's changes): each user's changes in the batch are
 * applied to their index at once,
 * which is written back once. A user whose update fails has all of their messages in the batch reported as
 * failed, so SQS delivers them again, in order, and nobody else's are held up. (Powertools' per-record batch
 * processor would write the index once per message; this is the same partial batch response, made per user.)
 * A message that cannot be read would fail forever: it is logged and dropped.
 */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  const byUser = new Map<string, { records: SQSRecord[]; updates: SearchUpdate[] }>();
  for (const record of event.Records) {
    const parsed = safeParse(record.body);
    if (!parsed) {
      logger.warn('dropping an unreadable search update', { messageId: record.messageId });
      continue;
    }
    const group = byUser.get(parsed.username) ?? { records: [], updates: [] };
    group.records.push(record);
    group.updates.push(...parsed.updates);
    byUser.set(parsed.username, group);
  }
  const failed: string[] = [];
  for (const [username, { records, updates }] of byUser) {
    try {
      await searchIndexUpdater().apply(username, updates);
    } catch (error) {
      logger.error('could not update a search index', { error: error as Error, count: updates.length });
      failed.push(...records.map((record) => record.messageId));
    }
  }
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}

function safeParse(body: string): SearchMessage | undefined {
  try {
    const parsed = searchMessageSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
