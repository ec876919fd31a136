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
import { CORRELATION_ID, withCorrelationId } from '../correlation.ts';
import { logger } from '../logger.ts';
import { publishMetrics } from '../metrics.ts';
import { inHandlerSegment, inRecordSegment } from '../tracing.ts';

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
  return (event, context) =>
    observed(context, () => {
      const handleChange = startBatch();
      return processPartialResponse(
        event,
        (record: DynamoDBRecord) =>
          withCorrelationId(correlationIdOfStreamRecord(record), () =>
            inRecordSegment(() => handleRecord(record, handleChange)),
          ),
        processor,
        { context },
      );
    });
}

/** A queue consumer; each record's handler also gets the invocation's context (its remaining time). */
export function queueHandler(
  handleRecord: (record: SQSRecord, context: Context) => Promise<void>,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  return (event, context) =>
    observed(context, () =>
      processPartialResponse(
        event,
        (record: SQSRecord) =>
          withCorrelationId(correlationIdOfMessage(record), () =>
            inRecordSegment(() => handleRecord(record, context)),
          ),
        processor,
        { context },
      ),
    );
}

/**
 * A FIFO queue's consumer. Records of one message group are handled one after another, in order; groups at once.
 * After a record fails, the rest of its group in the batch is reported failed without being handled, so SQS
 * delivers them again after it, in order (Powertools' FIFO processor keeps the order too, but handles the whole
 * batch one record at a time).
 */
export function fifoQueueHandler(
  handleRecord: (record: SQSRecord, context: Context) => Promise<void>,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  return (event, context) =>
    observed(context, async () => {
      const groups = new Map<string, SQSRecord[]>();
      for (const record of event.Records) {
        const group = record.attributes.MessageGroupId ?? record.messageId;
        const records = groups.get(group);
        if (records) records.push(record);
        else groups.set(group, [record]);
      }
      const failed: string[] = [];
      await Promise.all(
        [...groups.values()].map(async (records) => {
          for (const [i, record] of records.entries()) {
            try {
              await withCorrelationId(correlationIdOfMessage(record), () =>
                inRecordSegment(() => handleRecord(record, context)),
              );
            } catch (error) {
              logger.error('a message failed: it and the rest of its group come again', {
                messageId: record.messageId,
                error: error as Error,
              });
              failed.push(...records.slice(i).map((later) => later.messageId));
              return;
            }
          }
        }),
      );
      return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
    });
}

/** An invocation of a batch handler: its logs name it, its trace has a handler subsegment, its metrics leave. */
async function observed<T>(context: Context, work: () => Promise<T>): Promise<T> {
  logger.addContext(context);
  try {
    return await inHandlerSegment(context.functionName, work);
  } finally {
    publishMetrics();
  }
}

/**
 * The correlation id a stream record carries: that of the request that wrote the item (its new image, or for a
 * deletion the last write's, in the old one); else the record's own event id, so that the work it sets going can
 * still be followed.
 */
function correlationIdOfStreamRecord(record: DynamoDBRecord): string | undefined {
  const image = record.dynamodb?.NewImage ?? record.dynamodb?.OldImage;
  return image?.[CORRELATION_ID]?.S ?? record.eventID;
}

/** The correlation id a message carries as its attribute (shared/aws/sqs.ts); else the message's own id. */
function correlationIdOfMessage(record: SQSRecord): string {
  return record.messageAttributes?.[CORRELATION_ID]?.stringValue ?? record.messageId;
}
