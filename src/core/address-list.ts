import { BlockList, isIP } from 'node:net';

/** `::ffff:192.0.2.1` (an IPv4 client of a dual-stack socket) and `192.0.2.1` are one client. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return (mapped ? mapped[1] : address).toLowerCase();
}

/** How many addresses an AddressList remembers its answer for (a check costs a few microseconds). */
const ADDRESS_ANSWERS_KEPT = 10_000;

/**
 * A list of addresses and CIDR ranges from a setting (trusted clients, monitoring hosts), checked
 * with Node's BlockList. A malformed entry is an error naming the setting.
 */
export class AddressList {
  private readonly list = new BlockList();
  private readonly empty: boolean;
  /** Answers already given, per address as the socket reports it (bounded: cleared when full). */
  private readonly answers = new Map<string, boolean>();

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
    this.empty = entries.length === 0;
  }

  includes(address: string | undefined): boolean {
    if (!address || this.empty) return false;
    let answer = this.answers.get(address);
    if (answer === undefined) {
      const normalized = normalizeAddress(address);
      const family = isIP(normalized);
      answer = family !== 0 && this.list.check(normalized, family === 6 ? 'ipv6' : 'ipv4');
      if (this.answers.size >= ADDRESS_ANSWERS_KEPT) this.answers.clear();
      this.answers.set(address, answer);
    }
    return answer;
  }
}
