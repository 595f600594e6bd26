/**
 * What a command reads its options from: the option name (without `--`) and its value, or `true` for a
 * switch given without one. The command line itself is parsed by commander (src/cli/program.ts).
 */
export type FlagValues = Map<string, string | true>;

/** A mistake in how a command was written: exit code 2, no stack. */
export class UsageError extends Error {}

/** Reads the flags of one command, refusing any it does not know. */
export class Flags {
  private readonly used = new Set<string>();

  constructor(private readonly flags: FlagValues) {}

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

  /** `--name` (true), `--name true|false`, `--name=true|false`, or undefined when absent. */
  boolean(name: string): boolean | undefined {
    this.used.add(name);
    return this.flags.has(name) ? this.switch(name) : undefined;
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
