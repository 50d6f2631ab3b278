/**
 * `flyte-pipeline init`: create the project's ECR repository (with a lifecycle policy) and its
 * Flyte project, idempotently. Settings come from the project's .yo-rc.json; flags override them.
 * Preflight (region, names, flytectl, AWS credentials, FlyteAdmin reachable) runs before any
 * change: if it fails, nothing is made.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { GENERATOR_NAME } from '../shared/package.js';
import { UserError } from '../shared/errors.js';
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
} from '../shared/validators.js';
import {
  DEFAULT_LIFECYCLE,
  ECR_ATTEMPTS,
  ECR_TIMEOUT_MS,
  describeEcrEndpoint,
  ecrClient,
  endpointVariableProblem,
  ensureLifecyclePolicy,
  ensureRepository,
  explainAwsError,
} from './ecr.js';
import { FLYTECTL_TIMEOUT_MS, ensureFlyteProject, findOnPath, flyteEndpointOf, flyteProjectExists, flytectlWithTimeout, type Flytectl } from './flyte.js';
import { formatReport, type ResourceReport } from './outcome.js';
import { readProjectConfig } from '../shared/project-config.js';

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

export interface InitDependencies {
  ecr?: ECRClient;
  flytectl?: Flytectl;
  /** The report: each resource's line, then the last line (stdout, in the commands). */
  log: (line: string) => void;
  /** What init is waiting for (stderr, by default). */
  progress?: (line: string) => void;
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

/**
 * What ECR's lifecycle policy takes: a count of whole days since the push, a count of images. ECR
 * states no maximum but a positive integer; images are bounded by its quota of images per
 * repository (10,000 by default), days by a century, past which nothing ever expires anyway.
 */
export const LIFECYCLE_LIMITS = {
  expireUntaggedDays: { max: 36_500, why: 'a hundred years' },
  keepLastImages: { max: 10_000, why: "ECR's default quota of images per repository" },
} as const;

/** A whole number written as digits, from 1 to `limit.max`: `1e3`, `0x10`, `5.0` and 100000000000000000000 are refused, not rounded. */
function boundedInteger(value: string | number | undefined, flag: string, fallback: number, limit: { max: number; why: string }): number {
  if (value === undefined) return fallback;
  const text = String(value).trim();
  const rule = `a whole number from 1 to ${limit.max.toLocaleString('en-US')} (${limit.why})`;
  if (!/^\d{1,15}$/.test(text) || Number(text) < 1 || Number(text) > limit.max) {
    throw new UserError(`--${flag} must be ${rule}, not "${text.slice(0, 30)}${text.length > 30 ? '…' : ''}"`, `pass e.g. --${flag} ${fallback}`);
  }
  return Number(text);
}

const normaliseOptional = (value: string | undefined, normalise: (value: string) => string): string | undefined => (value === undefined ? undefined : normalise(value.trim()));

/** A dry run's step it could not check: the detail it would have had, why not, and the fix. */
function notChecked(resource: string, detail: string, problem: UserError): ResourceReport {
  return { resource, outcome: 'not checked', detail: `${detail}: ${problem.message} (fix: ${problem.fix})` };
}

/**
 * `work`, and a line on stderr if it has not ended after WAIT_NOTE_MS: a silent endpoint is said
 * to be waited on rather than looking like a hang.
 */
async function noted<T>(work: Promise<T>, note: (() => void) | undefined): Promise<T> {
  const timer = note ? setTimeout(note, WAIT_NOTE_MS) : undefined;
  timer?.unref();
  try {
    return await work;
  } finally {
    clearTimeout(timer);
  }
}

/** After this long without an answer, init says what it is waiting for. */
export const WAIT_NOTE_MS = 3_000;

export async function runInit(projectDir: string, flags: InitFlags, deps: InitDependencies): Promise<ResourceReport[]> {
  const env = deps.env ?? process.env;
  const progress = deps.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
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
    expireUntaggedDays: boundedInteger(flags.expireUntaggedDays, 'expire-untagged-days', DEFAULT_LIFECYCLE.expireUntaggedDays, LIFECYCLE_LIMITS.expireUntaggedDays),
    keepLastImages: boundedInteger(flags.keepImages, 'keep-images', DEFAULT_LIFECYCLE.keepLastImages, LIFECYCLE_LIMITS.keepLastImages),
  };
  const projectFlyteConfig = join(projectDir, 'flyte-config.yaml');
  const configPath = flags.flytectlConfig ?? env.FLYTECTL_CONFIG ?? (existsSync(projectFlyteConfig) ? projectFlyteConfig : undefined);
  if (configPath && !existsSync(configPath)) {
    throw new UserError(`flytectl config ${configPath} does not exist`, 'pass --flytectl-config with an existing file, or unset FLYTECTL_CONFIG');
  }
  const badEndpoint = endpointVariableProblem(env);
  if (badEndpoint) throw badEndpoint;

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
  const flyteProject = {
    id: projectId,
    name: flyteName,
    description,
    labels: { 'managed-by': GENERATOR_NAME },
    configPath: configPath ? resolve(configPath) : undefined,
  };
  // What could not be checked. A real run stops at the first; a dry run plans every step, each
  // step it could not check saying why in its line.
  const problems: { ecr?: UserError; flyte?: UserError } = {};
  const stopOrNote = (where: 'ecr' | 'flyte', problem: UserError): void => {
    if (!dryRun) throw problem;
    problems[where] ??= problem;
  };
  const run = deps.flytectl ?? flytectlWithTimeout(timeouts.flytectlMs, env);
  if (!deps.flytectl && !(await findOnPath('flytectl', env.PATH))) {
    stopOrNote('flyte', new UserError('flytectl is not on PATH', 'install it (https://docs.flyte.org/en/latest/flytectl/overview.html), e.g. `brew install flyteorg/homebrew-tap/flytectl`'));
  }
  const ecr = deps.ecr ?? ecrClient(region, timeouts.ecrMs);
  const explained = (error: unknown): UserError => {
    const explanation = explainAwsError(error, region, env);
    if (explanation) return explanation;
    throw error;
  };
  try {
    await ecr.config.credentials();
  } catch (error) {
    stopOrNote('ecr', explained(error));
  }
  // Read-only, and before any change: an unreachable FlyteAdmin stops us with nothing half-made.
  let flyteProjectExisted: boolean | undefined;
  if (!problems.flyte) {
    const endpoint = flyteEndpointOf(flyteProject.configPath) ?? "flytectl's configured endpoint";
    try {
      flyteProjectExisted = await noted(flyteProjectExists(run, flyteProject), () =>
        progress(`waiting for FlyteAdmin at ${endpoint} (flytectl get project)… giving up after ${Math.round(timeouts.flytectlMs / 1000)} s`),
      );
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      stopOrNote('flyte', error);
    }
  }

  const reports: ResourceReport[] = [];
  const report = (entry: ResourceReport) => {
    reports.push(entry);
    deps.log(formatReport(entry));
  };
  const expectedUri = `${ecrRegistry(accountId ?? '<account>', region)}/${repositoryName}`;
  const lifecycleDetail = `expire untagged images after ${lifecycle.expireUntaggedDays} days, keep the last ${lifecycle.keepLastImages} images`;
  // The first ECR request says what it waits for, once, if ECR is slow to answer.
  let waitSaid = false;
  const waitNote = () => {
    if (waitSaid) return;
    waitSaid = true;
    progress(`waiting for ECR at ${describeEcrEndpoint(region, env)}… giving up after ${Math.round((ECR_ATTEMPTS * timeouts.ecrMs) / 1000)} s`);
  };
  const tags = { project: slugify(stored.projectName ?? projectId) || projectId, 'flyte-project': projectId, 'managed-by': GENERATOR_NAME };
  if (!problems.ecr) {
    try {
      report(await noted(ensureRepository(ecr, { repositoryName, kmsKey: flags.kmsKey, tags }, { dryRun, expectedUri }), waitNote));
    } catch (error) {
      stopOrNote('ecr', explained(error));
    }
  }
  if (problems.ecr) report(notChecked('ECR repository', expectedUri, problems.ecr));
  if (!problems.ecr) {
    try {
      report(await noted(ensureLifecyclePolicy(ecr, repositoryName, lifecycle, { dryRun }), waitNote));
    } catch (error) {
      stopOrNote('ecr', explained(error));
    }
  }
  if (problems.ecr) report(notChecked('ECR lifecycle', lifecycleDetail, problems.ecr));
  if (problems.flyte) report(notChecked('Flyte project', projectId, problems.flyte));
  else report(await ensureFlyteProject(run, flyteProject, { dryRun, exists: flyteProjectExisted }));
  const unchecked = reports.filter((entry) => entry.outcome === 'not checked').length;
  deps.log(
    !dryRun
      ? '\nDone. Next: ./run --remote src/ full'
      : unchecked > 0
        ? `\nDry run: nothing was changed; ${unchecked} step${unchecked === 1 ? '' : 's'} could not be checked (why, and the fix, in ${unchecked === 1 ? 'its line' : 'their lines'}). A real run stops at the first.`
        : '\nDry run: nothing was changed. Run without --dry-run to apply.',
  );
  return reports;
}
