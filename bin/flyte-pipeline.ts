#!/usr/bin/env node
/**
 * `flyte-pipeline new|init|workflow|upgrade …`: runs this package's generators through
 * yeoman-environment, so it works as root and without a global `yo`.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEnv } from 'yeoman-environment';
import { APP_FLAGS, UPGRADE_FLAGS } from '../generators/app/index.js';
import { INIT_GENERATOR_FLAGS } from '../generators/init/index.js';
import { WORKFLOW_FLAGS } from '../generators/workflow/index.js';
import { UserError } from '../generators/lib/errors.js';
import { QUESTIONS, flagOf } from '../generators/lib/questions.js';

const GENERATORS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'generators');

interface Command {
  generator: string;
  summary: string;
  /** Every flag the command takes, so a typo is an error rather than silently ignored. */
  flags: readonly string[];
  /** Arguments the command adds for its generator. */
  extraArgs?: readonly string[];
}

const COMMON_FLAGS = ['help'];

const COMMANDS: Record<string, Command> = {
  new: {
    generator: 'app',
    summary: 'generate a new Flyte pipeline project into ./<slug>/',
    flags: [...QUESTIONS.map((question) => flagOf(question.name)), ...Object.keys(APP_FLAGS)],
  },
  upgrade: {
    generator: 'app',
    summary: 'inside a project: bring it to the current template, keeping your edits (three-way merge)',
    flags: [...QUESTIONS.map((question) => flagOf(question.name)), ...Object.keys(UPGRADE_FLAGS)],
    extraArgs: ['--upgrade'],
  },
  workflow: {
    generator: 'workflow',
    summary: 'inside a project: add a step (task + workflow + test); --after STEP wires it into full',
    flags: Object.keys(WORKFLOW_FLAGS),
  },
  init: {
    generator: 'init',
    summary: 'inside a project: create its ECR repository and Flyte project (safe to run twice)',
    flags: Object.keys(INIT_GENERATOR_FLAGS),
  },
};

function checkFlags(commandName: string, command: Command, args: string[]): void {
  const known = new Set([...command.flags, ...COMMON_FLAGS]);
  for (const arg of args) {
    if (!arg.startsWith('--')) continue;
    const name = arg.slice(2).split('=')[0].replace(/^no-/, '');
    if (!known.has(name)) {
      throw new UserError(`unknown flag ${arg.split('=')[0]} for \`flyte-pipeline ${commandName}\``, `run \`flyte-pipeline ${commandName} --help\` to list its flags`);
    }
  }
}

const USAGE = `usage: flyte-pipeline <command> [arguments] [flags]

commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(10)}${command.summary}`)
  .join('\n')}

Run \`flyte-pipeline <command> --help\` for the flags of a command.`;

/**
 * yeoman logs "✖ An error occured while running <task>" before rethrowing; we print the error
 * itself as cause + fix below, so the banner is noise to a user.
 */
function quietTaskFailureBanner(log: { error: (...args: unknown[]) => unknown }): void {
  const original = log.error.bind(log);
  log.error = (...args: unknown[]) => (/^An error occured while running /.test(String(args[0])) ? log : original(...args));
}

async function main(argv: string[]): Promise<number> {
  const [commandName, ...rest] = argv;
  if (!commandName || commandName === '--help' || commandName === '-h') {
    console.log(USAGE);
    return commandName ? 0 : 2;
  }
  const command = COMMANDS[commandName];
  if (!command) throw new UserError(`unknown command "${commandName}"`, `use one of: ${Object.keys(COMMANDS).join(', ')}`);
  checkFlags(commandName, command, rest);
  const env = createEnv();
  quietTaskFailureBanner(env.adapter.log as unknown as { error: (...args: unknown[]) => unknown });
  const namespace = `flyte-pipeline:${command.generator}`;
  env.register(join(GENERATORS_DIR, command.generator, 'index.js'), { namespace });
  await env.run([namespace, ...rest, ...(command.extraArgs ?? [])], { skipCache: true, force: rest.includes('--force') } as never);
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
