import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, apiTypes } from '../../../scripts/web-api-types-source.ts';

describe("the web client's API types", () => {
  it('given the OpenAPI document, when its types are generated again, then they equal the committed web/src/api/schema.d.ts (else run `npm run web:api-types`)', async () => {
    const committed = readFileSync(API_TYPES_FILE, 'utf8');

    expect(
      committed === (await apiTypes()),
      'web/src/api/schema.d.ts is stale: run npm run web:api-types',
    ).toBe(true);
  });
});
