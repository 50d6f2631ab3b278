/**
 * `flyte-pipeline init`: create the project's ECR repository (with a lifecycle policy) and its
 * Flyte project, idempotently. Settings come from the project's .yo-rc.json; flags override them.
 * Preflight (region, names, flytectl, AWS credentials, FlyteAdmin reachable) runs before any
 * change: if it fails, nothing is made.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { GENERATOR_NAME } from '../generators/lib/context.js';
import { UserError } from '../generators/lib/errors.js';
import {
  ecrRegistry,
  flyteProjectDisplayName,
  normaliseAwsAccountId,
  normaliseAwsRegion,
  slugify,
  validateAwsAccountId,
  validateAwsRegion,
  validateDescription,
  validateEcrRepository,
  validateProjectName,
  validateSlug,
  type Validation,
} from '../generators/lib/validators.js';
import { INIT_FLAGS } from '../generators/lib/flags.js';
import { DEFAULT_LIFECYCLE, ECR_TIMEOUT_MS, ecrClient, ecrEndpoint, ensureLifecyclePolicy, ensureRepository, explainAwsError } from './ecr.js';
import { FLYTECTL_TIMEOUT_MS, ensureFlyteProject, findOnPath, flyteProjectExists, flytectlWithTimeout, type Flytectl } from './flyte.js';
import { formatReport, type ResourceReport } from './outcome.js';
import { readProjectConfig } from './project-config.js';

export interface InitFlags {
  awsRegion?: string;
  awsAccountId?: string;
  ecrRepository?: string;
  flyteProject?: string;
  kmsKey?: string;
  expireUntaggedDays?: string | number;
  keepImages?: string | number;
  flytectlConfig?: string;
  dryRun?: boolean;
}

export { INIT_FLAGS };

export interface InitDependencies {
  ecr?: ECRClient;
  flytectl?: Flytectl;
  log: (line: string) => void;
  env?: Record<string, string | undefined>;
}

/**
 * FLYTE_PIPELINE_TIMEOUT (seconds) bounds every network call (each ECR request, each flytectl run);
 * without it ECR requests wait 30 s and flytectl 120 s (time for an interactive login).
 */
export function networkTimeouts(env: Record<string, string | undefined>): { ecrMs: number; flytectlMs: number } {
  const raw = env.FLYTE_PIPELINE_TIMEOUT;
  if (raw === undefined || raw === '') return { ecrMs: ECR_TIMEOUT_MS, flytectlMs: FLYTECTL_TIMEOUT_MS };
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new UserError(`FLYTE_PIPELINE_TIMEOUT=${raw.slice(0, 20)} is not a number of seconds (more than 0, at most 3600)`, 'set it to e.g. 60, or unset it for the defaults');
  }
  return { ecrMs: seconds * 1000, flytectlMs: seconds * 1000 };
}

function required(value: string | undefined, flag: string, validate: (value: string) => Validation): string {
  if (!value) {
    throw new UserError(
      `no ${flag.replace(/-/g, ' ')} known: this folder has no .yo-rc.json made by ${GENERATOR_NAME}`,
      `run it inside a generated project, or pass --${flag}`,
    );
  }
  const validation = validate(value);
  if (validation !== true) throw new UserError(`--${flag}: ${validation}`, `pass a valid --${flag}`);
  return value;
}

function positiveInteger(value: string | number | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new UserError(`--${flag} must be a whole number of at least 1, not "${value}"`, `pass e.g. --${flag} ${fallback}`);
  return number;
}

const normaliseOptional = (value: string | undefined, normalise: (value: string) => string): string | undefined => (value === undefined ? undefined : normalise(value.trim()));

export async function runInit(projectDir: string, flags: InitFlags, deps: InitDependencies): Promise<ResourceReport[]> {
  const env = deps.env ?? process.env;
  const stored = readProjectConfig(projectDir) ?? {};
  const dryRun = Boolean(flags.dryRun);
  const timeouts = networkTimeouts(env);

  // As `new` takes them: EU-WEST-1 is eu-west-1, 2109-8765-4321 is 210987654321.
  const region = normaliseOptional(flags.awsRegion, normaliseAwsRegion) ?? stored.awsRegion ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) throw new UserError('no AWS region: the project has none and AWS_REGION is not set', 'pass --aws-region, e.g. --aws-region us-east-1');
  required(region, 'aws-region', validateAwsRegion);
  const repositoryName = required(flags.ecrRepository ?? stored.ecrRepository, 'ecr-repository', validateEcrRepository);
  const projectId = required(flags.flyteProject ?? stored.flyteProject, 'flyte-project', validateSlug);
  const accountId = normaliseOptional(flags.awsAccountId, normaliseAwsAccountId) ?? stored.awsAccountId;
  if (accountId !== undefined) required(accountId, 'aws-account-id', validateAwsAccountId);
  const lifecycle = {
    expireUntaggedDays: positiveInteger(flags.expireUntaggedDays, 'expire-untagged-days', DEFAULT_LIFECYCLE.expireUntaggedDays),
    keepLastImages: positiveInteger(flags.keepImages, 'keep-images', DEFAULT_LIFECYCLE.keepLastImages),
  };
  const projectFlyteConfig = join(projectDir, 'flyte-config.yaml');
  const configPath = flags.flytectlConfig ?? env.FLYTECTL_CONFIG ?? (existsSync(projectFlyteConfig) ? projectFlyteConfig : undefined);
  if (configPath && !existsSync(configPath)) {
    throw new UserError(`flytectl config ${configPath} does not exist`, 'pass --flytectl-config with an existing file, or unset FLYTECTL_CONFIG');
  }

  // Preflight: nothing is created unless every check passes.
  // What FlyteAdmin would refuse, refused now: before the ECR repository exists, not after.
  const flyteName = flyteProjectDisplayName(stored.projectName ?? projectId);
  const description = stored.description ?? '';
  for (const [validation, key] of [
    [validateProjectName(stored.projectName ?? projectId), 'projectName'],
    [validateDescription(description), 'description'],
  ] as const) {
    if (validation !== true) throw new UserError(`.yo-rc.json "${key}": ${validation}`, `shorten it in .yo-rc.json (or regenerate with a valid --${key === 'projectName' ? 'project-name' : 'description'}), then run init again`);
  }
  const run = deps.flytectl ?? flytectlWithTimeout(timeouts.flytectlMs, env);
  if (!deps.flytectl && !(await findOnPath('flytectl', env.PATH))) {
    throw new UserError('flytectl is not on PATH', 'install it (https://docs.flyte.org/en/latest/flytectl/overview.html), e.g. `brew install flyteorg/homebrew-tap/flytectl`');
  }
  const ecr = deps.ecr ?? ecrClient(region, timeouts.ecrMs);
  const endpoint = ecrEndpoint(region, env);
  try {
    await ecr.config.credentials();
  } catch (error) {
    throw explainAwsError(error, region, endpoint) ?? error;
  }
  const flyteProject = {
    id: projectId,
    name: flyteName,
    description,
    labels: { 'managed-by': GENERATOR_NAME },
    configPath: configPath ? resolve(configPath) : undefined,
  };
  // Read-only, and before any change: an unreachable FlyteAdmin stops us with nothing half-made.
  const flyteProjectExisted = await flyteProjectExists(run, flyteProject);

  const reports: ResourceReport[] = [];
  const report = (entry: ResourceReport) => {
    reports.push(entry);
    deps.log(formatReport(entry));
  };
  try {
    const tags = { project: slugify(stored.projectName ?? projectId) || projectId, 'flyte-project': projectId, 'managed-by': GENERATOR_NAME };
    const expectedUri = `${ecrRegistry(accountId ?? '<account>', region)}/${repositoryName}`;
    report(await ensureRepository(ecr, { repositoryName, kmsKey: flags.kmsKey, tags }, { dryRun, expectedUri }));
    report(await ensureLifecyclePolicy(ecr, repositoryName, lifecycle, { dryRun }));
  } catch (error) {
    throw explainAwsError(error, region, endpoint) ?? error;
  }
  report(await ensureFlyteProject(run, flyteProject, { dryRun, exists: flyteProjectExisted }));
  deps.log(dryRun ? '\nDry run: nothing was changed. Run without --dry-run to apply.' : '\nDone. Next: ./run --remote src/ full');
  return reports;
}
