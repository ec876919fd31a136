import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke, withDevToken } from '../../local/functions.ts';
import type { Runtime } from '../../local/runtime.ts';
import { functions, type FunctionName } from '../../shared/wiring.ts';
import { assertConformsToDocument, type ReceivedAnswer } from '../support/openapi-contract.ts';
import { startTestRuntime } from '../support/runtime.ts';

let runtime: Runtime;
beforeAll(async () => {
  runtime = await startTestRuntime();
  // The follow sample follows bob, who must exist.
  const { sessions } = await import('../../shared/users/service.ts');
  await sessions().devLogin('bob');
});
afterAll(() => runtime?.stop());

const sampleEvent = (name: FunctionName) =>
  JSON.parse(readFileSync(`events/${name}.json`, 'utf8')) as unknown;

/**
 * What each sample event should get, run in this order (the update and delete need the added link, the
 * unfollow the follow): an HTTP status, or, for stream and queue events, a batch with no failures.
 */
const NO_FAILURES = 'no batch item failures';
/** Scheduled functions return a report rather than a status or a batch response. */
const REPORTS = 'a report';
const expectedStatus: Record<FunctionName, number | typeof NO_FAILURES | typeof REPORTS> = {
  healthz: 200,
  openapi: 200,
  docs: 200,
  notFound: 404,
  devLogin: 200,
  // The test runtime has a (fake) GitHub app: /login redirects; the sample callback has no state cookie.
  login: 302,
  loginCallback: 400,
  me: 200,
  getUser: 200,
  listPublicLinks: 200,
  linkFeed: 200,
  profilePage: 200,
  addLink: 201,
  listLinks: 200,
  updateLink: 200,
  listTags: 200,
  exportLinks: 200,
  startImport: 202,
  listImports: 200,
  // An id that is none of the caller's imports.
  getImport: 404,
  // The upload of an import that does not exist: its object is deleted, and nothing else happens.
  runImport: NO_FAILURES,
  // The added link has no snapshot: none is taken while this runtime's link checks are off.
  getSnapshot: 404,
  deleteLink: 204,
  follow: 201,
  listFollowing: 200,
  listFollowers: 200,
  getNews: 200,
  // Feed readers send no headers: the sample's path holds no valid token.
  newsFeed: 401,
  unfollow: 204,
  fanOutLinkEvents: NO_FAILURES,
  continueFanOut: NO_FAILURES,
  writeFeeds: NO_FAILURES,
  applyFollowChanges: NO_FAILURES,
  // An added link (its check is not queued: checks are off in test runtimes) and a deleted one (no snapshots).
  enqueueLinkChecks: NO_FAILURES,
  // A check request for a link that does not exist: skipped, without a fetch.
  checkLink: NO_FAILURES,
  recheckStaleLinks: REPORTS,
  // An added link of alice's: her index is built from her links and saved.
  updateSearchIndex: NO_FAILURES,
  devRecheck: 200,
  createToken: 201,
  listTokens: 200,
  // An id that is none of the caller's tokens.
  deleteToken: 404,
  // dora signs up and deletes her account; the erasure's message then erases it.
  deleteAccount: 202,
  eraseAccount: NO_FAILURES,
  logout: 204,
};

/** An HTTP function's answer as a client would receive it, to check against the OpenAPI document. */
function answerOf(event: APIGatewayProxyEventV2, result: APIGatewayProxyStructuredResultV2): ReceivedAnswer {
  const headers = new Headers(result.headers as Record<string, string>);
  for (const cookie of result.cookies ?? []) headers.append('set-cookie', cookie);
  const body = result.body ?? '';
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    status: result.statusCode ?? 200,
    headers,
    text: result.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body,
  };
}

describe('the sample events in events/', () => {
  it('given the wiring, then every declared function has a sample event and an expected answer', () => {
    expect(Object.keys(expectedStatus).sort()).toEqual(Object.keys(functions).sort());
  });

  for (const [name, expected] of Object.entries(expectedStatus) as [FunctionName, number | string][]) {
    it(`when ${name} runs on its sample event, then it answers ${expected}`, async () => {
      const event = await withDevToken(sampleEvent(name));
      const result = (await invoke(name, event)) as APIGatewayProxyStructuredResultV2 & {
        batchItemFailures?: unknown[];
      };
      if (expected === NO_FAILURES) expect(result.batchItemFailures).toEqual([]);
      else if (expected === REPORTS)
        expect(result).toEqual(expect.objectContaining({ queued: expect.any(Number) }));
      else {
        expect(result.statusCode).toBe(expected);
        assertConformsToDocument(answerOf(event as APIGatewayProxyEventV2, result));
      }
    });
  }
});
