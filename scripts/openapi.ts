import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { openApiDocument } from '../shared/openapi.ts';
import { routes } from '../shared/wiring.ts';

/**
 * Writes the OpenAPI document of every route, the local-only ones included, to the file named by the first
 * argument (stdout without one), so that linters can read it as an outside client would.
 */
const text = `${JSON.stringify(openApiDocument(routes, process.env.APP_VERSION ?? '0.0.0-dev'), null, 2)}\n`;
const target = process.argv[2];
if (target) {
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
} else {
  process.stdout.write(text);
}
