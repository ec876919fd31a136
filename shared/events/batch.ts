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
  return streamBatchHandler(parse, () => handleChange);
}

/**
 * A stream consumer whose change handler is made anew for each batch (`startBatch`), so that it can share work
 * between the batch's records, such as a read that all of them need.
 */
export function streamBatchHandler<Change>(
  parse: (record: DynamoDBRecord) => Change | undefined,
  startBatch: () => (change: Change) => Promise<void>,
): (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse> {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  const handleRecord = async (record: DynamoDBRecord, handleChange: (change: Change) => Promise<void>) => {
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
    const handleChange = startBatch();
    return processPartialResponse(
      event,
      (record: DynamoDBRecord) => handleRecord(record, handleChange),
      processor,
      { context },
    );
  };
}

/** A queue consumer; each record's handler also gets the invocation's context (its remaining time). */
export function queueHandler(
  handleRecord: (record: SQSRecord, context: Context) => Promise<void>,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  return async (event, context) => {
    logger.addContext(context);
    return processPartialResponse(event, (record: SQSRecord) => handleRecord(record, context), processor, {
      context,
    });
  };
}
