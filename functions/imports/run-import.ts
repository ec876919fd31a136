import type { Context, SQSEvent } from 'aws-lambda';
import { queueHandler } from '../../shared/events/batch.ts';
import { uploadsOfS3Event } from '../../shared/imports/model.ts';
import { importRunner } from '../../shared/imports/service.ts';
import { logger } from '../../shared/logger.ts';
import { emit, emitBy } from '../../shared/metrics.ts';

/** The delivery outcomes that end an import, as the import's own status names the end. */
const ENDED = { finished: 'done', failed: 'failed' } as const;

/**
 * An uploaded bookmark file's notification (S3's event, through the importUploads queue): runs its import, and
 * hands it on to a fresh invocation when this one runs short of time. An import that ends is counted by how it
 * ended, with its file's size.
 */
export const handler = (event: SQSEvent, context: Context) =>
  queueHandler(async (record) => {
    for (const upload of uploadsOfS3Event(record.body)) {
      const outcome = await importRunner().run(upload, record.body, () => context.getRemainingTimeInMillis());
      logger.info('import delivery', { key: upload.key, outcome });
      if (outcome === 'finished' || outcome === 'failed') {
        emitBy(ENDED[outcome], { importsFinished: 1 });
        emit('importFileSize', upload.size);
      }
    }
  })(event, context);
