/**
 * `flyte-pipeline new|init|workflow|upgrade …`: parses the command line and runs this package's
 * generators through yeoman-environment (bin/run.ts), so it works as root and without a global
 * `yo`. Only light modules are imported here: help, version and command-line errors answer without
 * loading yeoman. Loaded (bundled) by bin/flyte-pipeline.ts once the Node version is known to be
 * recent enough.
 */
import type { GeneratorName } from './run.js';
import { UserError, reportFailure } from '../shared/errors.js';
import { COMMAND_FLAGS, type CommandName, type Flags } from '../shared/flags.js';
import { ignoreClosedReader } from '../shared/output.js';
import { generatorVersion } from '../shared/package.js';

interface Command {
  generator: GeneratorName;
  summary: string;
  usage: string;
  /** Arguments the command adds for its generator. */
  extraArgs?: readonly string[];
}

const COMMON_FLAGS = ['help'];

/** Each command's flags are its table in shared/flags.ts: a typo is an error rather than silently ignored. */
const COMMANDS: Record<CommandName, Command> = {
  new: {
    generator: 'app',
    summary: 'generate a new Flyte pipeline project into ./<slug>/',
    usage: 'flyte-pipeline new [NAME] [flags]',
  },
  upgrade: {
    generator: 'app',
    summary: 'inside a project: bring it to the current template, keeping your edits (three-way merge)',
    usage: 'flyte-pipeline upgrade [--dry-run] [flags changing an answer]',
    extraArgs: ['--upgrade'],
  },
  workflow: {
    generator: 'workflow',
    summary: 'inside a project: add a step (task + workflow + test); --after STEP wires it into full',
    usage: 'flyte-pipeline workflow NAME [--after STEP]',
  },
  init: {
    generator: 'init',
    summary: 'inside a project: create its ECR repository and Flyte project (safe to run twice)',
    usage: 'flyte-pipeline init [--dry-run] [flags]',
  },
};

/** The flags the bin accepts for a command: its table, and --help. */
export function knownFlags(commandName: CommandName): Set<string> {
  return new Set([...Object.keys(COMMAND_FLAGS[commandName]), ...COMMON_FLAGS]);
}

function checkFlags(commandName: CommandName, args: string[]): void {
  const known = knownFlags(commandName);
  for (const arg of args) {
    // A short flag (-x) is never one of ours: a mistake, not noise to ignore.
    if (/^-[^-]/.test(arg) && arg !== '-h') throw new UserError(`unknown flag ${arg.slice(0, 20)} for \`flyte-pipeline ${commandName}\``, `run \`flyte-pipeline ${commandName} --help\` to list its flags`);
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

async function main(argv: string[]): Promise<number> {
  const [commandName, ...rest] = argv;
  if (!commandName || commandName === '--help' || commandName === '-h') {
    console.log(USAGE);
    return commandName ? 0 : 2;
  }
  if (commandName === '--version') {
    console.log(generatorVersion());
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, commandName) ? COMMANDS[commandName as CommandName] : undefined;
  if (!command) throw new UserError(`unknown command "${commandName}"`, `use one of: ${Object.keys(COMMANDS).join(', ')}`);
  if (rest.includes('--help') || rest.includes('-h')) {
    const flags: Flags = COMMAND_FLAGS[commandName as CommandName];
    const width = Math.max(...Object.keys(flags).map((flag) => flag.length)) + 4;
    console.log(`usage: ${command.usage}\n\n${command.summary}\n\nflags:\n${Object.entries(flags)
      .map(([flag, { description }]) => `  --${flag.padEnd(width)}${description}`)
      .join('\n')}`);
    return 0;
  }
  checkFlags(commandName as CommandName, rest);
  const { runGenerator } = await import('./run.js');
  await runGenerator(command.generator, [...rest, ...(command.extraArgs ?? [])], rest.includes('--force'));
  return 0;
}

// Results go to stdout: a reader that stops reading (`| head`) must not end the command half-way.
ignoreClosedReader(process.stdout);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportFailure(error);
  },
);
