import { isRequestXRaySampled } from '@aws-lambda-powertools/commons/utils/env';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { CORRELATION_ID, currentCorrelationId } from './correlation.ts';
import { SERVICE_NAME } from './logger.ts';

/**
 * X-Ray tracing with Powertools Tracer: every DynamoDB and SQS call a function makes is a subsegment (the clients
 * in shared/aws/ are captured; not S3's, which also presigns URLs, and a presigned URL must not carry a trace
 * header among its signed headers), inside a `## <handler>` subsegment per invocation, and each record a batch handler
 * works on is a `### record` subsegment; both carry the work's correlation id as an annotation, so X-Ray finds a
 * link's journey across functions with `annotation.correlation_id = "<id>"`.
 *
 * Only sampled invocations are traced. Lambda (active tracing) samples each invocation and says so in its trace
 * header (`Sampled=1`); an invocation that is not sampled sends X-Ray nothing, so it needs none of the tracer's
 * work. The tracer, and the X-Ray SDK beneath it, are therefore loaded by the first sampled invocation rather than
 * at the cold start: loading them is most of what tracing costs a cold start (`npm run bench:bundles`), which a
 * cold start whose invocation is not sampled no longer pays. Then the clients made so far are captured, and from
 * then on every client as it is made. Lambda records its own segments (initialization, invocation) either way.
 *
 * Outgoing HTTP calls are not traced: the link checker fetches users' URLs, which stay out of traces. Outside
 * Lambda (the local runtime, tests) there is no trace header, and with POWERTOOLS_TRACE_ENABLED=false the loaded
 * tracer does nothing.
 */
let loading: Promise<Tracer> | undefined;
let loaded: Tracer | undefined;
/** Clients made before the tracer was loaded, captured when it is. */
const uncaptured: unknown[] = [];
let invocations = 0;
const COLD_START = 'ColdStart';

/** The AWS SDK client, its calls traced in sampled invocations (as it is when tracing is off). */
export function traced<Client>(client: Client): Client {
  if (loaded) return loaded.captureAWSv3Client(client);
  uncaptured.push(client);
  return client;
}

/** The tracer, loaded by the first sampled invocation. */
function sampledTracer(): Promise<Tracer> {
  loading ??= import('@aws-lambda-powertools/tracer').then(({ Tracer }) => {
    const tracer = new Tracer({ serviceName: SERVICE_NAME, captureHTTPsRequests: false });
    for (const client of uncaptured.splice(0)) tracer.captureAWSv3Client(client);
    loaded = tracer;
    return tracer;
  });
  return loading;
}

/** Runs an invocation's work in its handler subsegment, annotated with the cold start and correlation id. */
export async function inHandlerSegment<T>(name: string, work: () => Promise<T>): Promise<T> {
  const coldStart = invocations++ === 0;
  if (!isRequestXRaySampled()) return work();
  const active = await sampledTracer();
  const parent = active.isTracingEnabled() ? active.getSegment() : undefined;
  if (!parent) return work();
  const segment = parent.addNewSubsegment(`## ${name}`);
  active.setSegment(segment);
  // Powertools' annotation, by the instance's invocations: the tracer's first may come after the cold start.
  active.putAnnotation(COLD_START, coldStart);
  active.addServiceNameAnnotation();
  annotateCorrelation(segment);
  try {
    return await closingAfter(segment, work);
  } finally {
    active.setSegment(parent);
  }
}

/**
 * One record of a batch in a subsegment of its own, annotated with the record's correlation id. The records of a
 * batch run concurrently, so the subsegment is not made current: SDK calls stay under the handler's.
 */
export async function inRecordSegment<T>(work: () => Promise<T>): Promise<T> {
  const parent = loaded?.isTracingEnabled() && isRequestXRaySampled() ? loaded.getSegment() : undefined;
  if (!parent) return work();
  const segment = parent.addNewSubsegment('### record');
  annotateCorrelation(segment);
  return closingAfter(segment, work);
}

type Subsegment = ReturnType<Segment['addNewSubsegment']>;
type Segment = NonNullable<ReturnType<Tracer['getSegment']>>;

/** The work's result, its error recorded on the subsegment, which is closed either way. */
async function closingAfter<T>(segment: Subsegment, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    segment.addError(error as Error);
    throw error;
  } finally {
    segment.close();
  }
}

function annotateCorrelation(segment: { addAnnotation(key: string, value: string): void }): void {
  const id = currentCorrelationId();
  if (id) segment.addAnnotation(CORRELATION_ID, id);
}
