import * as z from '../zod.ts';
import { InvalidRequest } from '../errors.ts';
import { isRepeatedKey, type FieldValues } from './request.ts';

/** Parses input with a schema; a failure is a 400 whose details name each offending field. */
export function validate<S extends z.core.$ZodType>(schema: S, input: unknown): z.output<S> {
  // reportInput keeps `input` on issues, so a field of the wrong type is not reported as "required".
  const result = z.safeParse(schema, input, { reportInput: true });
  if (result.success) return result.data;
  const details: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
    details[field] ??= describeIssue(issue, input);
  }
  throw new InvalidRequest(`Invalid ${Object.keys(details).join(', ')}.`, details);
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

/** The fields of a request: the query string, overridden by a JSON object or form body. */
export function fieldsOf(query: FieldValues, body: unknown): Record<string, unknown> {
  if (body === undefined) return { ...query };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidRequest('The request body must be a JSON object.', { body: 'must be a JSON object' });
  }
  return { ...query, ...(body as Record<string, unknown>) };
}
