import * as z from '../zod.ts';

/**
 * A queue message's body read with its schema. A malformed one throws, so that after its retries it lands in
 * the dead-letter queue where it can be looked at, rather than being dropped.
 */
export function parseMessage<T>(schema: z.core.$ZodType<T>, body: string, what = 'message'): T {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new Error(`Malformed ${what}: not JSON`);
  }
  const parsed = z.safeParse(schema, json);
  if (!parsed.success) {
    throw new Error(`Malformed ${what}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  return parsed.data;
}
