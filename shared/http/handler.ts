import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { config } from '../config.ts';
import { Forbidden, InsufficientScope, NotFound, Unauthorized } from '../errors.ts';
import { correlationIdOfRequest, withCorrelationId } from '../correlation.ts';
import { logger } from '../logger.ts';
import { emit, emitBy, publishMetrics } from '../metrics.ts';
import { inHandlerSegment } from '../tracing.ts';
import { gate } from '../gate.ts';
import { createHash } from 'node:crypto';
import { presentedCredential, requireOwnOrigin } from './browser-session.ts';
import { toHttpError } from './errors.ts';
import { CredentialsChanged, type ChargeInTransaction, type Recalled } from './admission.ts';
import type { Identity } from './gate.ts';
import { AnswerFound, answerInTransaction, answerOnce, idempotencyKeyOf, isKept } from './idempotency-key.ts';
import { RequestGuard } from './transaction-guard.ts';
import type { TransactionGuard } from '../transaction-guard.ts';
import { NOSNIFF, pageSecurityHeaders } from './page-security.ts';
import { rateKeyForIp } from './rate-limit.ts';
import { parseRequest, type HttpRequest } from './request.ts';
import {
  contextOf,
  httpAccessOf,
  readsOnly,
  changesState,
  scopeAllows,
  type AuthenticatedFunctionName,
  type HttpFunctionName,
  type PublicFunctionName,
  type Scope,
} from '../wiring.ts';

export interface HttpResponse {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as a page instead of JSON; with no Content-Security-Policy of its own, it gets the strictest one. */
  html?: string;
  /** Sent as it is, a file to download: `headers` give its `content-type`. */
  file?: string;
  headers?: Record<string, string>;
  cookies?: string[];
  /**
   * A representation that caches may keep (`visibility` public: shared caches too; private: the client's own
   * only) but must revalidate on every use (`no-cache`): a link made private or deleted is in no copy served
   * after the change. The answer gets a strong ETag (a hash of its body) and `Cache-Control`, and a request
   * whose `If-None-Match` names that ETag gets 304 with no body, so a copy still current costs no body.
   */
  cacheable?: { visibility: 'public' | 'private' };
}

interface Caller {
  username: string;
  token: string;
  /** What the presented credential may do: `session` for a login, else the personal token's scope. */
  scope: Scope;
  /** The presented credential's public id. */
  tokenId: string;
  /**
   * On a route declared `oneTransaction`: what the gate adds to the work's one transaction (the caller's charge,
   * the record of an Idempotency-Key's answer), given the answer that committing `subject` gives; the work hands it
   * to the store that writes the transaction. Undefined when there is nothing to add, and on other routes.
   */
  inTransaction<Subject>(answerOf: (subject: Subject) => HttpResponse): TransactionGuard<Subject> | undefined;
}

export type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** A public function's work: anyone may call it. */
type PublicRun = (request: HttpRequest) => Promise<HttpResponse>;
/** An authenticated function's work: it learns who is calling. */
type AuthenticatedRun = (request: HttpRequest, caller: Caller) => Promise<HttpResponse>;

/**
 * What a function does with a request, typed by what its routes declare in the wiring: with the caller when
 * they need a token, without one when they are public; `never` (nothing compiles) when they disagree.
 */
type RouteRun<Name extends HttpFunctionName> = Name extends AuthenticatedFunctionName
  ? Name extends PublicFunctionName
    ? never
    : AuthenticatedRun
  : PublicRun;

export interface RouteOptions {
  /**
   * The function's effects are one transaction, which its store writes with `caller.inTransaction(...)`'s guard,
   * and nothing it does before that transaction has an effect. The caller's charge (for a credential this
   * instance has verified) and an Idempotency-Key's answer then commit in that same transaction, which saves the
   * request a round trip (two with a key); when the work answers without it, the gate charges and keeps the
   * answer before the answer leaves.
   */
  oneTransaction?: boolean;
}

/**
 * The handler of an HTTP function: the gate does what the function's routes declare in the wiring
 * (shared/wiring.ts `routes`, their `access` and `readOnly`), then `run` answers. A route that needs a token is
 * rate-limited per user once the token is valid (all the user's tokens share one budget), and per client IP
 * before; a public one per client IP. On a read-only route the charge (the client IP's on a public route; on one
 * that needs a token, the user's, for a credential this instance has verified) is made while the work runs rather
 * than before it, which saves the request one round trip; a refused request still answers 401 or 429, and the
 * work's answer is dropped. A credential new to the instance is still looked up first: an unknown token never
 * starts any work. A token whose scope is narrower than the route's gets 403 `insufficient_scope`: this is the
 * only place where scopes are enforced. A `localOnly` function answers 404 outside the local runtime, before
 * anything is counted or written. A POST with an `Idempotency-Key` is answered once per key, caller and function
 * (shared/http/idempotency-key.ts), once the caller is known and counted: retries get the first answer again.
 */
export function route<Name extends HttpFunctionName>(
  name: Name,
  run: RouteRun<Name>,
  options: RouteOptions = {},
): HttpHandler {
  const { access, localOnly } = httpAccessOf(name);
  const routeGroup = contextOf(name);
  return (event, context) =>
    serve(event, context, routeGroup, async (request) => {
      if (localOnly && !config().LOCAL_RUNTIME) throw new NotFound('No such route.');
      const unsafe = changesState(request.routeKey, request.method);
      const readOnly = !unsafe && readsOnly(request.routeKey, request.query);
      if (access === 'public') {
        const charge = gate().rateLimiter.enforce(rateKeyForIp(request.sourceIp));
        if (readOnly) return chargedBeside(charge, (run as PublicRun)(request));
        await charge;
        return answerOnce(name, request, `ip:${request.sourceIp}`, context, () =>
          (run as PublicRun)(request),
        );
      }
      const credential = presentedCredential(request);
      // A change signed in by the session cookie must come from the service's own pages
      // (shared/http/browser-session.ts): refused before the token is even looked up.
      if (credential.via === 'cookie' && unsafe) {
        await refusedByIp(
          request,
          Promise.resolve().then(() => requireOwnOrigin(request)),
        );
      }
      const recalled = recalledCaller(credential.token, access);
      if (recalled && readOnly) {
        return chargedBeside(
          refusedByIp(request, gate().admission.charge(recalled)),
          run(request, callerOf(recalled.identity, recalled.token)),
          // The charge looked the credential up again (another credential of the user ended): the work runs again
          // as what the lookup found, so that no answer rests on a credential that was not confirmed.
          (identity) =>
            identity === recalled.identity
              ? undefined
              : run(request, allowedCaller(identity, recalled.token, access)),
        );
      }
      if (recalled && options.oneTransaction) {
        const charge = gate().admission.chargeInTransaction(recalled);
        if (charge) {
          return inOneTransaction(name, request, run, callerOf(recalled.identity, recalled.token), {
            recalled,
            charge,
          });
        }
      }
      const caller = await authenticate(request, access, credential.token);
      if (options.oneTransaction) return inOneTransaction(name, request, run, caller, undefined);
      return answerOnce(name, request, `user:${caller.username}`, context, () => run(request, caller));
    });
}

/** No transaction to join: routes that are not `oneTransaction`, and callers charged already. */
const NOTHING_TO_ADD = () => undefined;

function callerOf(identity: Identity, token: string): Caller {
  return {
    username: identity.username,
    token,
    scope: identity.scope,
    tokenId: identity.tokenId,
    inTransaction: NOTHING_TO_ADD,
  };
}

/**
 * A credential this instance has verified, whose scope allows the route: known without a call, to be charged
 * still. Undefined otherwise (the gate then looks it up and charges it before the work).
 */
function recalledCaller(token: string | undefined, needed: Scope): Recalled | undefined {
  const recalled = gate().admission.recall(token);
  if (!recalled || !scopeAllows(recalled.identity.scope, needed)) return undefined;
  logger.appendKeys({ username: recalled.identity.username });
  return recalled;
}

/**
 * The answer of a `oneTransaction` route: the work runs with a guard that puts the caller's charge (when still to
 * be made) and the record of an Idempotency-Key's answer in its transaction. Then, before anything leaves:
 * - a changed credentials mark (some credential of the user ended): the credential is looked up again, and if it
 *   stands, the work runs once more, charged first (its transaction was cancelled, so nothing happened);
 * - the charge's refusal (429) is the answer, whatever the work found;
 * - a charge that did not commit with the work (it answered early, or its own conditions cancelled the
 *   transaction) is made now, and its refusal (401, 429) is the answer: a revoked token learns nothing;
 * - a record met in the transaction is the first answer to the key: replayed; an answer decided without the
 *   transaction is kept now, unless a record was there first.
 */
async function inOneTransaction(
  name: HttpFunctionName,
  request: HttpRequest,
  run: AuthenticatedRun,
  caller: Caller,
  pending: { recalled: Recalled; charge: ChargeInTransaction } | undefined,
): Promise<HttpResponse> {
  const key = idempotencyKeyOf(request);
  const record = key ? await answerInTransaction(name, request, `user:${caller.username}`, key) : undefined;
  let guard: RequestGuard<unknown> | undefined;
  const guarded: Caller = {
    ...caller,
    inTransaction: <Subject>(answerOf: (subject: Subject) => HttpResponse) => {
      if (!pending && !record) return undefined;
      const made = new RequestGuard<Subject>(pending?.charge, record, answerOf);
      guard = made as RequestGuard<unknown>;
      return made;
    },
  };
  let outcome: { answer: HttpResponse } | { error: unknown };
  try {
    outcome = { answer: await run(request, guarded) };
  } catch (error) {
    outcome = { error };
  }
  const { admission } = gate();
  if (pending) {
    const failure = 'error' in outcome ? outcome.error : undefined;
    if (failure instanceof CredentialsChanged) {
      const identity = await refusedByIp(request, admission.lookUpAgain(pending.recalled));
      return inOneTransaction(
        name,
        request,
        run,
        { ...caller, ...callerOf(identity, caller.token) },
        undefined,
      );
    }
    if (guard?.refused) throw failure;
    if (!guard?.charged) await refusedByIp(request, admission.charge(pending.recalled));
  }
  if (record) {
    if ('error' in outcome && outcome.error instanceof AnswerFound) return record.firstAnswer(outcome.error);
    const answer = 'answer' in outcome ? outcome.answer : keptFailure(outcome.error);
    if (answer) return record.keep(answer);
  }
  if ('error' in outcome) throw outcome.error;
  return outcome.answer;
}

/** A failure as the client gets it, when it is the request's own and so kept for retries. */
function keptFailure(error: unknown): HttpResponse | undefined {
  const failure = toHttpError(error);
  if (!isKept(failure.status)) return undefined;
  return { status: failure.status, headers: failure.headers, body: failure.body };
}

/** `admitting`'s outcome; when it is Unauthorized or Forbidden, the client IP is charged first. */
async function refusedByIp<T>(request: HttpRequest, admitting: Promise<T>): Promise<T> {
  try {
    return await admitting;
  } catch (error) {
    // Not logged in: counted per client IP, as requests before login are, so guessing tokens is slow too.
    if (error instanceof Unauthorized || error instanceof Forbidden) {
      await gate().rateLimiter.enforce(rateKeyForIp(request.sourceIp));
    }
    throw error;
  }
}

/**
 * The work's answer once the rate limit's charge, made at the same time, has settled too: the charge's refusal
 * (or failure) first, so that a refused client gets 401 or 429 whatever the work found; then the work run anew,
 * when `again` asks for it given what the charge found; else the work's own outcome.
 */
async function chargedBeside<Charged>(
  charge: Promise<Charged>,
  work: Promise<HttpResponse>,
  again: (charged: Charged) => Promise<HttpResponse> | undefined = () => undefined,
): Promise<HttpResponse> {
  const [charged, answered] = await Promise.allSettled([charge, work]);
  if (charged.status === 'rejected') throw charged.reason;
  const anew = again(charged.value);
  if (anew) return anew;
  if (answered.status === 'rejected') throw answered.reason;
  return answered.value;
}

/**
 * The caller behind `token` (the request's header's, else its session cookie's), counted against the rate limit,
 * allowed by its scope: Unauthorized without a valid token, InsufficientScope with one that may not call a route
 * needing `needed`.
 */
async function authenticate(request: HttpRequest, needed: Scope, token: string | undefined): Promise<Caller> {
  // Valid, live and within its user's budget (all the user's tokens share one), in one round trip once this
  // instance knows the credential (shared/http/admission.ts); unknown tokens never create rate items.
  const identity = await refusedByIp(request, gate().admission.admit(token));
  return allowedCaller(identity, token!, needed);
}

/** The caller, when its credential's scope allows a route that needs `needed`; else InsufficientScope. */
function allowedCaller(identity: Identity, token: string, needed: Scope): Caller {
  logger.appendKeys({ username: identity.username });
  if (!scopeAllows(identity.scope, needed)) {
    const what = needed === 'session' ? 'a login session' : `a token of scope ${needed} or wider`;
    throw new InsufficientScope(
      `This token's scope (${identity.scope}) does not allow this; it needs ${what}.`,
      { scope: identity.scope, needed },
    );
  }
  return callerOf(identity, token);
}

/**
 * For a public route whose credential travels elsewhere than in the headers (a feed reader's URL holds it): the
 * caller behind `token`, checked as the gate checks a presented one (validity, rate limit), and of scope `needed`
 * exactly. A URL is kept where a header is not (access logs, a reader's subscriptions and the services that sync
 * them), so a wider token there is refused rather than exposed.
 */
export async function authenticateToken(request: HttpRequest, token: string, needed: Scope): Promise<Caller> {
  // Like a header, a token in a URL is never added by a browser on its own: no cookie rules apply.
  const caller = await authenticate(request, needed, token);
  if (caller.scope !== needed) {
    throw new InsufficientScope(
      `A URL takes a token of scope ${needed} only, which can do nothing more than this; this one's scope is ${caller.scope}. Create one with POST /v1/tokens {"scope": "${needed}"}.`,
      { scope: caller.scope, needed },
    );
  }
  return caller;
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

async function serve(
  event: APIGatewayProxyEventV2,
  context: Context,
  routeGroup: string,
  run: (request: HttpRequest) => Promise<HttpResponse>,
): Promise<APIGatewayProxyStructuredResultV2> {
  const started = performance.now();
  const requestId = event.requestContext.requestId;
  // Answered as x-request-id, and carried to whatever the request sets going (shared/correlation.ts).
  const correlationId = correlationIdOfRequest(event.headers, requestId);
  logger.addContext(context);
  logger.removeKeys(['username']);
  logger.appendKeys({ request_id: requestId });
  return withCorrelationId(correlationId, () =>
    inHandlerSegment(context.functionName, async () => {
      let response: HttpResponse;
      try {
        response = await run(parseRequest(event));
      } catch (error) {
        const answer = toHttpError(error);
        if (answer.status >= 500) logger.error('request failed', { error: error as Error });
        response = { status: answer.status, body: answer.body, headers: answer.headers };
      }
      logger.info('request', {
        method: event.requestContext.http.method,
        route: event.routeKey,
        status: response.status,
        duration_ms: Math.round(performance.now() - started),
      });
      emitRequestMetrics(routeGroup, response.status, performance.now() - started);
      const result = conditional(toResult(response, correlationId), response, event.headers);
      // A HEAD is answered as its GET, headers (ETag, Cache-Control) and all, without the body.
      if (event.requestContext.http.method === 'HEAD') {
        const { body: _body, ...withoutBody } = result;
        return withoutBody;
      }
      return result;
    }),
  );
}

/**
 * The gate's own metrics: the request's latency and whether it failed (5xx) by route group (the function's
 * context), for the service-level alarms, and refusals; then everything the request emitted, as one EMF line.
 */
function emitRequestMetrics(routeGroup: string, status: number, durationMs: number): void {
  emitBy(routeGroup, { requestLatency: Math.round(durationMs), serverErrors: status >= 500 ? 1 : 0 });
  if (status === 401) emit('authenticationFailures');
  if (status === 429) emit('requestsRateLimited');
  publishMetrics();
}

/**
 * The one place where answers become cacheable: a strong ETag over the body (the same bytes give the same tag,
 * whoever asks), `Cache-Control`, and 304 without a body when `If-None-Match` names the tag (or is `*`).
 */
function conditional(
  result: APIGatewayProxyStructuredResultV2,
  response: HttpResponse,
  requestHeaders: Record<string, string | undefined> | undefined,
): APIGatewayProxyStructuredResultV2 {
  if (!response.cacheable || result.statusCode !== 200) return result;
  const { visibility } = response.cacheable;
  const etag = `"${createHash('sha256')
    .update(result.body ?? '')
    .digest('base64url')}"`;
  const headers: Record<string, string | number | boolean> = {
    ...result.headers,
    etag,
    'cache-control': `${visibility}, no-cache`,
  };
  const ifNoneMatch = Object.entries(requestHeaders ?? {}).find(
    ([name]) => name.toLowerCase() === 'if-none-match',
  )?.[1];
  if (ifNoneMatch !== undefined && matchesEtag(ifNoneMatch, etag)) {
    // No body, so no content type: the client keeps the one it cached.
    const { body: _body, ...rest } = result;
    const { 'content-type': _type, ...notModifiedHeaders } = headers;
    return { ...rest, statusCode: 304, headers: notModifiedHeaders };
  }
  return { ...result, headers };
}

/** Whether an `If-None-Match` list names `etag` (weak comparison, as RFC 9110 asks for If-None-Match). */
function matchesEtag(ifNoneMatch: string, etag: string): boolean {
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}

function toResult(response: HttpResponse, correlationId: string): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string> = { 'x-request-id': correlationId, ...response.headers, ...NOSNIFF };
  let body: string | undefined;
  if (response.file !== undefined) {
    headers['content-type'] ??= 'application/octet-stream';
    body = response.file;
  } else if (response.html !== undefined) {
    headers['content-type'] ??= 'text/html; charset=utf-8';
    if (!headers['content-security-policy']) Object.assign(headers, pageSecurityHeaders());
    body = response.html;
  } else if (response.body !== undefined) {
    headers['content-type'] ??= JSON_CONTENT_TYPE;
    body = JSON.stringify(response.body);
  }
  return {
    statusCode: response.status,
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(response.cookies ? { cookies: response.cookies } : {}),
  };
}
