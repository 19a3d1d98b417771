import { isIPv4, isIPv6 } from 'node:net';

/**
 * IP handling for technical records (P24). Addresses are stored as the socket saw them (an
 * IPv4-mapped IPv6 address as plain IPv4), and after the policy's days cut to their network:
 * IPv4 to /24, IPv6 to /48. That keeps "which network" for abuse analysis and drops "which host".
 */
export const TRUNCATE_PREFIX = { v4: 24, v6: 48 } as const;

export function normalizeIp(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const candidate = mapped ? mapped[1]! : ip;
  if (isIPv4(candidate)) return candidate;
  if (isIPv6(candidate)) return candidate.toLowerCase();
  return null;
}

function expandIpv6(address: string): number[] {
  // An embedded IPv4 tail (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) is the last two groups.
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  const ip = dotted
    ? `${dotted[1]}${((Number(dotted[2]) << 8) | Number(dotted[3])).toString(16)}:${((Number(dotted[4]) << 8) | Number(dotted[5])).toString(16)}`
    : address;
  const [head = '', tail] = ip.split('::');
  const parse = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const h = parse(head);
  const t = tail === undefined ? [] : parse(tail);
  return [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
}

/** The same result as PostgreSQL's host(network(set_masklen(ip::inet, 24 or 48))). */
export function truncateIp(ip: string): string {
  if (isIPv4(ip)) return `${ip.split('.').slice(0, 3).join('.')}.0`;
  if (isIPv6(ip)) {
    const [a, b, c] = expandIpv6(ip);
    const groups = [a, b, c].map((g) => (g ?? 0).toString(16));
    // Trailing zero groups fold into the `::`, as inet's text form writes them.
    while (groups.length > 0 && groups[groups.length - 1] === '0') groups.pop();
    return `${groups.join(':')}::`;
  }
  throw new Error('not an IP address');
}
