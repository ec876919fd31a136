import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Runtime } from '../local/runtime.ts';
import { documentClient } from '../shared/aws/dynamodb.ts';
import type { Link } from '../shared/links/model.ts';
import { linkToItem } from '../shared/links/table.ts';

/**
 * An import of `count` bookmarks on the local runtime, from the upload (a PUT to the presigned URL) to `done`
 * (polled every 250 ms), against a raw BatchWriteItem of the same links' items, 25 a call one after the other, on
 * the same DynamoDB Local in the same run (target: at most 3x). Then the worker's peak memory on a 10 MiB file,
 * in a process of its own (bench/import-file.ts; target: under 256 MB).
 */
export async function benchImport(runtime: Runtime, count: number): Promise<void> {
  console.log(`\nImport of ${count} bookmarks on the local runtime`);
  const bookmarks = Array.from({ length: count }, (_, i) => ({
    url: `https://example.com/articles/${i}/a-bookmarked-page`,
    title: `Bookmark ${i}`,
    addDate: 1_700_000_000 + i,
  }));
  const file = [
    '<!DOCTYPE NETSCAPE-Bookmark-file-1>',
    '<DL><p>',
    ...bookmarks.map(
      (b) => `<DT><A HREF="${b.url}" ADD_DATE="${b.addDate}" PRIVATE="1" TAGS="bench,import">${b.title}</A>`,
    ),
    '</DL>',
  ].join('\n');

  const login = await fetch(`${runtime.url}/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench-import' }),
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const authorized = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const startedImport = await fetch(`${runtime.url}/v1/imports`, {
    method: 'POST',
    headers: authorized,
    body: '{}',
  });
  const { import_id: id, upload_url: uploadUrl } = (await startedImport.json()) as {
    import_id: string;
    upload_url: string;
  };
  const importStart = performance.now();
  await fetch(uploadUrl, { method: 'PUT', body: file });
  let record: { status: string; imported: number } = { status: 'pending', imported: 0 };
  while (record.status !== 'done' && record.status !== 'failed') {
    await new Promise((done) => setTimeout(done, 250));
    record = (await (
      await fetch(`${runtime.url}/v1/imports/${id}`, { headers: authorized })
    ).json()) as typeof record;
  }
  const importMs = performance.now() - importStart;

  const at = new Date().toISOString();
  const items = bookmarks.map((b) =>
    linkToItem({
      username: 'bench-raw',
      url: b.url,
      title: b.title,
      description: '',
      tags: ['bench', 'import'],
      private: true,
      status: 'pending',
      http_status: null,
      checked_at: null,
      created_at: new Date(b.addDate * 1000).toISOString(),
      updated_at: at,
      version: 1,
    } satisfies Link),
  );
  const db = documentClient();
  const rawStart = performance.now();
  for (let start = 0; start < items.length; start += 25) {
    let requests = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length > 0) {
      const answer = await db.send(
        new BatchWriteCommand({ RequestItems: { [runtime.tableNames.links]: requests } }),
      );
      requests = (answer.UnprocessedItems?.[runtime.tableNames.links] ?? []) as typeof requests;
    }
  }
  const rawMs = performance.now() - rawStart;

  console.log(
    `  import (upload to done): ${Math.round(importMs)} ms, ${record.status}, ${record.imported} imported\n` +
      `  raw BatchWriteItem of the same ${count} items: ${Math.round(rawMs)} ms\n` +
      `  ratio: ${(importMs / rawMs).toFixed(2)}x (target at most 3x)`,
  );

  const script = fileURLToPath(new URL('./import-file.ts', import.meta.url));
  const output = execFileSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8' });
  const memory = JSON.parse(output.trim().split('\n').at(-1)!) as {
    imported: number;
    ms: number;
    rssBeforeMb: number;
    peakMb: number;
  };
  console.log(
    `  worker on a 10 MiB file: ${memory.imported} links in ${Math.round(memory.ms)} ms; memory ` +
      `${Math.round(memory.rssBeforeMb)} MB before, ${Math.round(memory.peakMb)} MB at the peak (target under 256 MB)`,
  );
}
