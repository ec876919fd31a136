import { en } from 'zod/locales';
import * as z from 'zod/mini';

/**
 * zod for the code that functions load: its tree-shakable API (`zod/mini`), with English messages. Import it as
 * `import * as z from '<path>/zod.ts'`.
 *
 * Why not the classic `zod`: each classic schema carries a copy of every method of its type (about 60 closures per
 * schema, built as it is created), and those methods pull in the whole API, JSON Schema included, so esbuild can
 * drop none of it. A function builds a few hundred schemas as it loads; with the classic API that, and 90 KB more
 * to compile, was the largest part of a cold start beyond the AWS SDK (`npm run bench:bundles`). The same schemas
 * built here are plain `zod/v4/core` schemas, which zod-openapi and the classic API read alike: the OpenAPI
 * descriptions (shared/openapi.ts, shared/http/openapi-operation.ts, shared/<context>/operations.ts), which no
 * function loads but the one that serves the document, keep the classic API.
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
