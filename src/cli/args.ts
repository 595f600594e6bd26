/** Command-line parsing for `labgate`: positional words, then `--flag value`, `--flag=value` or `--switch`. */
export interface ParsedArgs {
  words: string[];
  flags: Map<string, string | true>;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], switches: ReadonlySet<string>): ParsedArgs {
  const words: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      words.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (name === '') throw new UsageError(`invalid option "${arg}"`);
    if (flags.has(name)) throw new UsageError(`--${name} given twice`);
    if (eq !== -1) flags.set(name, arg.slice(eq + 1));
    else if (switches.has(name)) flags.set(name, true);
    else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
      i += 1;
    }
  }
  return { words, flags };
}

/** Reads the flags of one command, refusing any it does not know. */
export class Flags {
  private readonly used = new Set<string>();

  constructor(private readonly flags: Map<string, string | true>) {}

  string(name: string): string | undefined {
    this.used.add(name);
    const value = this.flags.get(name);
    if (value === true) throw new UsageError(`--${name} needs a value`);
    return value;
  }

  required(name: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
    return value;
  }

  switch(name: string): boolean {
    this.used.add(name);
    const value = this.flags.get(name);
    if (value === undefined) return false;
    if (value === true) return true;
    return this.parseBoolean(name, value);
  }

  boolean(name: string): boolean | undefined {
    const value = this.string(name);
    return value === undefined ? undefined : this.parseBoolean(name, value);
  }

  integer(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number`);
    return Number(value);
  }

  list(name: string): string[] | undefined {
    const value = this.string(name);
    return value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  }

  /** Call after reading: any flag the command did not read is a mistake. */
  done(): void {
    for (const name of this.flags.keys()) if (!this.used.has(name)) throw new UsageError(`unknown option --${name}`);
  }

  private parseBoolean(name: string, value: string): boolean {
    if (value === 'true') return true;
    if (value === 'false') return false;
    throw new UsageError(`--${name} must be true or false`);
  }
}
