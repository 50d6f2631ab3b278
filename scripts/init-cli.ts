/**
 * `flyte-pipeline init`'s work as a process of its own: what the init generator and `new --init`
 * run (generators/lib/init-process.ts), so that the generators never import scripts/. It takes the
 * `init` command's flags (shared/flags.ts) and works on the project in its working folder. Its
 * report goes to stdout; progress and errors to stderr, printed here once; exit code 1 on an error.
 * Bundled beside the bin (dist/bin/bundle/init.js, scripts/bundle/bundle.mjs).
 */
import { parseArgs } from 'node:util';
import { reportFailure } from '../shared/errors.js';
import { COMMAND_FLAGS } from '../shared/flags.js';
import { ignoreClosedReader } from '../shared/output.js';
import { runInit, type InitFlags } from './init.js';

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());

async function main(args: string[]): Promise<void> {
  const options = Object.fromEntries(Object.entries(COMMAND_FLAGS.init).map(([name, spec]) => [name, { type: spec.type === Boolean ? ('boolean' as const) : ('string' as const) }]));
  const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
  const flags = Object.fromEntries(Object.entries(values).map(([name, value]) => [camel(name), value]));
  // The report goes to stdout (progress and errors to stderr), so it can be piped or parsed.
  await runInit(process.cwd(), flags as InitFlags, { log: (line) => console.log(line) });
}

// A reader that stops reading (`| head`) must not end the work half-way.
ignoreClosedReader(process.stdout);

main(process.argv.slice(2)).catch((error: unknown) => {
  process.exitCode = reportFailure(error);
});
