import type { ChunkedErasure, ChunkOutcome } from '../users/ports.ts';
import { randomBytes } from 'node:crypto';
import { config } from '../config.ts';
import { LinksForImport } from '../links/for-import.ts';
import { DEFAULT_RUN_SETTINGS, ImportRunner, Imports } from './core.ts';
import { DynamoImportStore } from './dynamodb.ts';
import { S3UploadedFiles } from './s3.ts';
import { SqsImportContinuations } from './sqs.ts';

let instance: Imports | undefined;

/** The imports core's HTTP side wired to the imports table and bucket, once per cold start. */
export function imports(): Imports {
  instance ??= new Imports(new DynamoImportStore(), new S3UploadedFiles(), () =>
    randomBytes(8).toString('hex'),
  );
  return instance;
}

let runnerInstance: ImportRunner | undefined;

/** The import worker wired to the imports table and bucket, the links table and the uploads queue. */
export function importRunner(): ImportRunner {
  runnerInstance ??= new ImportRunner(
    new DynamoImportStore(),
    new S3UploadedFiles(),
    new LinksForImport(),
    new SqsImportContinuations(),
    { ...DEFAULT_RUN_SETTINGS, maxLinksPerUser: config().MAX_LINKS_PER_USER },
  );
  return runnerInstance;
}

/**
 * What account deletion needs of the imports context (its `imports` step, shared/users/erasure.ts): every import
 * record and uploaded file of a user gone.
 */
export class ImportsErasure implements ChunkedErasure {
  constructor(
    private readonly store = new DynamoImportStore(),
    private readonly files = new S3UploadedFiles(),
  ) {}

  /** The account erasure's imports step: the uploaded files first, then the records, a chunk of each at a time. */
  async eraseChunk(username: string): Promise<ChunkOutcome> {
    const filesGone = await this.files.deleteChunkOf(username);
    if (!filesGone) return { done: false };
    return { done: await this.store.deleteChunkOf(username) };
  }
}

/** Tests install cores over in-memory ports here; undefined restores the AWS wiring. */
export function setImportsForTests(requests: Imports | undefined, runner?: ImportRunner): void {
  instance = requests;
  runnerInstance = runner;
}
