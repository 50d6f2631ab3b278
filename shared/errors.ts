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
