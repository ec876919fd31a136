import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke, withDevToken } from '../../local/functions.ts';
import type { Runtime } from '../../local/runtime.ts';
import { functions, type FunctionName } from '../../shared/wiring.ts';
import { startTestRuntime } from '../support/runtime.ts';

let runtime: Runtime;
beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(() => runtime?.stop());

const sampleEvent = (name: FunctionName) =>
  JSON.parse(readFileSync(`events/${name}.json`, 'utf8')) as unknown;

/** What each sample event should get, run in this order (the update and delete need the added link). */
const expectedStatus: Record<FunctionName, number> = {
  healthz: 200,
  openapi: 200,
  docs: 200,
  notFound: 404,
  devLogin: 200,
  addLink: 201,
  listLinks: 200,
  updateLink: 200,
  listTags: 200,
  deleteLink: 204,
  logout: 204,
};

describe('the sample events in events/', () => {
  it('given the wiring, then every declared function has a sample event and an expected answer', () => {
    expect(Object.keys(expectedStatus).sort()).toEqual(Object.keys(functions).sort());
  });

  for (const [name, status] of Object.entries(expectedStatus) as [FunctionName, number][]) {
    it(`when ${name} runs on its sample event, then it answers ${status}`, async () => {
      const result = (await invoke(name, await withDevToken(sampleEvent(name)))) as { statusCode: number };
      expect(result.statusCode).toBe(status);
    });
  }
});
