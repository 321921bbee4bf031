// What a CLI command is: main.ts holds the table of them.
export interface Command {
  name: string;
  /** one line for `mplab --help` */
  summary: string;
  /** the full `mplab NAME --help` text */
  usage: string;
  /** runs with the arguments after the command name; resolves to the exit code */
  run(args: string[]): Promise<number>;
}

/** A usage error (bad flag, missing file argument): exit code 2 with the usage. */
export class UsageError extends Error {}
