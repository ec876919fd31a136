import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMIT, MAX_RATE_LIMIT_LEASE_SECONDS, readSettings } from '../../shared/config.ts';

describe("the service's settings", () => {
  it("given no variables, when read, then the rate limit is the contract's, claimed four at a time for 10 s", () => {
    const settings = readSettings({});

    expect(settings).toMatchObject({
      RATE_LIMIT_PER_SECOND: 12,
      RATE_LIMIT_BURST: 80,
      RATE_LIMIT_CLAIM_SIZE: 4,
      RATE_LIMIT_LEASE_SECONDS: 10,
    });
    expect(DEFAULT_RATE_LIMIT).toEqual({ perSecond: 12, burst: 80, tokensPerClaim: 4, leaseSeconds: 10 });
  });

  it('given claims of one and a lease of 30 s, when read, then they are what the limiter gets', () => {
    const settings = readSettings({ RATE_LIMIT_CLAIM_SIZE: '1', RATE_LIMIT_LEASE_SECONDS: '30' });

    expect(settings.RATE_LIMIT_CLAIM_SIZE).toBe(1);
    expect(settings.RATE_LIMIT_LEASE_SECONDS).toBe(MAX_RATE_LIMIT_LEASE_SECONDS);
  });

  it.each([
    ['RATE_LIMIT_CLAIM_SIZE', '0'],
    ['RATE_LIMIT_CLAIM_SIZE', '2.5'],
    ['RATE_LIMIT_LEASE_SECONDS', '0'],
    ['RATE_LIMIT_LEASE_SECONDS', String(MAX_RATE_LIMIT_LEASE_SECONDS + 1)],
    ['RATE_LIMIT_LEASE_SECONDS', 'ten'],
  ])('given %s=%s, when read, then an error that names the variable', (name, value) => {
    expect(() => readSettings({ [name]: value })).toThrow(new RegExp(`Invalid configuration: ${name}: `));
  });
});
