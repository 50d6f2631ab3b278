/** A mistake the user can fix: printed as two lines (cause, fix) with no stack trace, exit code 1. */
export class UserError extends Error {
  readonly fix: string;

  constructor(cause: string, fix: string) {
    super(cause);
    this.name = 'UserError';
    this.fix = fix;
  }

  get report(): string {
    return `error: ${this.message}\n  fix: ${this.fix}`;
  }
}

/**
 * A failure the process that met it has printed already (`flyte-pipeline init` run as its own
 * process): the command ends with its exit code and prints nothing more.
 */
export class ReportedFailure extends Error {
  readonly exitCode: number;

  constructor(what: string, exitCode: number) {
    super(`${what} failed (exit code ${exitCode})`);
    this.name = 'ReportedFailure';
    this.exitCode = exitCode;
  }
}

/**
 * Prints a command's error on stderr, as every command does: a UserError as cause and fix, anything
 * else as one line (its stack too with DEBUG set); nothing for a failure reported already. Returns
 * the exit code.
 */
export function reportFailure(error: unknown): number {
  if (error instanceof ReportedFailure) return error.exitCode;
  if (error instanceof UserError) {
    console.error(error.report);
  } else {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    if (process.env.DEBUG) console.error(error);
  }
  return 1;
}
