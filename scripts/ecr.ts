/**
 * The project's ECR repository, made idempotently with the AWS SDK v3 (default credential chain;
 * `AWS_ENDPOINT_URL_ECR` points it at another endpoint, such as moto_server in the tests).
 */
import {
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetLifecyclePolicyCommand,
  PutLifecyclePolicyCommand,
  type Repository,
} from '@aws-sdk/client-ecr';
import { UserError } from '../generators/lib/errors.js';
import { DEFAULT_LIFECYCLE, type LifecycleSettings } from '../generators/lib/flags.js';
import { awsDnsSuffix } from '../generators/lib/validators.js';
import type { ResourceReport } from './outcome.js';

/** How long one ECR request may wait for an answer, unless FLYTE_PIPELINE_TIMEOUT says otherwise; a connection gets less. */
export const ECR_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 10_000;

/** The ECR API endpoint the SDK talks to: AWS_ENDPOINT_URL_ECR / AWS_ENDPOINT_URL, else the region's, in its partition. */
export function ecrEndpoint(region: string, env: Record<string, string | undefined> = process.env): string {
  return env.AWS_ENDPOINT_URL_ECR ?? env.AWS_ENDPOINT_URL ?? `https://api.ecr.${region}.${awsDnsSuffix(region)}`;
}

/**
 * An ECR client whose every request gives up after `timeoutMs` (and a connection after at most
 * 10 s): an endpoint that accepts connections and never answers cannot hang init.
 */
export function ecrClient(region: string, timeoutMs: number = ECR_TIMEOUT_MS): ECRClient {
  return new ECRClient({
    region,
    // Each attempt is bounded; the SDK's retries (3 attempts) bound the whole.
    requestHandler: { connectionTimeout: Math.min(CONNECT_TIMEOUT_MS, timeoutMs), requestTimeout: timeoutMs, throwOnRequestTimeout: true },
  });
}

export interface RepositorySettings {
  repositoryName: string;
  /** A KMS key id or ARN; AES256 when absent. */
  kmsKey?: string;
  /** Tags set on creation (ECR does not re-tag here). */
  tags: Record<string, string>;
}

export { DEFAULT_LIFECYCLE, type LifecycleSettings };

/** The lifecycle policy text: expire untagged images after N days, keep the last M images. */
export function lifecyclePolicy({ expireUntaggedDays, keepLastImages }: LifecycleSettings): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images after ${expireUntaggedDays} days`,
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: expireUntaggedDays },
        action: { type: 'expire' },
      },
      {
        rulePriority: 2,
        description: `Keep the last ${keepLastImages} images`,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keepLastImages },
        action: { type: 'expire' },
      },
    ],
  });
}

/** Key-order-insensitive JSON, so a policy read back from ECR compares equal to ours. */
function canonicalJson(text: string): string {
  const sort = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sort)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([key, inner]) => [key, sort(inner)]))
        : value;
  try {
    return JSON.stringify(sort(JSON.parse(text)));
  } catch {
    return text;
  }
}

const errorName = (error: unknown): string => (error as { name?: string } | null)?.name ?? '';

export async function describeRepository(client: ECRClient, repositoryName: string): Promise<Repository | undefined> {
  try {
    const { repositories } = await client.send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName] }));
    return repositories?.[0];
  } catch (error) {
    if (errorName(error) === 'RepositoryNotFoundException') return undefined;
    throw error;
  }
}

export async function ensureRepository(
  client: ECRClient,
  settings: RepositorySettings,
  { dryRun, expectedUri }: { dryRun: boolean; expectedUri: string },
): Promise<ResourceReport & { repositoryUri: string }> {
  const encryption = settings.kmsKey ? `KMS key ${settings.kmsKey}` : 'AES256';
  const detail = (uri: string) => `${uri} (scan on push, immutable tags, ${encryption})`;
  const existing = await describeRepository(client, settings.repositoryName);
  if (existing) {
    const uri = existing.repositoryUri ?? expectedUri;
    return { resource: 'ECR repository', outcome: 'already existed', detail: uri, repositoryUri: uri };
  }
  if (dryRun) return { resource: 'ECR repository', outcome: 'would create', detail: detail(expectedUri), repositoryUri: expectedUri };
  try {
    const { repository } = await client.send(
      new CreateRepositoryCommand({
        repositoryName: settings.repositoryName,
        imageScanningConfiguration: { scanOnPush: true },
        imageTagMutability: 'IMMUTABLE',
        encryptionConfiguration: settings.kmsKey ? { encryptionType: 'KMS', kmsKey: settings.kmsKey } : { encryptionType: 'AES256' },
        tags: Object.entries(settings.tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    const uri = repository?.repositoryUri ?? expectedUri;
    return { resource: 'ECR repository', outcome: 'created', detail: detail(uri), repositoryUri: uri };
  } catch (error) {
    // Created by someone else between our describe and create: that is the state we wanted.
    if (errorName(error) === 'RepositoryAlreadyExistsException') {
      return { resource: 'ECR repository', outcome: 'already existed', detail: expectedUri, repositoryUri: expectedUri };
    }
    throw error;
  }
}

export async function ensureLifecyclePolicy(
  client: ECRClient,
  repositoryName: string,
  lifecycle: LifecycleSettings,
  { dryRun }: { dryRun: boolean },
): Promise<ResourceReport> {
  const wanted = lifecyclePolicy(lifecycle);
  const detail = `expire untagged images after ${lifecycle.expireUntaggedDays} days, keep the last ${lifecycle.keepLastImages} images`;
  let current: string | undefined;
  try {
    current = (await client.send(new GetLifecyclePolicyCommand({ repositoryName }))).lifecyclePolicyText;
  } catch (error) {
    // No policy yet, or (in a dry run) no repository yet.
    if (!['LifecyclePolicyNotFoundException', 'RepositoryNotFoundException'].includes(errorName(error))) throw error;
  }
  if (current !== undefined && canonicalJson(current) === canonicalJson(wanted)) {
    return { resource: 'ECR lifecycle', outcome: 'unchanged', detail };
  }
  const outcome = current === undefined ? 'created' : 'updated';
  if (dryRun) return { resource: 'ECR lifecycle', outcome: outcome === 'created' ? 'would create' : 'would update', detail };
  await client.send(new PutLifecyclePolicyCommand({ repositoryName, lifecyclePolicyText: wanted }));
  return { resource: 'ECR lifecycle', outcome, detail };
}

/** AWS SDK failures a user can act on, as cause + fix; anything else is rethrown as is. */
export function explainAwsError(error: unknown, region: string, endpoint: string = ecrEndpoint(region)): UserError | undefined {
  const name = errorName(error);
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  switch (name) {
    case 'TimeoutError':
    case 'RequestTimeout':
    case 'RequestTimeoutException':
      return new UserError(
        `ECR at ${endpoint} did not answer in time (${message.replace(/^@smithy\/\S+ - \[\w+\] /, '')}), so init stopped`,
        'check the network (VPN, proxy) and --aws-region, and AWS_ENDPOINT_URL_ECR if set; set FLYTE_PIPELINE_TIMEOUT=SECONDS to wait longer',
      );
    case 'CredentialsProviderError':
      return new UserError('no AWS credentials found', 'set AWS_PROFILE (aws configure / aws sso login), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    case 'AccessDeniedException':
    case 'AccessDenied':
      return new UserError(`AWS denied access: ${message}`, 'use credentials allowed ecr:DescribeRepositories, ecr:CreateRepository, ecr:GetLifecyclePolicy, ecr:PutLifecyclePolicy');
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'ExpiredTokenException':
      return new UserError(`AWS rejected the credentials (${name})`, 'refresh them: aws sso login, or new keys in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY');
    case 'ThrottlingException':
    case 'TooManyRequestsException':
      return new UserError('AWS throttled the ECR requests, still after the SDK retried', 'wait a minute and run it again; it is safe to re-run');
    case 'InvalidParameterException':
      return new UserError(`ECR refused the request: ${message}`, 'check --ecr-repository and --kms-key');
    case 'KmsException':
      return new UserError(`ECR could not use the KMS key: ${message}`, 'pass a key ECR may use with --kms-key, or leave it out for AES256');
    default:
      if (/getaddrinfo|ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|socket hang up/.test(message)) {
        return new UserError(`cannot reach ECR at ${endpoint} (${region}): ${message}`, 'check the network, --aws-region, and AWS_ENDPOINT_URL_ECR if set');
      }
      return undefined;
  }
}
