import { Tracer } from '@aws-lambda-powertools/tracer';
import { CORRELATION_ID, currentCorrelationId } from './correlation.ts';
import { SERVICE_NAME } from './logger.ts';

/**
 * X-Ray tracing with Powertools Tracer: every DynamoDB and SQS call a function makes is a subsegment (the clients
 * in shared/aws/ are captured; not S3's, which also presigns URLs, and a presigned URL must not carry a trace
 * header among its signed headers), inside a `## <handler>` subsegment per invocation, and each record a batch handler
 * works on is a `### record` subsegment; both carry the work's correlation id as an annotation, so X-Ray finds a
 * link's journey across functions with `annotation.correlation_id = "<id>"`.
 *
 * Outgoing HTTP calls are not traced: the link checker fetches users' URLs, which stay out of traces. Outside
 * Lambda (the local runtime, tests) and with POWERTOOLS_TRACE_ENABLED=false the tracer does nothing.
 */
let instance: Tracer | undefined;

export function tracer(): Tracer {
  instance ??= new Tracer({ serviceName: SERVICE_NAME, captureHTTPsRequests: false });
  return instance;
}

/** The AWS SDK client, its calls traced (as it is when tracing is off). */
export function traced<Client>(client: Client): Client {
  return tracer().captureAWSv3Client(client);
}

/** Runs an invocation's work in its handler subsegment, annotated with the cold start and correlation id. */
export async function inHandlerSegment<T>(name: string, work: () => Promise<T>): Promise<T> {
  const active = tracer();
  const parent = active.isTracingEnabled() ? active.getSegment() : undefined;
  if (!parent) return work();
  const segment = parent.addNewSubsegment(`## ${name}`);
  active.setSegment(segment);
  active.annotateColdStart();
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
  const active = tracer();
  const parent = active.isTracingEnabled() ? active.getSegment() : undefined;
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
