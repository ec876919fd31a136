import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';

/**
 * Which addresses the link checker may connect to: the guard against server-side request forgery.
 *
 * Policy, by allowlist rather than by blocklist: an address passes only when it is plain public unicast.
 * - IPv4: ipaddr.js's `unicast` class, i.e. none of 0.0.0.0/8 (unspecified), 10/8, 172.16/12, 192.168/16
 *   (private), 100.64/10 (carrier-grade NAT), 127/8 (loopback), 169.254/16 (link-local, which holds the
 *   instance metadata service at 169.254.169.254), 224/4 (multicast), 240/4 and 255.255.255.255 (reserved,
 *   broadcast), nor the documentation, benchmarking, AS112 and AMT ranges.
 * - IPv6: global unicast (2000::/3) of ipaddr.js's `unicast` class only. So ::1, ::, fe80::/10, fc00::/7,
 *   fec0::/10, ff00::/8 and the documentation, 6to4, Teredo, NAT64 (64:ff9b::/96) and ORCHID ranges are refused.
 *   An IPv4-mapped address (::ffff:a.b.c.d) is judged as the IPv4 address it carries.
 * An allowlist (addresses or CIDR ranges) admits addresses past these rules; it exists for tests and local
 * demos against a server on loopback and is empty unless configured.
 */

type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'carrier-grade NAT'
  | 'multicast'
  | 'unspecified'
  | 'reserved';

const IPV4_CLASSES: Record<string, AddressClass> = {
  unicast: 'public',
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link-local',
  carrierGradeNat: 'carrier-grade NAT',
  multicast: 'multicast',
  unspecified: 'unspecified',
};

const IPV6_CLASSES: Record<string, AddressClass> = {
  unicast: 'public',
  loopback: 'loopback',
  uniqueLocal: 'private',
  deprecatedSiteLocal: 'private',
  linkLocal: 'link-local',
  multicast: 'multicast',
  unspecified: 'unspecified',
};

const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');

/** The address as the guard judges it: IPv4-mapped IPv6 addresses become the IPv4 address they carry. */
function canonical(address: string): ipaddr.IPv4 | ipaddr.IPv6 {
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed;
}

/** The class of a literal IPv4 or IPv6 address; anything the tables do not name is `reserved`. */
export function classifyAddress(address: string): AddressClass {
  if (isIP(address) === 0) throw new Error(`Not an IP address: ${address}`);
  const ip = canonical(address);
  if (ip.kind() === 'ipv4') return IPV4_CLASSES[(ip as ipaddr.IPv4).range()] ?? 'reserved';
  const v6 = ip as ipaddr.IPv6;
  const kind = IPV6_CLASSES[v6.range()] ?? 'reserved';
  return kind === 'public' && !v6.match(GLOBAL_UNICAST_V6) ? 'reserved' : kind;
}

/** Addresses and CIDR ranges admitted whatever their class (tests and local demos only). */
export class AddressAllowlist {
  private constructor(private readonly ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][]) {}

  static readonly none = new AddressAllowlist([]);

  /**
   * From a comma- or space-separated list such as `127.0.0.1, ::1, 10.1.0.0/16`. A host name is rejected: the
   * allowlist judges the address a name resolves to, never the name, so that DNS cannot smuggle anything in.
   */
  static parse(list: string | undefined): AddressAllowlist {
    const entries = (list ?? '').split(/[\s,]+/).filter(Boolean);
    return new AddressAllowlist(
      entries.map((entry) => {
        if (ipaddr.isValidCIDR(entry)) {
          const [ip, bits] = ipaddr.parseCIDR(entry);
          return [ip, bits] as [ipaddr.IPv4 | ipaddr.IPv6, number];
        }
        if (isIP(entry) !== 0) {
          const ip = canonical(entry);
          return [ip, ip.kind() === 'ipv4' ? 32 : 128] as [ipaddr.IPv4 | ipaddr.IPv6, number];
        }
        throw new Error(
          `Not an IP address or CIDR range: "${entry}" (the allowlist takes addresses, not names)`,
        );
      }),
    );
  }

  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  admits(address: string): boolean {
    if (isIP(address) === 0) return false;
    const ip = canonical(address);
    return this.ranges.some(([range, bits]) => range.kind() === ip.kind() && ip.match(range, bits));
  }
}

/** Why an address must not be connected to, or undefined when it may be. */
export function refusalOf(address: string, allowlist: AddressAllowlist): string | undefined {
  if (allowlist.admits(address)) return undefined;
  const kind = classifyAddress(address);
  return kind === 'public' ? undefined : `${address} is a ${kind} address`;
}
