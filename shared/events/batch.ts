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

export function streamHandler(
  handleRecord: (record: DynamoDBRecord) => Promise<void>,
): (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse> {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
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
