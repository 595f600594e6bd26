/** Where a `labgate` command writes: standard output and standard error, or a test's capture. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}
