/**
 * The flags of each generator besides one per question, with their help. They live here, apart from
 * the generators, so that `flyte-pipeline --help` can list them without loading yeoman or the AWS SDK.
 */

/** Flags of the app generator (`flyte-pipeline new`) besides one per question. */
export const APP_FLAGS = {
  defaults: { type: Boolean, description: 'Take the default of every question not answered by a flag or --answers' },
  answers: { type: String, description: 'YAML or JSON file of answers, keyed by flag name (aws-region: eu-west-1)' },
  'skip-install': { type: Boolean, description: 'Do not install the Python dependencies (pipenv install --dev, or uv sync)' },
  init: { type: Boolean, description: 'Create the ECR repository and Flyte project right after generating' },
  force: { type: Boolean, description: 'Write into a folder that is not empty, overwriting its files' },
  'skip-git': { type: Boolean, description: 'Do not make the project a git repository (git init and a first commit of the generated files)' },
} as const;

/** Flags of `flyte-pipeline upgrade` (it runs the app generator inside a project). */
export const UPGRADE_FLAGS = {
  upgrade: { type: Boolean, description: 'Upgrade the project in this folder to the current template' },
  'dry-run': { type: Boolean, description: 'With upgrade: list what would change, write nothing' },
} as const;

/** Flags of `flyte-pipeline workflow NAME`. */
export const WORKFLOW_FLAGS = {
  after: { type: String, description: 'Also run the new step in `full`, right after this step (one whose output is a table)' },
} as const;

export interface LifecycleSettings {
  expireUntaggedDays: number;
  keepLastImages: number;
}

/** The ECR lifecycle policy `flyte-pipeline init` sets unless told otherwise. */
export const DEFAULT_LIFECYCLE: LifecycleSettings = { expireUntaggedDays: 14, keepLastImages: 100 };

/** Flags of `flyte-pipeline init` besides --dry-run, with their help text; the generator declares them from here. */
export const INIT_FLAGS = {
  'aws-region': 'AWS region (default: the project answer, then AWS_REGION)',
  'aws-account-id': 'AWS account id (default: the project answer)',
  'ecr-repository': 'ECR repository name (default: the project answer)',
  'flyte-project': 'Flyte project id (default: the project answer)',
  'kms-key': 'KMS key id or ARN to encrypt the repository with (default: AES256)',
  'expire-untagged-days': `expire untagged images after this many days (default ${DEFAULT_LIFECYCLE.expireUntaggedDays})`,
  'keep-images': `keep at most this many images (default ${DEFAULT_LIFECYCLE.keepLastImages})`,
  'flytectl-config': 'flytectl config file (default: FLYTECTL_CONFIG, then the project flyte-config.yaml)',
} as const;

/** Flags of the init generator: INIT_FLAGS as yeoman options, and --dry-run. */
export const INIT_GENERATOR_FLAGS = {
  ...Object.fromEntries(Object.entries(INIT_FLAGS).map(([name, description]) => [name, { type: String, description }])),
  'dry-run': { type: Boolean, description: 'Print what would be created, updated or left alone; change nothing' },
} as const;
