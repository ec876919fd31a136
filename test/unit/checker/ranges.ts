/**
 * One address from each range the SSRF guard refuses, by literal, with the class the guard gives it: the table
 * the guard's tests iterate (literal, resolved host name, redirect).
 */
export const REFUSED_ADDRESSES: [string, string][] = [
  ['127.0.0.1', 'loopback'],
  ['127.255.0.9', 'loopback'],
  ['10.0.0.7', 'private'],
  ['172.16.5.4', 'private'],
  ['192.168.1.1', 'private'],
  ['169.254.169.254', 'link-local'],
  ['169.254.0.1', 'link-local'],
  ['100.64.0.1', 'carrier-grade NAT'],
  ['100.127.255.254', 'carrier-grade NAT'],
  ['224.0.0.251', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'reserved'],
  ['192.0.2.10', 'reserved'],
  ['198.18.0.1', 'reserved'],
  ['::1', 'loopback'],
  ['::', 'unspecified'],
  ['fe80::1', 'link-local'],
  ['fc00::1', 'private'],
  ['fd12:3456::1', 'private'],
  ['fec0::1', 'private'],
  ['ff02::1', 'multicast'],
  ['2001:db8::1', 'reserved'],
  ['64:ff9b::a00:7', 'reserved'],
  ['2002:a00:7::1', 'reserved'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:10.0.0.7', 'private'],
  ['::ffff:169.254.169.254', 'link-local'],
  ['::ffff:100.64.0.1', 'carrier-grade NAT'],
  ['::ffff:a9fe:a9fe', 'link-local'],
];

/** Public addresses (never connected to by the tests: they only check the classification). */
export const PUBLIC_ADDRESSES = [
  '8.8.8.8',
  '93.184.215.14',
  '1.1.1.1',
  '2606:4700:4700::1111',
  '::ffff:8.8.4.4',
];

/** `http://<address>/`, with brackets for IPv6. */
export const urlOf = (address: string, path = '/') =>
  `http://${address.includes(':') ? `[${address}]` : address}${path}`;
