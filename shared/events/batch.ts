import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type {
  Context,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import { logger } from '../logger.ts';

/**
 * Handlers for event sources, with partial batch responses: a record that fails is reported alone, so Lambda
 * retries (or dead-letters) just that one and the rest of the batch counts as done.
 */

/**
 * A stream consumer that reads each record into a change first. A record that cannot be read would fail on
 * every retry, so it is logged and skipped; records of other items (parse gives undefined) are skipped too.
 */
export function streamHandler<Change>(
  parse: (record: DynamoDBRecord) => Change | undefined,
  handleChange: (change: Change) => Promise<void>,
): (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse> {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  const handleRecord = async (record: DynamoDBRecord) => {
    let change: Change | undefined;
    try {
      change = parse(record);
    } catch (error) {
      logger.warn('skipping an unreadable stream record', {
        eventID: record.eventID,
        source: record.eventSourceARN,
        error: error as Error,
      });
      return;
    }
    if (change !== undefined) await handleChange(change);
  };
  return async (event, context) => {
    logger.addContext(context);
    return processPartialResponse(event, handleRecord, processor, { context });
  };
}

export function queueHandler(
  handleRecord: (record: SQSRecord) => Promise<void>,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  return async (event, context) => {
    logger.addContext(context);
    return processPartialResponse(event, handleRecord, processor, { context });
  };
}
