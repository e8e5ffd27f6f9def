#!/usr/bin/env node
/**
 * The `corelens` command. Subcommands are a table: each entry imports its
 * module only when that command runs, so one command's dependencies never
 * slow down or break another. To add one, add a line to COMMANDS.
 */
import type { CliCommand } from "./command.js";

const COMMANDS: Record<string, { summary: string } & CliCommand> = {
  devcore: { summary: "run the local development core (CDI 5.3/5.4)", run: async (args) => (await import("./devcore.js")).devcoreCommand.run(args) },
  doctor: { summary: "check each core host of a connectionURI and say how to fix what fails", run: async (args) => (await import("./doctor.js")).runDoctor(args) },
  serve: { summary: "run the auth APIs (sign up/in/out, refresh, introspection) as a standalone server", run: async (args) => (await import("./serve.js")).serveCommand.run(args) },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ["Usage: corelens <command> [options]", "", "Commands:", ...lines, "", "Run `corelens <command> --help` for a command's options."].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    if (name === undefined) {
      process.stderr.write(usage() + "\n");
      return 1;
    }
    process.stdout.write(usage() + "\n");
    return 0;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    process.stderr.write(`corelens: unknown command '${name}'\n\n${usage()}\n`);
    return 2;
  }
  return entry.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`corelens: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
