import { BlockList, isIP } from 'node:net';

/** `::ffff:192.0.2.1` (an IPv4 client of a dual-stack socket) and `192.0.2.1` are one client. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return (mapped ? mapped[1] : address).toLowerCase();
}

/**
 * A list of addresses and CIDR ranges from a setting (trusted clients, monitoring hosts), checked
 * with Node's BlockList. A malformed entry is an error naming the setting.
 */
export class AddressList {
  private readonly list = new BlockList();

  constructor(entries: readonly string[], setting: string) {
    for (const entry of entries) {
      const [address, prefix, extra] = entry.split('/');
      const family = isIP(address);
      const bits = prefix === undefined ? undefined : Number(prefix);
      const maxBits = family === 6 ? 128 : 32;
      if (!family || extra !== undefined || (bits !== undefined && (!Number.isInteger(bits) || bits < 0 || bits > maxBits))) {
        throw new Error(`${setting}: "${entry}" is not an IP address or CIDR range`);
      }
      const type = family === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.list.addAddress(normalizeAddress(address), type);
      else this.list.addSubnet(address, bits, type);
    }
  }

  includes(address: string | undefined): boolean {
    if (!address) return false;
    const normalized = normalizeAddress(address);
    const family = isIP(normalized);
    return family !== 0 && this.list.check(normalized, family === 6 ? 'ipv6' : 'ipv4');
  }
}
