import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NotFound, RateLimited } from '../../../shared/errors.ts';
import { setGateForTests } from '../../../shared/gate.ts';
import { route, type HttpResponse } from '../../../shared/http/handler.ts';
import type { Admission } from '../../../shared/http/admission.ts';
import { rateKeyForIp, type RateLimiter } from '../../../shared/http/rate-limit.ts';
import { call, expectError, stubFunctionEnvironment } from '../support/http.ts';
import { useInMemoryServices } from '../support/services.ts';

/**
 * A public route whose work only reads (a GET route, unless its declaration in the wiring says otherwise) has the
 * client's rate limit charged while the work runs (one round trip less), yet a refused client still gets 429. The
 * limiter allows one request per client here, at a fixed time.
 */

const services = useInMemoryServices({ rateLimit: { perSecond: 1, burst: 1 } });
beforeAll(() => stubFunctionEnvironment());
afterAll(() => vi.unstubAllEnvs());

const GET = { method: 'GET', path: '/v1/users/bob/links', routeKey: 'GET /v1/users/{username}/links' };
const listing = (): HttpResponse => ({ status: 200, body: { links: [], next_token: null } });

/** A limiter whose charge settles only when the test says so. */
function aPendingLimiter() {
  let settle!: (refusal?: Error) => void;
  const charged = new Promise<void>((resolve, reject) => {
    settle = (refusal) => (refusal ? reject(refusal) : resolve());
  });
  const enforce = vi.fn(() => charged);
  setGateForTests({
    admission: { admit: vi.fn() } as unknown as Admission,
    rateLimiter: { enforce } as unknown as RateLimiter,
  });
  return { enforce, settle };
}

describe('the gate on public routes whose work only reads', () => {
  it('given a read-only route, when GET is called, then the work starts before the charge has settled, and the answer waits for it', async () => {
    const limiter = aPendingLimiter();
    const work = vi.fn(async () => listing());
    const handler = route('listPublicLinks', work);

    const answering = call(handler, GET);
    await vi.waitFor(() => expect(work).toHaveBeenCalledOnce());
    let answered = false;
    void answering.then(() => (answered = true));
    await new Promise((resolve) => setImmediate(resolve));

    expect(limiter.enforce).toHaveBeenCalledWith(rateKeyForIp('127.0.0.1'));
    expect(answered).toBe(false);
    limiter.settle();
    expect((await answering).status).toBe(200);
  });

  it('given a client over its limit, when a read-only route is called, then 429 with Retry-After, though the work ran', async () => {
    const work = vi.fn(async () => listing());
    const handler = route('listPublicLinks', work);
    expect((await call(handler, GET)).status).toBe(200);

    const refused = await call(handler, GET);

    expectError(refused, 429, 'rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(work).toHaveBeenCalledTimes(2);
  });

  it('given a refused client whose work also failed, then 429; given one within its limit, then the work’s own error', async () => {
    const work = vi.fn(async (): Promise<HttpResponse> => {
      throw new NotFound('No such user.');
    });
    const handler = route('listPublicLinks', work);

    expectError(await call(handler, GET), 404, 'not_found');
    expectError(await call(handler, GET), 429, 'rate_limited');
  });

  it('given a limiter that refuses after the work has answered, then 429 all the same', async () => {
    const limiter = aPendingLimiter();
    const handler = route('listPublicLinks', async () => listing());

    const answering = call(handler, GET);
    await new Promise((resolve) => setImmediate(resolve));
    limiter.settle(new RateLimited('Too many requests.', 3));

    const answer = await answering;
    expectError(answer, 429, 'rate_limited');
    expect(answer.headers['retry-after']).toBe('3');
  });

  it('given a GET route declared not read-only, when its client is over the limit, then the work never runs', async () => {
    const work = vi.fn(async () => listing());
    const handler = route('newsFeed', work);
    const newsFeed = { method: 'GET', path: '/feeds/news/t.atom', routeKey: 'GET /feeds/news/{feed_file}' };
    await call(handler, newsFeed);

    expectError(await call(handler, newsFeed), 429, 'rate_limited');
    expect(work).toHaveBeenCalledOnce();
  });

  it('given a read-only route called with a method that is not safe, when over the limit, then the work never runs', async () => {
    const work = vi.fn(async () => listing());
    const handler = route('listPublicLinks', work);
    await call(handler, { ...GET, method: 'POST' });

    expectError(await call(handler, { ...GET, method: 'POST' }), 429, 'rate_limited');
    expect(work).toHaveBeenCalledOnce();
  });

  it('given the same client at a later second, when it calls again, then it is allowed again', async () => {
    const handler = route('listPublicLinks', async () => listing());
    await call(handler, GET);

    services.now += 1000;

    expect((await call(handler, GET)).status).toBe(200);
  });
});
