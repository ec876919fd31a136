import type { Context, SQSEvent } from 'aws-lambda';
import { queueHandler } from '../../shared/events/batch.ts';
import { uploadsOfS3Event } from '../../shared/imports/model.ts';
import { importRunner } from '../../shared/imports/service.ts';
import { logger } from '../../shared/logger.ts';

/**
 * An uploaded bookmark file's notification (S3's event, through the importUploads queue): runs its import, and
 * hands it on to a fresh invocation when this one runs short of time.
 */
export const handler = (event: SQSEvent, context: Context) =>
  queueHandler(async (record) => {
    for (const upload of uploadsOfS3Event(record.body)) {
      const outcome = await importRunner().run(upload, record.body, () => context.getRemainingTimeInMillis());
      logger.info('import delivery', { key: upload.key, outcome });
    }
  })(event, context);
