import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { type QueueClient, sqsClient } from '../aws/sqs.ts';
import { requiredEnv } from '../config.ts';
import type { ImportContinuations } from './ports.ts';

/** Continues an import by sending its upload's notification to the queue that brought it. */
export class SqsImportContinuations implements ImportContinuations {
  constructor(
    private readonly queueUrl: string = requiredEnv('IMPORT_UPLOADS_QUEUE_URL'),
    private readonly client: QueueClient = sqsClient(),
  ) {}

  async continueLater(body: string): Promise<void> {
    await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body }));
  }
}
