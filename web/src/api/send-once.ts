/** Attempts of one POST before its failure is shown. */
const POST_ATTEMPTS = 3;

/**
 * Sends a request; a POST to the API goes with an `Idempotency-Key` and is sent again, with the same key, when its
 * answer is lost (the connection failed) or when it found its own earlier attempt still in progress (409
 * `idempotency_key_in_progress`). The service answers such a retry with the first attempt's answer, so a flaky
 * connection never adds a link twice, nor shows "you already have this link" for the link it just added.
 */
export async function sendOnce(request: Request, wait = sleep): Promise<Response> {
  if (request.method !== 'POST' || !new URL(request.url).pathname.startsWith('/v1/')) return fetch(request);
  if (!request.headers.has('idempotency-key')) request.headers.set('idempotency-key', crypto.randomUUID());
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(request.clone());
    } catch (error) {
      if (attempt >= POST_ATTEMPTS || (error as Error).name === 'AbortError') throw error;
      await wait(attempt * 500);
      continue;
    }
    if (attempt >= POST_ATTEMPTS || !(await stillInProgress(response))) return response;
    await wait(1000 * (Number(response.headers.get('retry-after')) || 1));
  }
}

async function stillInProgress(response: Response): Promise<boolean> {
  if (response.status !== 409) return false;
  const body = (await response
    .clone()
    .json()
    .catch(() => undefined)) as { error?: { code?: unknown } } | undefined;
  return body?.error?.code === 'idempotency_key_in_progress';
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
