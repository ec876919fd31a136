import { describe, expect, it } from 'vitest';
import { MAX_STALE_AFTER_SECONDS, recheckRequest } from '../../../shared/checker/schemas.ts';
import { InvalidRequest } from '../../../shared/errors.ts';
import { validate } from '../../../shared/http/validate.ts';

function detailsOf(run: () => unknown): Record<string, unknown> | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequest);
    return (error as InvalidRequest).details;
  }
  throw new Error('expected an InvalidRequest');
}

describe('validating the re-check request', () => {
  it('given stale_after_seconds beyond any date, when validated, then 400 names it instead of a RangeError', () => {
    const details = detailsOf(() => validate(recheckRequest, { stale_after_seconds: '9007199254740990' }));

    expect(Object.keys(details ?? {})).toEqual(['stale_after_seconds']);
  });

  it('given stale_after_seconds at the bound, when validated, then it is accepted', () => {
    const input = validate(recheckRequest, { stale_after_seconds: String(MAX_STALE_AFTER_SECONDS) });

    expect(input.stale_after_seconds).toBe(MAX_STALE_AFTER_SECONDS);
  });
});
