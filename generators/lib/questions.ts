/**
 * The one table of questions. Each record is the prompt, the kebab-case CLI flag, the key in an
 * `--answers` file and the key stored in `.yo-rc.json`; everything else is derived from it.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  PYTHON_VERSIONS,
  slugify,
  shown,
  validateAuthor,
  validateAwsAccountId,
  validateAwsRegion,
  validateDescription,
  validateEcrRepository,
  validateEmail,
  validateFlyteDomain,
  validateFlyteEndpoint,
  validateProjectName,
  validatePythonVersion,
  validateSlug,
  type Validation,
} from './validators.js';

export interface Answers {
  projectName: string;
  description: string;
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
}
export type AnswerName = keyof Answers;
export type AnswerValue = string | boolean;

/** What defaults may look at besides the answers given so far. */
export interface DefaultsSource {
  env: Record<string, string | undefined>;
  home: string;
  gitUser: { name?: string; email?: string };
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
  default: (answers: Partial<Answers>, source: DefaultsSource) => AnswerValue;
  validate: (value: string) => Validation;
}

const oneOf =
  (choices: readonly string[], what: string) =>
  (value: string): Validation =>
    choices.includes(value) ? true : `${shown(value)} is not a ${what}: choose ${choices.join(' or ')}`;
const yesNo = (): Validation => true;

const slugOf = (answers: Partial<Answers>): string => slugify(answers.projectName ?? '');

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
    validate: validateAwsAccountId,
  },
  {
    name: 'awsRegion',
    namesCloudResource: true,
    message: 'AWS region',
    default: (_answers, source) => source.env.AWS_REGION ?? source.env.AWS_DEFAULT_REGION ?? 'us-east-1',
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
