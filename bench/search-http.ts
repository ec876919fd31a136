import type { Runtime } from '../local/runtime.ts';
import { percentile, printComparison, time } from './stats.ts';

const WARMUP = 20;
const PAGE = 10;

/**
 * Search over HTTP on the local runtime, through the whole pipeline: a user adds LINKS links through the API
 * (each reaching her index through the links stream, the dispatcher, the FIFO searchUpdates queue and the
 * updater); then the time from an add to its being found (polled every 20 ms), and a warm search page against a
 * plain listing page, interleaved so that both see the same machine noise. The index here holds no page texts:
 * the cost of large indexes is the search core's benchmark (ONLY=search).
 */
export async function benchSearchHttp(runtime: Runtime, links: number, iterations: number): Promise<void> {
  const username = 'searcher';
  const login = await fetch(`${runtime.url}/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  if (login.status !== 200) throw new Error(`dev login answered ${login.status}`);
  const { access_token: token } = (await login.json()) as { access_token: string };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const add = async (i: number, title: string) => {
    const response = await fetch(`${runtime.url}/v1/links`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ url: `https://example.com/search-bench/${i}`, title, tags: [`t${i % 20}`] }),
    });
    if (response.status !== 201) throw new Error(`POST /v1/links answered ${response.status}`);
  };
  const found = async (q: string): Promise<number> => {
    const response = await fetch(`${runtime.url}/v1/links?q=${encodeURIComponent(q)}&limit=${PAGE}`, {
      headers,
    });
    if (response.status !== 200) throw new Error(`GET /v1/links?q= answered ${response.status}`);
    return ((await response.json()) as { links: unknown[] }).links.length;
  };

  for (let i = 0; i < links; i++) await add(i, `bench page ${i} about topic${i % 50} marker${i}`);
  const settled = Date.now();
  // The user's changes apply one batch of ten at a time (FIFO by user): the backlog drains at the updater's pace.
  while ((await found(`marker${links - 1}`)) === 0) await sleep(100);
  console.log(
    `\nSearch over HTTP: ${links} links added through the API, one at a time; the last one searchable ` +
      `${((Date.now() - settled) / 1000).toFixed(1)} s after the adds ended`,
  );

  const addToFound: number[] = [];
  for (let i = 0; i < 20; i++) {
    const word = `fresh${i}word`;
    const started = performance.now();
    await add(links + i, `${word} just added`);
    while ((await found(word)) === 0) await sleep(20);
    addToFound.push(performance.now() - started);
  }
  console.log(
    `  from an add to its being found: p50 ${percentile(addToFound, 50).toFixed(0)} ms, ` +
      `p90 ${percentile(addToFound, 90).toFixed(0)} ms, max ${Math.max(...addToFound).toFixed(0)} ms ` +
      `(n=${addToFound.length}; each: ${addToFound.map((ms) => ms.toFixed(0)).join(' ')})`,
  );

  const fetchOk = async (path: string) => {
    const response = await fetch(`${runtime.url}${path}`, { headers });
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
    await response.arrayBuffer();
  };
  const search = { name: `GET /v1/links?q=bench topic7&limit=${PAGE}`, samples: [] as number[] };
  const listing = { name: `GET /v1/links?limit=${PAGE}`, samples: [] as number[] };
  for (let i = 0; i < WARMUP + iterations; i++) {
    const samples = [
      await time(() => fetchOk(`/v1/links?q=${encodeURIComponent('bench topic7')}&limit=${PAGE}`)),
      await time(() => fetchOk(`/v1/links?limit=${PAGE}`)),
    ];
    if (i < WARMUP) continue;
    search.samples.push(samples[0]!);
    listing.samples.push(samples[1]!);
  }
  printComparison('Warm search page against the plain listing', search, [listing]);
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
