import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, randomBytes } from 'node:crypto';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyRecordStatus,
  IdempotencyValidationError,
  makeIdempotent,
  PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS,
} from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  PutItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context } from 'aws-lambda';
import { requiredEnv } from '../config.ts';
import { IdempotencyKeyInProgress, IdempotencyKeyReused, Unavailable } from '../errors.ts';
import { logger } from '../logger.ts';
import { idempotencyKeyPrefixOf, tables, type FunctionName } from '../wiring.ts';
import { sdkClientConfig, withoutSdkLogger } from '../aws/transport.ts';
import { toHttpError } from './errors.ts';
import type { HttpResponse } from './handler.ts';
import type { HttpRequest } from './request.ts';
import { AnswerFound, REPLAYED_HEADER_NAME, IDEMPOTENCY_WINDOW_SECONDS, isKept } from './idempotency-key.ts';

/**
 * Idempotent retries of POST requests (the contract's `Idempotency-Key`, read by shared/http/idempotency-key.ts,
 * which loads this module on a function's first keyed POST), with Powertools Idempotency and its
 * DynamoDB persistence layer on the idempotency table (shared/wiring.ts `tables.idempotency`).
 *
 * - The record of a request is found by the function, the caller (`scope`: the user, or the client IP on a
 *   public route) and the key, hashed: two users', or two routes', keys never meet.
 * - It holds the hash of the request (its path parameters, query and body, parsed, so that JSON's spacing and
 *   key order do not count): the same key with another request is IdempotencyKeyReused (422).
 * - The first request puts an in-progress record (conditionally), does the work, then stores its answer: a retry
 *   meanwhile is IdempotencyKeyInProgress (409, `Retry-After: 1`), so the work is done once; a retry after it gets
 *   the answer again, status, headers and body, with `Idempotent-Replayed: true`, for 24 hours.
 * - Kept: every answer the request itself decided, successes and 4xx alike. Not kept (the record is deleted, so a
 *   retry does the work): 5xx, 429 and 401, which say nothing about the request, only about that moment.
 * - The answer is stored sealed (AES-256-GCM) with a key derived from the Idempotency-Key, which the table keeps
 *   only as a hash: answers that carry a new credential (a personal token, a login) or private links are of no use
 *   to whoever reads the table.
 * - No in-process cache: records are read from the table, so every instance of a function (and a retry after the
 *   record expired) sees the same thing; a replay is rare, and the cache would not spare a first request anything.
 */

const REPLAYED_HEADER = REPLAYED_HEADER_NAME.toLowerCase();
/** Seconds a retry that found its first request still in progress should wait. */
const IN_PROGRESS_RETRY_AFTER_SECONDS = 1;

/** `work`'s answer, done at most once per `key`: a retry gets the first answer again (`answerOnce`). */
export async function answerKeyedOnce(
  name: FunctionName,
  request: HttpRequest,
  scope: string,
  key: string,
  context: Context,
  work: () => Promise<HttpResponse>,
): Promise<HttpResponse> {
  let answered: HttpResponse | undefined;
  const sealing = sealingFor(name, scope, key);
  const doOnce = makeIdempotent(
    async (_payload: IdempotentPayload): Promise<SealedAnswer> => {
      answered = await settled(work);
      return sealing.seal(answered);
    },
    {
      persistenceStore: persistenceFor(name),
      keyPrefix: idempotencyKeyPrefixOf(name),
      // One configuration per request: it holds this invocation's context, whose remaining time bounds how long
      // the in-progress record blocks retries if this invocation dies.
      config: idempotencyConfig(context),
    },
  );
  try {
    const sealed = await doOnce(payloadOf(request, scope, key));
    if (answered) return answered;
    logger.info('idempotent replay', { function: name });
    const replayed = sealing.open(sealed);
    return { ...replayed, headers: { ...replayed.headers, [REPLAYED_HEADER]: 'true' } };
  } catch (error) {
    if (error instanceof NotKept) {
      if (error.outcome.answered) return error.outcome.answer;
      throw error.outcome.error;
    }
    if (error instanceof IdempotencyValidationError) {
      throw new IdempotencyKeyReused(
        'This Idempotency-Key was first sent with another request; use a new key for a new request.',
      );
    }
    if (error instanceof IdempotencyAlreadyInProgressError) {
      throw new IdempotencyKeyInProgress(
        'The first request with this Idempotency-Key is still being answered; retry shortly.',
        IN_PROGRESS_RETRY_AFTER_SECONDS,
      );
    }
    // The work was done, only its answer could not be kept: the caller gets it all the same.
    if (answered) {
      logger.warn('could not keep an idempotent answer', { error: error as Error });
      return answered;
    }
    logger.error('idempotency store failed', { error: error as Error });
    throw new Unavailable('Retries could not be checked just now; try again shortly.');
  }
}

/** Powertools' settings, the same for both ways of keeping answers: the key and payload hashes agree. */
function idempotencyConfig(context?: Context): IdempotencyConfig {
  return new IdempotencyConfig({
    eventKeyJmesPath: 'caller',
    payloadValidationJmesPath: 'request',
    expiresAfterSeconds: IDEMPOTENCY_WINDOW_SECONDS,
    hashFunction: 'sha256',
    throwOnNoIdempotencyKey: true,
    ...(context ? { lambdaContext: context } : {}),
  });
}

/** What Powertools hashes: the record's id from the caller and key, the payload check from the request. */
function payloadOf(request: HttpRequest, scope: string, key: string): IdempotentPayload {
  return {
    caller: { scope, key },
    request: {
      path: request.pathParameters,
      query: request.query,
      body: (request.body ?? null) as JSONValue,
    },
  };
}

type IdempotentPayload = {
  caller: { scope: string; key: string };
  request: { path: JSONValue; query: JSONValue; body: JSONValue };
};

/** An HTTP answer as the record keeps it: JSON, sealed. */
interface SealedAnswer {
  sealed: string;
}

/**
 * The work's outcome when it is not the request's own (5xx, 429, 401): thrown through Powertools, which then
 * deletes the in-progress record so that a retry does the work, and given to this caller as it was.
 */
class NotKept extends Error {
  constructor(
    readonly outcome: { answered: true; answer: HttpResponse } | { answered: false; error: unknown },
  ) {
    super('an answer not kept for retries');
  }
}

/** The work's answer, its failures too, as the client would get them; NotKept for those not kept. */
async function settled(work: () => Promise<HttpResponse>): Promise<HttpResponse> {
  let answer: HttpResponse;
  try {
    answer = await work();
  } catch (error) {
    const failure = toHttpError(error);
    // Failures that are not kept go on as they were, so that the route logs them as it logs any other.
    if (!isKept(failure.status)) throw new NotKept({ answered: false, error });
    return { status: failure.status, headers: failure.headers, body: failure.body };
  }
  if (!isKept(answer.status)) throw new NotKept({ answered: true, answer });
  return answer;
}

const SEAL_IV_BYTES = 12;
const SEAL_TAG_BYTES = 16;

/**
 * AES-256-GCM with a key derived (HKDF-SHA256) from the Idempotency-Key, bound to the function and the caller; a
 * KeyObject, which a cipher takes without the caught errors that raw bytes cost it (see shared/aws/sha256.ts).
 */
function sealingFor(name: FunctionName, scope: string, idempotencyKey: string) {
  const key = createSecretKey(
    Buffer.from(hkdfSync('sha256', idempotencyKey, `${name}\n${scope}`, 'delinkcious idempotent answer', 32)),
  );
  return {
    seal(answer: HttpResponse): SealedAnswer {
      const iv = randomBytes(SEAL_IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const text = Buffer.concat([cipher.update(JSON.stringify(answer), 'utf8'), cipher.final()]);
      return { sealed: Buffer.concat([iv, cipher.getAuthTag(), text]).toString('base64') };
    },
    open({ sealed }: SealedAnswer): HttpResponse {
      const bytes = Buffer.from(sealed, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, SEAL_IV_BYTES));
      decipher.setAuthTag(bytes.subarray(SEAL_IV_BYTES, SEAL_IV_BYTES + SEAL_TAG_BYTES));
      const text = Buffer.concat([
        decipher.update(bytes.subarray(SEAL_IV_BYTES + SEAL_TAG_BYTES)),
        decipher.final(),
      ]);
      return JSON.parse(text.toString('utf8')) as HttpResponse;
    },
  };
}

let client: DynamoDBClient | undefined;

/**
 * The persistence layers' DynamoDB client, one per process: Powertools sends its own commands on it, beside the
 * adapters' document client (a benchmark meters both).
 */
export const idempotencyClient = (): DynamoDBClient =>
  (client ??= withoutSdkLogger(new DynamoDBClient(sdkClientConfig())));
const persistenceLayers = new Map<FunctionName, DynamoDBPersistenceLayer>();

/**
 * One persistence layer per function, created on first use: a layer remembers its key prefix, and the local
 * runtime serves every function in one process.
 */
function persistenceFor(name: FunctionName): DynamoDBPersistenceLayer {
  let layer = persistenceLayers.get(name);
  if (!layer) {
    layer = new DynamoDBPersistenceLayer({
      tableName: requiredEnv(tables.idempotency.envVar),
      keyAttr: tables.idempotency.partitionKey.name,
      expiryAttr: tables.idempotency.ttlAttribute,
      awsSdkV3Client: idempotencyClient(),
    });
    persistenceLayers.set(name, layer);
  }
  return layer;
}

/**
 * An `Idempotency-Key`'s answer kept within the work's own transaction, for a route whose effects are that one
 * transaction (`oneTransaction` in shared/http/handler.ts: POST /v1/links). The record is written completed, with
 * the sealed answer, as one more item of the transaction, on condition that no live record holds the key:
 *
 * - the first request does the work and keeps its answer in one write, instead of Powertools' three steps (an
 *   in-progress record, the work, the answer): nothing is ever in progress, and a crash leaves nothing behind;
 * - of concurrent retries, one transaction commits; the others fail on the record (DynamoDB serializes
 *   transactions on an item) and replay the winner's answer, so the work is done once;
 * - an answer decided without the transaction (a validation error, the duplicate the transaction found) is kept
 *   afterwards with the same conditional put, alone; if a record was there first, its answer is the one given.
 *
 * The record is Powertools' own (same table, id, payload hash, attributes, status COMPLETED), drafted by its
 * persistence layer (`AnswerRecords`), so the Powertools path reads it as one of its own and the other POSTs keep
 * using it unchanged.
 */
export class AnswerInTransaction {
  private committed = false;

  private constructor(
    private readonly name: FunctionName,
    private readonly payload: IdempotentPayload,
    private readonly draft: IdempotencyRecord,
    private readonly sealing: ReturnType<typeof sealingFor>,
  ) {}

  /** For a keyed POST: drafts the record (its id, payload hash and expiry) before the work runs. */
  static async forRequest(
    name: FunctionName,
    request: HttpRequest,
    scope: string,
    key: string,
  ): Promise<AnswerInTransaction> {
    const payload = payloadOf(request, scope, key);
    const draft = await answerRecordsFor(name).draft(payload);
    return new AnswerInTransaction(name, payload, draft, sealingFor(name, scope, key));
  }

  /** Whether the answer was kept by the work's transaction. */
  get kept(): boolean {
    return this.committed;
  }

  /** The record, completed with `answer` (what the transaction's commit answers), as a conditional Put. */
  itemFor(answer: HttpResponse): unknown {
    return { Put: answerRecordsFor(this.name).completedPut(this.draft, this.sealing.seal(answer)) };
  }

  /** The transaction's outcome for the record: committed (undefined), or its cancellation reason. */
  settle(reason: { Code?: string | undefined; Item?: Record<string, AttributeValue> } | undefined): void {
    if (reason === undefined) {
      this.committed = true;
      return;
    }
    if (reason.Code === 'ConditionalCheckFailed') throw new AnswerFound(reason.Item);
  }

  /**
   * The answer to send for `answer`, which the work decided without its transaction: kept now when it is the
   * request's own (not 5xx, 429 or 401), unless a record holds the key already, whose answer is then the one.
   */
  async keep(answer: HttpResponse): Promise<HttpResponse> {
    if (this.committed || !isKept(answer.status)) return answer;
    const put = answerRecordsFor(this.name).completedPut(this.draft, this.sealing.seal(answer));
    try {
      await idempotencyClient().send(
        new PutItemCommand({
          ...put,
          Item: marshall(put.Item),
          ExpressionAttributeValues: marshall(put.ExpressionAttributeValues),
        }),
      );
      this.committed = true;
      return answer;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        return this.firstAnswer(new AnswerFound(error.Item));
      // The work was done; only its answer could not be kept: the caller gets it all the same.
      logger.warn('could not keep an idempotent answer', { error: error as Error });
      return answer;
    }
  }

  /**
   * The first answer to this key, which a record held when this request's transaction (or put) met it: replayed;
   * IdempotencyKeyReused when it answered another request; IdempotencyKeyInProgress while Powertools' path has it.
   */
  async firstAnswer(found: AnswerFound): Promise<HttpResponse> {
    const records = answerRecordsFor(this.name);
    let record: IdempotencyRecord;
    try {
      record = found.item
        ? records.processExistingRecord(records.recordOf(found.item), this.payload)
        : await records.getRecord(this.payload);
    } catch (error) {
      if (error instanceof IdempotencyValidationError) {
        throw new IdempotencyKeyReused(
          'This Idempotency-Key was first sent with another request; use a new key for a new request.',
        );
      }
      throw error;
    }
    if (record.getStatus() !== IdempotencyRecordStatus.COMPLETED) {
      throw new IdempotencyKeyInProgress(
        'The first request with this Idempotency-Key is still being answered; retry shortly.',
        IN_PROGRESS_RETRY_AFTER_SECONDS,
      );
    }
    logger.info('idempotent replay', { function: this.name });
    const replayed = this.sealing.open(record.getResponse() as unknown as SealedAnswer);
    return { ...replayed, headers: { ...replayed.headers, [REPLAYED_HEADER]: 'true' } };
  }
}

/** What Powertools hashes and stores, as its persistence layer types it. */
type JSONValue = Parameters<DynamoDBPersistenceLayer['getRecord']>[0];

const { statusAttr, dataAttr, validationKeyAttr, inProgressExpiryAttr } = PERSISTENCE_ATTRIBUTE_KEY_MAPPINGS;

/**
 * Powertools' DynamoDB persistence layer, asked to draft records rather than write them: `draft` runs its own
 * `saveInProgress`, whose record (id, payload hash and expiry, by its helpers) is kept instead of put, so that a
 * record written here is one that Powertools computed. Only the transactional path uses this layer.
 */
class AnswerRecords extends DynamoDBPersistenceLayer {
  private readonly drafts = new Map<string, IdempotencyRecord>();

  constructor(
    private readonly table: string,
    awsSdkV3Client: DynamoDBClient,
  ) {
    super({
      tableName: table,
      keyAttr: tables.idempotency.partitionKey.name,
      expiryAttr: tables.idempotency.ttlAttribute,
      awsSdkV3Client,
    });
  }

  async draft(payload: IdempotentPayload): Promise<IdempotencyRecord> {
    const id = this.getHashedIdempotencyKey(payload);
    await this.saveInProgress(payload, 1);
    const record = this.drafts.get(id);
    this.drafts.delete(id);
    if (!record) throw new Error('Powertools drafted no idempotency record');
    return record;
  }

  protected override _putRecord(record: IdempotencyRecord): Promise<void> {
    this.drafts.set(record.idempotencyKey, record);
    return Promise.resolve();
  }

  /** The completed record as a Put, on Powertools' own condition: no record, or only an expired one. */
  completedPut(draft: IdempotencyRecord, answer: SealedAnswer) {
    const now = Date.now();
    return {
      TableName: this.table,
      Item: {
        ...unmarshall(this.getKey(draft.idempotencyKey)),
        [tables.idempotency.ttlAttribute]: draft.expiryTimestamp,
        [statusAttr]: IdempotencyRecordStatus.COMPLETED,
        [dataAttr]: answer,
        [validationKeyAttr]: draft.payloadHash,
      },
      ConditionExpression:
        'attribute_not_exists(#id) OR #expiry < :now OR ' +
        '(#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)',
      ExpressionAttributeNames: {
        '#id': tables.idempotency.partitionKey.name,
        '#expiry': tables.idempotency.ttlAttribute,
        '#status': statusAttr,
        '#in_progress_expiry': inProgressExpiryAttr,
      },
      ExpressionAttributeValues: {
        ':now': now / 1000,
        ':now_in_millis': now,
        ':inprogress': IdempotencyRecordStatus.INPROGRESS,
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
  }

  /** A record as DynamoDB returned it. */
  recordOf(item: Record<string, AttributeValue>): IdempotencyRecord {
    const stored = unmarshall(item);
    return new IdempotencyRecord({
      idempotencyKey: stored[tables.idempotency.partitionKey.name] as string,
      status: stored[statusAttr] as (typeof IdempotencyRecordStatus)[keyof typeof IdempotencyRecordStatus],
      expiryTimestamp: stored[tables.idempotency.ttlAttribute] as number,
      inProgressExpiryTimestamp: stored[inProgressExpiryAttr] as number | undefined,
      responseData: stored[dataAttr] as JSONValue,
      payloadHash: stored[validationKeyAttr] as string | undefined,
    });
  }
}

const answerRecords = new Map<FunctionName, AnswerRecords>();

function answerRecordsFor(name: FunctionName): AnswerRecords {
  let records = answerRecords.get(name);
  if (!records) {
    records = new AnswerRecords(requiredEnv(tables.idempotency.envVar), idempotencyClient());
    records.configure({ config: idempotencyConfig(), keyPrefix: idempotencyKeyPrefixOf(name) });
    answerRecords.set(name, records);
  }
  return records;
}
