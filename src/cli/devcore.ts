/**
 * `corelens devcore`: runs the dev core until SIGINT/SIGTERM.
 * Prints exactly one line on stdout when ready, so scripts can wait for it:
 *   corelens devcore listening on http://HOST:PORT
 */
import { parseArgs } from "node:util";
import { DevCoreError, startDevCore, type DevCoreOptions } from "../devcore/index.js";
import { wholeNumber } from "./args.js";
import type { CliCommand } from "./command.js";

const HELP = `Usage: corelens devcore [options]

Runs a local SuperTokens-compatible core for development and tests (not for production).

Options:
  --port N                      port to listen on (default 3567; 0 picks a free port)
  --host HOST                   interface to bind (default 127.0.0.1)
  --api-key KEY                 require this API key (repeat, or separate with commas, for several)
  --data FILE                   keep data in this SQLite file across restarts (default: in memory)
  --access-token-validity S     access-token lifetime in seconds (default 3600)
  --refresh-token-validity S    refresh-token lifetime in seconds (default 8640000)
  -h, --help                    show this help
`;

export function parseDevcoreArgs(args: string[]): DevCoreOptions | "help" {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "api-key": { type: "string", multiple: true },
      data: { type: "string" },
      "access-token-validity": { type: "string" },
      "refresh-token-validity": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const apiKeys = (values["api-key"] ?? []).flatMap((k) => k.split(",")).map((k) => k.trim()).filter((k) => k.length > 0);
  return {
    port: wholeNumber("port", values.port),
    host: values.host,
    apiKeys,
    dataFile: values.data,
    accessTokenValidity: wholeNumber("access-token-validity", values["access-token-validity"]),
    refreshTokenValidity: wholeNumber("refresh-token-validity", values["refresh-token-validity"]),
  };
}

export const devcoreCommand: CliCommand = {
  async run(args) {
    let options: DevCoreOptions | "help";
    try {
      options = parseDevcoreArgs(args);
    } catch (error) {
      process.stderr.write(`corelens devcore: ${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
      return 2;
    }
    if (options === "help") {
      process.stdout.write(HELP);
      return 0;
    }
    let core;
    try {
      core = await startDevCore(options);
    } catch (error) {
      if (error instanceof DevCoreError) {
        process.stderr.write(`corelens devcore: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
    const running = core;
    // Handlers go in before the ready line: a supervisor may signal as soon as it reads it.
    const stopped = new Promise<void>((resolve) => {
      const stop = () => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        running.close().then(resolve, resolve);
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    process.stdout.write(`corelens devcore listening on ${core.url}\n`);
    await stopped;
    return 0;
  },
};
