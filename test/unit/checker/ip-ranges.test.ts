import { describe, expect, it } from 'vitest';
import { AddressAllowlist, classifyAddress, refusalOf } from '../../../shared/checker/ip-ranges.ts';
import { PUBLIC_ADDRESSES, REFUSED_ADDRESSES } from './ranges.ts';

describe('the address classes of the SSRF guard', () => {
  it.each(REFUSED_ADDRESSES)('given %s, then it is %s and refused', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
    expect(refusalOf(address, AddressAllowlist.none)).toBe(`${address} is a ${kind} address`);
  });

  it.each(PUBLIC_ADDRESSES)('given the public address %s, then it is admitted', (address) => {
    expect(classifyAddress(address)).toBe('public');
    expect(refusalOf(address, AddressAllowlist.none)).toBeUndefined();
  });

  it('given a name rather than an address, then classifying it is a bug, not a pass', () => {
    expect(() => classifyAddress('localhost')).toThrow(/Not an IP address/);
  });
});

describe('the allowlist (tests and local demos only)', () => {
  it('given the default, then it is empty and admits nothing', () => {
    expect(AddressAllowlist.parse(undefined).isEmpty).toBe(true);
    expect(AddressAllowlist.parse('').admits('127.0.0.1')).toBe(false);
  });

  it('given 127.0.0.1, then it admits exactly that address, also IPv4-mapped, and nothing else', () => {
    const allowlist = AddressAllowlist.parse('127.0.0.1');

    expect(refusalOf('127.0.0.1', allowlist)).toBeUndefined();
    expect(refusalOf('::ffff:127.0.0.1', allowlist)).toBeUndefined();
    expect(refusalOf('127.0.0.2', allowlist)).toBe('127.0.0.2 is a loopback address');
    expect(refusalOf('::1', allowlist)).toBe('::1 is a loopback address');
    expect(refusalOf('169.254.169.254', allowlist)).toBe('169.254.169.254 is a link-local address');
  });

  it('given CIDR ranges and IPv6, separated by commas or spaces, then it admits addresses inside them', () => {
    const allowlist = AddressAllowlist.parse('10.1.0.0/16, ::1 fd00::/8');

    expect(allowlist.admits('10.1.200.3')).toBe(true);
    expect(allowlist.admits('10.2.0.1')).toBe(false);
    expect(allowlist.admits('::1')).toBe(true);
    expect(allowlist.admits('fd00::5')).toBe(true);
  });

  it('given a host name, then it is refused: the allowlist judges addresses, never names', () => {
    expect(() => AddressAllowlist.parse('127.0.0.1,localhost')).toThrow(/not names/);
  });
});
