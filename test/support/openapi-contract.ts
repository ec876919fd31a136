import type { IncomingHttpHeaders } from 'node:http';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { openApiDocument } from '../../shared/openapi.ts';
import { routes } from '../../shared/wiring.ts';

/**
 * Checks an answer of the API against the OpenAPI document that the service publishes (generated here from the
 * same code, with every route the local runtime serves): its status is declared for the route and method, its
 * body matches the declared schema of its content type, and every required header of that response is there
 * and matches its schema. The e2e clients run every answer through it, so a route, a status, a field or a
 * header that the document does not describe fails the test that met it.
 */

export interface ReceivedAnswer {
  method: string;
  /** The request's path, with its query string if any. */
  path: string;
  status: number;
  headers: Headers;
  /** The body as text; empty when there was none. */
  text: string;
}

interface MediaType {
  schema?: object;
}
interface HeaderObject {
  required?: boolean;
  schema?: { type?: string | string[] };
}
interface ResponseObject {
  description: string;
  headers?: Record<string, HeaderObject | { $ref: string }>;
  content?: Record<string, MediaType>;
}
interface OperationObject {
  responses: Record<string, ResponseObject | { $ref: string }>;
}
interface Document {
  paths: Record<string, Record<string, OperationObject>>;
  components: { responses: Record<string, ResponseObject>; headers: Record<string, HeaderObject> };
}

const DOCUMENT_ID = 'delinkcious-openapi.json';
const document = openApiDocument(routes, 'test') as unknown as Document;

const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: its function is the module's default export.
const addFormats = formats.default;
addFormats(ajv);
ajv.addSchema({ ...document, $id: DOCUMENT_ID });

const validators = new Map<string, ValidateFunction>();
/** A validator of the schema at this JSON pointer of the document (refs inside resolve against the document). */
function validatorAt(pointer: string[]): ValidateFunction {
  const fragment = pointer.map((part) => encodeURIComponent(part.replace(/~/g, '~0').replace(/\//g, '~1')));
  const ref = `${DOCUMENT_ID}#/${fragment.join('/')}`;
  let validator = validators.get(ref);
  if (!validator) {
    validator = ajv.compile({ $ref: ref });
    validators.set(ref, validator);
  }
  return validator;
}

function resolve<T>(value: T | { $ref: string }, at: string[]): { value: T; at: string[] } {
  if (typeof value === 'object' && value !== null && '$ref' in value) {
    const target = value.$ref.replace(/^#\//, '').split('/');
    let found: unknown = document;
    for (const part of target) found = (found as Record<string, unknown>)[part];
    return { value: found as T, at: target };
  }
  return { value, at };
}

/** The document's path template that a request path falls under: a literal path first, then templates. */
function pathTemplateOf(path: string): string | undefined {
  const segments = path.split('/');
  const templates = Object.keys(document.paths);
  if (templates.includes(path)) return path;
  return templates.find((template) => {
    const parts = template.split('/');
    return (
      parts.length === segments.length &&
      parts.every((part, i) => (/^\{[^}]+\}$/.test(part) ? segments[i] !== '' : part === segments[i]))
    );
  });
}

/** The response object that the document declares for this answer, and where it lives in the document. */
function declaredResponse(answer: ReceivedAnswer): { response: ResponseObject; at: string[] } | string {
  const path = answer.path.split('?')[0]!;
  const template = pathTemplateOf(path);
  const fallback = (name: 'NotFound' | 'MethodNotAllowed', status: number, why: string) =>
    answer.status === status
      ? { response: document.components.responses[name]!, at: ['components', 'responses', name] }
      : `${why}, so the document says it answers ${status}, but it answered ${answer.status}`;
  if (!template) return fallback('NotFound', 404, 'no path of the document matches');
  // A HEAD is described by its GET (the document says so once, in its description): the same status and headers;
  // but for the GET that changes state (GET /logout), where HEAD is not allowed.
  const headRefused = answer.method === 'HEAD' && answer.status === 405;
  const method = answer.method === 'HEAD' && !headRefused ? 'get' : answer.method.toLowerCase();
  const operation = document.paths[template]![method];
  if (!operation) return fallback('MethodNotAllowed', 405, `${template} lists no ${answer.method}`);
  const declared = operation.responses[String(answer.status)];
  if (!declared) {
    const statuses = Object.keys(operation.responses).join(', ');
    return `the document declares no ${answer.status} for ${answer.method} ${template} (it declares ${statuses})`;
  }
  const { value, at } = resolve(declared, ['paths', template, method, 'responses', String(answer.status)]);
  return { response: value, at };
}

function headerProblems(answer: ReceivedAnswer, response: ResponseObject, at: string[]): string[] {
  const problems: string[] = [];
  for (const [name, declared] of Object.entries(response.headers ?? {})) {
    const { value: header, at: headerAt } = resolve(declared, [...at, 'headers', name]);
    const received = answer.headers.get(name);
    if (received === null) {
      if (header.required) problems.push(`the required header ${name} is missing`);
      continue;
    }
    if (!header.schema) continue;
    const numeric = header.schema.type === 'integer' || header.schema.type === 'number';
    const value = numeric && /^-?\d+(\.\d+)?$/.test(received) ? Number(received) : received;
    const validate = validatorAt([...headerAt, 'schema']);
    if (!validate(value))
      problems.push(
        `the header ${name}: ${JSON.stringify(received)} ${ajv.errorsText(validate.errors, { dataVar: 'value' })}`,
      );
  }
  return problems;
}

function bodyProblems(answer: ReceivedAnswer, response: ResponseObject, at: string[]): string[] {
  if (!response.content) {
    return answer.text === '' ? [] : ['the document declares no body, but the answer has one'];
  }
  const mediaType = (answer.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const declared = response.content[mediaType];
  if (!declared) {
    const types = Object.keys(response.content).join(', ');
    return [`the content type ${JSON.stringify(mediaType)} is not declared (the document declares ${types})`];
  }
  if (!declared.schema) return [];
  let body: unknown = answer.text;
  if (mediaType === 'application/json') {
    try {
      body = JSON.parse(answer.text);
    } catch {
      return ['the body is not valid JSON'];
    }
  }
  const validate = validatorAt([...at, 'content', mediaType, 'schema']);
  if (validate(body)) return [];
  return (validate.errors ?? []).map(
    (error) => `the body${error.instancePath} ${error.message} (${JSON.stringify(error.params)})`,
  );
}

/** What in this answer the document does not describe; none when it conforms. */
export function contractProblems(answer: ReceivedAnswer): string[] {
  const declared = declaredResponse(answer);
  if (typeof declared === 'string') return [declared];
  return [
    ...headerProblems(answer, declared.response, declared.at),
    ...(answer.method === 'HEAD'
      ? answer.text === ''
        ? []
        : ['an answer to HEAD has a body']
      : bodyProblems(answer, declared.response, declared.at)),
  ];
}

/** Throws, naming every problem, when the answer does not conform to the document. */
export function assertConformsToDocument(answer: ReceivedAnswer): void {
  const problems = contractProblems(answer);
  if (problems.length === 0) return;
  const body = answer.text.length > 500 ? `${answer.text.slice(0, 500)}…` : answer.text;
  throw new Error(
    `${answer.method} ${answer.path} answered ${answer.status}, which the OpenAPI document does not describe:\n` +
      problems.map((problem) => `  - ${problem}`).join('\n') +
      `\n  body: ${body}`,
  );
}

/**
 * `fetch` to the API, with the answer checked against the document, for tests that need a bare Response.
 * Redirects are answers too: they are returned, not followed.
 */
export async function contractFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  const text = await response.clone().text();
  const { pathname, search } = new URL(url);
  assertConformsToDocument({
    method: init.method ?? 'GET',
    path: `${pathname}${search}`,
    status: response.status,
    headers: response.headers,
    text,
  });
  return response;
}

/** The headers of a `node:http` answer, as `fetch` gives them. */
export function headersOf(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value])
      headers.append(name, one);
  }
  return headers;
}
