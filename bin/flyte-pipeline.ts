#!/usr/bin/env node
/**
 * `flyte-pipeline new|init|workflow|upgrade …`: runs this package's generators through
 * yeoman-environment, so it works as root and without a global `yo`.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEnv } from 'yeoman-environment';
import { UserError } from '../generators/lib/errors.js';

const GENERATORS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'generators');

const COMMANDS: Record<string, { generator: string; summary: string }> = {
  new: { generator: 'app', summary: 'generate a new Flyte pipeline project into ./<slug>/' },
};

const USAGE = `usage: flyte-pipeline <command> [arguments] [flags]

commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(10)}${command.summary}`)
  .join('\n')}

Run \`flyte-pipeline <command> --help\` for the flags of a command.`;

async function main(argv: string[]): Promise<number> {
  const [commandName, ...rest] = argv;
  if (!commandName || commandName === '--help' || commandName === '-h') {
    console.log(USAGE);
    return commandName ? 0 : 2;
  }
  const command = COMMANDS[commandName];
  if (!command) throw new UserError(`unknown command "${commandName}"`, `use one of: ${Object.keys(COMMANDS).join(', ')}`);
  const env = createEnv({ skipInstall: rest.includes('--skip-install') } as never);
  const namespace = `flyte-pipeline:${command.generator}`;
  env.register(join(GENERATORS_DIR, command.generator, 'index.js'), { namespace });
  await env.run([namespace, ...rest], { skipCache: true, force: rest.includes('--force') } as never);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UserError) {
      console.error(error.report);
    } else {
      console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      if (process.env.DEBUG) console.error(error);
    }
    process.exitCode = 1;
  },
);
