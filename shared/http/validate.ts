import * as z from '../zod.ts';
import { InvalidRequest } from '../errors.ts';
import { isRepeatedKey, type FieldValues } from './request.ts';

/** Parses input with a schema; a failure is a 400 whose details name each offending field. */
export function validate<S extends z.core.$ZodType>(schema: S, input: unknown): z.output<S> {
  // reportInput keeps `input` on issues, so a field of the wrong type is not reported as "required".
  const result = z.safeParse(schema, input, { reportInput: true });
  if (result.success) return result.data;
  // A Map, so that fields named like the properties of every object (`__proto__`, `constructor`) are named too.
  const details = new Map<string, string>();
  const name = (field: string, message: string) => {
    if (!details.has(field)) details.set(field, message);
  };
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      // A field the request does not take is refused, not dropped: a misspelt `privat` or a `visibility` of
      // another service would otherwise leave the link public without a word.
      const known = issue.path.length === 0 ? fieldNamesOf(schema) : [];
      const message =
        known.length > 0 ? `unknown field; this request takes ${known.join(', ')}` : 'unknown field';
      for (const key of issue.keys) name([...issue.path, key].join('.'), message);
      continue;
    }
    const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
    name(field, describeIssue(issue, input));
  }
  throw new InvalidRequest(`Invalid ${[...details.keys()].join(', ')}.`, Object.fromEntries(details));
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'required';
  // A field that takes one value, sent as a repeated query or form key (a list-taking field accepts those).
  const sent = issue.path.length === 1 ? (input as Record<PropertyKey, unknown>)[issue.path[0]!] : undefined;
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && isRepeatedKey(sent)) {
    return 'given more than once; send one value';
  }
  return issue.message;
}

/** The field names of an object schema, also behind a pipe (a transform of the object); none for others. */
function fieldNamesOf(schema: z.core.$ZodType): string[] {
  const def = schema._zod.def;
  if (def.type === 'object') return Object.keys((def as z.core.$ZodObjectDef).shape);
  if (def.type === 'pipe') return fieldNamesOf((def as z.core.$ZodPipeDef).in);
  return [];
}

/**
 * The fields of a request: the query string, overridden by a JSON object or form body. The routes that read
 * fields so validate them with strict objects (shared/<context>/schemas.ts): a field the route does not take, from
 * either, is a 400 that names it.
 */
export function fieldsOf(query: FieldValues, body: unknown): Record<string, unknown> {
  if (body === undefined) return { ...query };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequest('The request body must be a JSON object.', { body: 'must be a JSON object' });
  }
  return { ...query, ...(body as Record<string, unknown>) };
}
