import * as z from 'zod';

/** Schemas that every context's answers share. */

/** RFC 3339 UTC with milliseconds, as the contract writes every timestamp. */
export const timestampSchema = z.string().meta({
  format: 'date-time',
  description: 'RFC 3339, UTC, milliseconds.',
  example: '2026-11-23T18:00:00.000Z',
});
