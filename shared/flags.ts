/**
 * Every flag, declared once: one table per command (`flyte-pipeline new`, `upgrade`, `workflow`,
 * `init`), each flag with its type and help; one flag per question, derived from QUESTIONS. The
 * bin's --help and its refusal of an unknown flag (bin/cli.ts), the generators' yeoman options and
 * the strict reading of their command line (checkCommandLine) all derive from these tables
 * (test/flags.test.ts). Nothing here loads yeoman or the AWS SDK, so `--help` lists them at once.
 */
import { QUESTIONS, flagHelp, flagOf, type Question } from './questions.js';

export interface Flag {
  /** A yes/no switch (`--x`, `--no-x`) or a flag that takes a value (`--x VALUE`). */
  type: BooleanConstructor | StringConstructor;
  description: string;
}
export type Flags = Readonly<Record<string, Flag>>;

/** One flag per question: `--aws-region VALUE`, or `--gpu` / `--no-gpu` for a yes/no question. */
function questionFlags(questions: readonly Question[]): Flags {
  return Object.fromEntries(questions.map((question) => [flagOf(question.name), { type: question.boolean ? Boolean : String, description: flagHelp(question) }]));
}

export interface LifecycleSettings {
  expireUntaggedDays: number;
  keepLastImages: number;
}

/** The ECR lifecycle policy `flyte-pipeline init` sets unless told otherwise. */
export const DEFAULT_LIFECYCLE: LifecycleSettings = { expireUntaggedDays: 14, keepLastImages: 100 };

const DRY_RUN_UPGRADE: Flag = { type: Boolean, description: 'With upgrade: list what would change, write nothing' };

/** The flags of each command of the bin. */
export const COMMAND_FLAGS = {
  new: {
    ...questionFlags(QUESTIONS),
    defaults: { type: Boolean, description: 'Take the default of every question not answered by a flag or --answers' },
    answers: { type: String, description: 'YAML or JSON file of answers, keyed by flag name (aws-region: eu-west-1)' },
    'skip-install': { type: Boolean, description: 'Do not install the Python dependencies (pipenv install --dev, or uv sync)' },
    init: { type: Boolean, description: 'Create the ECR repository and Flyte project right after generating' },
    force: { type: Boolean, description: 'Write into a folder that is not empty, overwriting its files' },
    'skip-git': { type: Boolean, description: 'Do not make the project a git repository (git init and a first commit of the generated files)' },
  },
  upgrade: {
    // An upgrade keeps the answers about the data (read when the project was made): no flag changes them.
    ...questionFlags(QUESTIONS.filter((question) => !question.describesData)),
    'dry-run': DRY_RUN_UPGRADE,
    force: { type: Boolean, description: 'Upgrade even a project made by a newer generator (a downgrade)' },
  },
  workflow: {
    after: { type: String, description: 'Also run the new step in `full`, right after this step (one whose output is a table)' },
  },
  init: {
    'aws-region': { type: String, description: 'AWS region (default: the project answer, then AWS_REGION)' },
    'aws-account-id': { type: String, description: 'AWS account id (default: the project answer)' },
    'ecr-repository': { type: String, description: 'ECR repository name (default: the project answer)' },
    'flyte-project': { type: String, description: 'Flyte project id (default: the project answer)' },
    'kms-key': { type: String, description: 'KMS key id or ARN to encrypt the repository with (default: AES256)' },
    'expire-untagged-days': { type: String, description: `expire untagged images after this many days (default ${DEFAULT_LIFECYCLE.expireUntaggedDays})` },
    'keep-images': { type: String, description: `keep at most this many images (default ${DEFAULT_LIFECYCLE.keepLastImages})` },
    'flytectl-config': { type: String, description: 'flytectl config file (default: FLYTECTL_CONFIG, then the project flyte-config.yaml)' },
    'dry-run': { type: Boolean, description: 'Print what would be created, updated or left alone; change nothing' },
  },
} as const satisfies Record<string, Flags>;

export type CommandName = keyof typeof COMMAND_FLAGS;

/** The flags of every table, the first table's declaration of a flag winning. */
function union(...tables: Flags[]): Flags {
  const all: Record<string, Flag> = {};
  for (const table of tables) for (const [name, flag] of Object.entries(table)) all[name] ??= flag;
  return all;
}

/**
 * The yeoman options of each generator: the flags of the commands it runs. The app generator makes
 * a project (`new`) or upgrades the one it runs in (`upgrade`, also `yo flyte-pipeline` inside a
 * project), told so by --upgrade, which `flyte-pipeline upgrade` passes it.
 */
export const GENERATOR_FLAGS = {
  app: union(COMMAND_FLAGS.new, { upgrade: { type: Boolean, description: 'Upgrade the project in this folder to the current template' } }, COMMAND_FLAGS.upgrade),
  workflow: COMMAND_FLAGS.workflow,
  init: COMMAND_FLAGS.init,
} as const satisfies Record<string, Flags>;

/** A table's yes/no switches and flags taking a value, as checkCommandLine reads them. */
export function flagKinds(flags: Flags): { switches: Set<string>; values: Set<string> } {
  const switches = new Set<string>();
  const values = new Set<string>();
  for (const [name, flag] of Object.entries(flags)) (flag.type === Boolean ? switches : values).add(name);
  return { switches, values };
}
