/** Argument checks the `corelens` subcommands share. */

/** A bad command line: the subcommand prints it with its usage and exits 2. */
export class UsageError extends Error {}

/** A flag's value as a whole number (digits only), or undefined when the flag was not given. */
export function wholeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} must be a whole number, got '${value}'`);
  return Number(value);
}
