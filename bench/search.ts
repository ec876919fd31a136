import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { LinkSearchIndex } from '../shared/search/index.ts';
import { aLink } from '../test/support/builders.ts';

/**
 * The search core alone (shared/search/): one user's index of LINKS links with TEXT_BYTES of page text each,
 * generated from a vocabulary of VOCABULARY words drawn with Zipf's law (a word's frequency falls as 1/rank,
 * as in prose; word 1 is in every page, word 20,000 in a few). Prints the build time, the serialized size,
 * then, in a process of its own (bench/search-load.ts, a cold search function), the load time, the memory
 * after the load and the warm search p50 of each query shape.
 */
export const VOCABULARY = 50_000;
const TEXT_BYTES = 10 * 1024;
const SYLLABLES =
  'ba be bi bo bu da de di do du ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo vu za ze zi zo zu'.split(
    ' ',
  );

/** The word of a rank (1 is the most frequent): its syllables spell the rank, so each rank has its own word. */
export function wordOf(rank: number): string {
  let word = '';
  for (let rest = rank; rest > 0; rest = Math.floor(rest / SYLLABLES.length)) {
    word += SYLLABLES[rest % SYLLABLES.length];
  }
  return word;
}

/** The query shapes measured, from the cheapest to the costliest. */
export const QUERY_SHAPES: [name: string, q: string][] = [
  ['rare word (rank 20000)', wordOf(20_000)],
  ['mid word (rank 300)', wordOf(300)],
  ['two words (ranks 50, 500)', `${wordOf(50)} ${wordOf(500)}`],
  ['common word (rank 2, every page)', wordOf(2)],
  ['phrase of two words', `"${wordOf(3)} ${wordOf(4)}"`],
  ['prefix (last word, 3 letters)', `${wordOf(40)} ${wordOf(7_777).slice(0, 3)}`],
  ['OR (ranks 300, 3000)', `${wordOf(300)} OR ${wordOf(3_000)}`],
  ['word -word', `${wordOf(100)} -${wordOf(60)}`],
  ['filter only (tag:)', 'tag:t7'],
  ['word + site: + after:', `${wordOf(200)} site:site3.example after:2026-01-05`],
  ['empty query (all, newest first)', ''],
];

/** A deterministic generator (mulberry32): the same corpus on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function words(next: () => number, count: number): string {
  const out: string[] = [];
  // Inverse of the CDF of Zipf's law with exponent 1: P(rank <= r) = ln r / ln V.
  for (let i = 0; i < count; i++) out.push(wordOf(Math.floor(VOCABULARY ** next()) || 1));
  return out.join(' ');
}

function pageText(next: () => number): string {
  const parts: string[] = [];
  let length = 0;
  while (length < TEXT_BYTES) {
    const sentence = `${words(next, 12)}. `;
    parts.push(sentence);
    length += sentence.length;
  }
  return parts.join('').slice(0, TEXT_BYTES);
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

export async function benchSearch(links: number): Promise<void> {
  console.log(
    `\nSearch core: one user, ${links} links with ${TEXT_BYTES / 1024} KB of page text each ` +
      `(vocabulary ${VOCABULARY} words, Zipf)`,
  );
  const next = random(15);
  const index = LinkSearchIndex.empty();
  const started = performance.now();
  const startedCpu = process.cpuUsage();
  for (let i = 0; i < links; i++) {
    const link = aLink({
      url: `https://site${i % 200}.example/${words(next, 3).replaceAll(' ', '/')}/${i}`,
      title: words(next, 6),
      description: words(next, 25),
      tags: [`t${i % 50}`, `t${(i * 7) % 50}`],
      private: i % 5 === 0,
      status: i % 3 === 0 ? 'valid' : 'pending',
      created_at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    });
    index.upsert(link, pageText(next));
  }
  // What the updater does with a batch: replace a few links (the index then holds their old terms), then write.
  for (let i = 0; i < 10; i++) {
    index.upsert(aLink({ url: `https://replaced.example/${i}`, title: words(next, 6) }), pageText(next));
    index.upsert(aLink({ url: `https://replaced.example/${i}`, title: words(next, 6) }), pageText(next));
  }
  const buildMs = performance.now() - started;
  const buildCpuMs = cpuMsSince(startedCpu);
  console.log(
    `  build (text generation included) ${(buildMs / 1000).toFixed(1)} s wall, ${(buildCpuMs / 1000).toFixed(1)} s CPU ` +
      `(${(buildCpuMs / links).toFixed(2)} ms CPU per link)`,
  );
  const serializeStarted = performance.now();
  const serializeCpu = process.cpuUsage();
  const bytes = index.toBytes();
  // Wall time and CPU time both: on a shared machine the wall time also counts the waits for a core.
  console.log(
    `  toBytes (the stored form, what S3 holds) ${(performance.now() - serializeStarted).toFixed(0)} ms wall, ` +
      `${cpuMsSince(serializeCpu).toFixed(0)} ms CPU; ${(bytes.length / 2 ** 20).toFixed(1)} MB`,
  );
  // MiniSearch's own JSON, gzip-compressed: the stored form of INDEX_FORMAT 2, for comparison.
  const jsonStarted = process.cpuUsage();
  const json = index.toMiniSearchJSON();
  const gzipped = gzipSync(json);
  console.log(
    `  for comparison, MiniSearch's JSON: ${(Buffer.byteLength(json) / 2 ** 20).toFixed(0)} MB, gzip ` +
      `${(gzipped.length / 2 ** 20).toFixed(0)} MB, ${(cpuMsSince(jsonStarted) / 1000).toFixed(1)} s CPU to write`,
  );
  // What the updater does next time: load, apply a batch of ten new links, write.
  const updateStarted = performance.now();
  const updateCpu = process.cpuUsage();
  const loaded = LinkSearchIndex.fromBytes(bytes);
  for (let i = 0; i < 10; i++)
    loaded.upsert(aLink({ url: `https://new.example/${i}`, title: words(next, 6) }), pageText(next));
  loaded.remove(`https://replaced.example/0`);
  const written = loaded.toBytes().length;
  console.log(
    `  an update (load, 10 new links with text, 1 removed, write ${(written / 2 ** 20).toFixed(1)} MB): ` +
      `${(performance.now() - updateStarted).toFixed(0)} ms wall, ${cpuMsSince(updateCpu).toFixed(0)} ms CPU`,
  );

  const directory = mkdtempSync(join(tmpdir(), 'bench-search-'));
  try {
    const file = join(directory, 'index.idx');
    writeFileSync(file, bytes);
    const jsonFile = join(directory, 'index.json');
    writeFileSync(jsonFile, json);
    const script = fileURLToPath(new URL('./search-load.ts', import.meta.url));
    // Each form loaded in a process of its own, as a cold search function would: their memory apart.
    for (const args of [[jsonFile, '--json'], [file]]) {
      const output = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, ...args], {
        encoding: 'utf8',
        maxBuffer: 2 ** 20,
      });
      process.stdout.write(output);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
