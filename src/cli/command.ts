/** The contract every `corelens` subcommand module implements. */
export interface CliCommand {
  /** Runs the command with the arguments after its name; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}
