/**
 * The one table of questions. Each record is the prompt, the kebab-case CLI flag, the key in an
 * `--answers` file and the key stored in `.yo-rc.json`; everything else is derived from it.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { DataProfile } from './data-profile.js';
import {
  PYTHON_VERSIONS,
  SAMPLE_DATA,
  isS3Uri,
  slugify,
  shown,
  validateAuthor,
  validateClassValue,
  validateColumnList,
  validateColumnName,
  validateData,
  validateAwsAccountId,
  validateAwsRegion,
  validateDescription,
  validateEcrRepository,
  validateEmail,
  validateFlyteDomain,
  validateFlyteEndpoint,
  validateProjectName,
  validatePythonVersion,
  validateSchedule,
  validateSlug,
  normaliseAwsAccountId,
  normaliseAwsRegion,
  normaliseSchedule,
  type Validation,
} from './validators.js';

export interface Answers {
  projectName: string;
  description: string;
  /** `sample`, an s3:// URI, or (stored) `data/01_raw/<name>`: the copy of the file given. */
  data: string;
  target: string;
  problemType: string;
  positiveClass: string;
  /** Comma-separated column names. */
  leaveOut: string;
  author: string;
  email: string;
  pythonVersion: string;
  awsAccountId: string;
  awsRegion: string;
  ecrRepository: string;
  flyteProject: string;
  flyteDomain: string;
  flyteEndpoint: string;
  dependencyManager: string;
  linter: string;
  gpu: boolean;
  ci: boolean;
  preCommit: boolean;
  /** A cron expression or @daily-style schedule for `full` on Flyte; '' = none. */
  schedule: string;
  interruptible: boolean;
}
export type AnswerName = keyof Answers;
export type AnswerValue = string | boolean;

/** What defaults may look at besides the answers given so far. */
export interface DefaultsSource {
  env: Record<string, string | undefined>;
  home: string;
  gitUser: { name?: string; email?: string };
  /**
   * What the data file holds (columns, kinds, a sample of rows), for the defaults of the questions
   * about it; undefined for an s3:// URI, or where no file is read (an upgrade, unit tests).
   */
  dataProfile?: (data: string) => Promise<DataProfile | undefined>;
}

export interface Question {
  name: AnswerName;
  message: string;
  /** A yes/no question: flag `--NAME` / `--no-NAME`, stored as true / false. */
  boolean?: boolean;
  choices?: readonly string[];
  /** Free text is folded to one line and escaped wherever it is written. */
  freeText?: boolean;
  /**
   * The answer names a cloud resource (or, for the project name, derives their names): an upgrade
   * never fills it with a default, which would silently re-target the project.
   */
  namesCloudResource?: boolean;
  /**
   * The answer describes the training data, checked against the file when the project is made and
   * stored resolved: an upgrade re-renders from the stored answer and takes no other (the file it
   * was read from may be gone; the project's dataset declaration is where the data changes).
   */
  describesData?: boolean;
  /** The answer as the system receiving it writes it (`EU-WEST-1` -> `eu-west-1`), before it is checked. */
  normalise?: (value: string) => string;
  /**
   * What is wrong with a valid answer given the answers before it (a schedule with local data):
   * a UserError's cause and fix, or undefined.
   */
  conflict?: (value: AnswerValue, answers: Partial<Answers>) => { cause: string; fix: string } | undefined;
  default: (answers: Partial<Answers>, source: DefaultsSource) => AnswerValue | Promise<AnswerValue>;
  validate: (value: string) => Validation;
}

const oneOf =
  (choices: readonly string[], what: string) =>
  (value: string): Validation =>
    choices.includes(value) ? true : `${shown(value)} is not a ${what}: choose ${choices.join(' or ')}`;
const yesNo = (): Validation => true;

const slugOf = (answers: Partial<Answers>): string => slugify(answers.projectName ?? '');

export const PROBLEM_TYPES = ['auto', 'binary', 'multiclass', 'regression'] as const;
export type ProblemType = (typeof PROBLEM_TYPES)[number];

/**
 * The answers about the bundled sample, resolved (what its inference gives, and what a project made
 * before the data questions trained on): Breast Cancer Wisconsin, `diagnosis` M or B.
 */
export const SAMPLE_ANSWERS = { data: SAMPLE_DATA, target: 'diagnosis', problemType: 'binary', positiveClass: 'M', leaveOut: '' } as const satisfies Partial<Answers>;

const profileOf = async (answers: Partial<Answers>, source: DefaultsSource): Promise<DataProfile | undefined> =>
  answers.data === undefined || isS3Uri(answers.data) ? undefined : source.dataProfile?.(answers.data);

export const QUESTIONS: readonly Question[] = [
  {
    name: 'projectName',
    namesCloudResource: true,
    message: 'Project name',
    freeText: true,
    default: () => 'flyte-pipeline',
    validate: validateProjectName,
  },
  {
    name: 'description',
    message: 'Description',
    freeText: true,
    default: () => 'A Flyte pipeline that trains, evaluates and reports on a model',
    validate: validateDescription,
  },
  {
    name: 'data',
    describesData: true,
    message: 'Training data (CSV or Parquet file, or s3:// URI)',
    default: () => SAMPLE_DATA,
    validate: validateData,
  },
  {
    name: 'target',
    describesData: true,
    message: 'Target column (what the model predicts)',
    // The sample's label comes first in its file; a user's table usually ends with it.
    default: async (answers, source) => (answers.data === SAMPLE_DATA ? SAMPLE_ANSWERS.target : ((await profileOf(answers, source))?.columns.at(-1)?.name ?? '')),
    validate: validateColumnName,
  },
  {
    name: 'problemType',
    describesData: true,
    message: 'Problem type',
    choices: PROBLEM_TYPES,
    default: () => 'auto',
    validate: oneOf(PROBLEM_TYPES, 'problem type'),
  },
  {
    name: 'positiveClass',
    describesData: true,
    message: 'Positive class (binary only; empty: inferred)',
    default: () => '',
    validate: validateClassValue,
  },
  {
    name: 'leaveOut',
    describesData: true,
    message: 'Columns to leave out (ids, leaks), comma-separated',
    // The id-like columns (a name with a comma cannot be listed).
    default: async (answers, source) =>
      ((await profileOf(answers, source))?.columns ?? [])
        .filter((column) => column.kind === 'id' && column.name !== answers.target && !column.name.includes(','))
        .map((column) => column.name)
        .join(','),
    validate: validateColumnList,
  },
  {
    name: 'author',
    message: 'Author',
    freeText: true,
    default: (_answers, source) => source.gitUser.name ?? '',
    validate: validateAuthor,
  },
  {
    name: 'email',
    message: 'Author email',
    default: (_answers, source) => source.gitUser.email ?? '',
    validate: validateEmail,
  },
  {
    name: 'pythonVersion',
    message: 'Python version',
    choices: PYTHON_VERSIONS,
    default: () => '3.11',
    validate: validatePythonVersion,
  },
  {
    name: 'awsAccountId',
    namesCloudResource: true,
    message: 'AWS account id (12 digits) that holds the ECR repository',
    default: (_answers, source) => source.env.AWS_ACCOUNT_ID ?? '123456789012',
    normalise: normaliseAwsAccountId,
    validate: validateAwsAccountId,
  },
  {
    name: 'awsRegion',
    namesCloudResource: true,
    message: 'AWS region',
    default: (_answers, source) => source.env.AWS_REGION ?? source.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    normalise: normaliseAwsRegion,
    validate: validateAwsRegion,
  },
  {
    name: 'ecrRepository',
    namesCloudResource: true,
    message: 'ECR repository name',
    default: slugOf,
    validate: validateEcrRepository,
  },
  {
    name: 'flyteProject',
    namesCloudResource: true,
    message: 'Flyte project id',
    default: slugOf,
    validate: validateSlug,
  },
  {
    name: 'flyteDomain',
    namesCloudResource: true,
    message: 'Flyte domain',
    choices: ['development', 'staging', 'production'],
    default: () => 'development',
    validate: validateFlyteDomain,
  },
  {
    name: 'flyteEndpoint',
    namesCloudResource: true,
    message: 'Flyte admin endpoint',
    default: (_answers, source) => flyteEndpointFromConfig(source.home) ?? 'dns:///localhost:30080',
    validate: validateFlyteEndpoint,
  },
  {
    name: 'dependencyManager',
    message: 'Dependency manager',
    choices: ['pipenv', 'uv'],
    default: () => 'pipenv',
    validate: oneOf(['pipenv', 'uv'], 'dependency manager'),
  },
  {
    name: 'linter',
    message: 'Formatter and linter',
    choices: ['black-flake8', 'ruff'],
    default: () => 'black-flake8',
    validate: oneOf(['black-flake8', 'ruff'], 'linter'),
  },
  {
    name: 'gpu',
    message: 'Train on a GPU (CUDA image, GPU request on train_model)',
    boolean: true,
    default: () => false,
    validate: yesNo,
  },
  {
    name: 'ci',
    message: 'GitHub Actions CI (lint, tests; build, push and register on main)',
    boolean: true,
    default: () => true,
    validate: yesNo,
  },
  {
    name: 'preCommit',
    message: 'pre-commit hooks (formatter, linter, hygiene)',
    boolean: true,
    default: () => true,
    validate: yesNo,
  },
  {
    name: 'schedule',
    message: 'Retraining schedule on Flyte (cron such as 0 3 * * 1, or @daily; empty: none)',
    default: () => '',
    normalise: normaliseSchedule,
    validate: validateSchedule,
    // A scheduled run starts on the cluster, which cannot read a file on this machine.
    conflict: (value, answers) =>
      value !== '' && answers.data !== undefined && !isS3Uri(answers.data)
        ? {
            cause: `--schedule needs the training data as an s3:// URI: a scheduled run starts on the cluster, which cannot read ${answers.data === SAMPLE_DATA ? 'the bundled sample' : `the local file ${shown(answers.data)}`}`,
            fix: 'pass --data s3://BUCKET/KEY.csv (the table uploaded to S3) with --target, or leave --schedule out',
          }
        : undefined,
  },
  {
    name: 'interruptible',
    message: 'Run tasks on interruptible (spot) nodes: cheaper, retried when a node is reclaimed',
    boolean: true,
    default: () => false,
    validate: yesNo,
  },
];

/** `awsRegion` -> `aws-region`. */
export function flagOf(name: AnswerName): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** The help line of a question's flag: its message, and its choices or the --no- form. */
export function flagHelp(question: Question): string {
  if (question.choices) return `${question.message} (${question.choices.join(' | ')})`;
  return question.boolean ? `${question.message} (--no-${flagOf(question.name)} for no)` : question.message;
}

export function questionByKey(key: string): Question | undefined {
  return QUESTIONS.find((question) => question.name === key || flagOf(question.name) === key);
}

/** `admin.endpoint` of ~/.flyte/config.yaml, the file flytectl and pyflyte read by default. */
export function flyteEndpointFromConfig(home: string = homedir()): string | undefined {
  const path = join(home, '.flyte', 'config.yaml');
  try {
    // Only a regular file of sane size: a FIFO would block, a huge file would stall the defaults.
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > 1_000_000) return undefined;
    const config = parseYaml(readFileSync(path, 'utf8')) as { admin?: { endpoint?: unknown } } | null;
    const endpoint = config?.admin?.endpoint;
    return typeof endpoint === 'string' && validateFlyteEndpoint(endpoint) === true ? endpoint : undefined;
  } catch {
    return undefined;
  }
}
