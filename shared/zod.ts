import { en } from 'zod/locales';
import * as z from 'zod/mini';

/**
 * zod for the code that functions load: its tree-shakable API (`zod/mini`), with English messages. Import it as
 * `import * as z from '<path>/zod.ts'`.
 *
 * Why not the classic `zod`: its schemas have every method of the API on their prototypes (`.optional()`,
 * `.email()`, `.toJSONSchema()`...), and those methods reach the whole API, so esbuild can drop none of its 90 KB,
 * which every cold start compiled; its schemas also take longer to build, and a function builds a few hundred as
 * it loads (`npm run bench:bundles`, `EXPLAIN=1`). The same schemas built here are plain `zod/v4/core` schemas,
 * which zod-openapi and the classic API read alike: the OpenAPI descriptions (shared/openapi.ts,
 * shared/http/openapi-operation.ts, shared/<context>/operations.ts), which no function loads but the one that
 * serves the document, keep the classic API.
 *
 * `zod/mini` carries no messages of its own; the classic API sets English as it loads. This does the same, once,
 * before any schema here parses, so that a 400's details and a configuration error read as they always have.
 */
z.config(en());

export * from 'zod/mini';

/**
 * The schema with metadata for the OpenAPI document (an id, a description, an example), as the classic API's
 * `.meta()` gives it: a copy carries the metadata (over any of the original's), the original is left as it was.
 */
export function meta<S extends z.core.$ZodType>(schema: S, metadata: z.core.GlobalMeta): S {
  const copy = z.clone(schema);
  z.globalRegistry.add(copy, metadata);
  return copy;
}
