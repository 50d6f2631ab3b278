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
import { UserError } from '../shared/errors.js';
import { DEFAULT_LIFECYCLE, type LifecycleSettings } from '../shared/flags.js';
import { awsDnsSuffix } from '../shared/validators.js';
import type { ResourceReport } from './outcome.js';

/**
 * How long one attempt at an ECR request may wait for an answer, unless FLYTE_PIPELINE_TIMEOUT
 * says otherwise; a connection gets less. With ECR_ATTEMPTS, an endpoint that accepts connections
 * and never answers is given up on within 60 s (ECR answers in well under a second).
 */
export const ECR_TIMEOUT_MS = 20_000;
export const ECR_ATTEMPTS = 2;
const CONNECT_TIMEOUT_MS = 10_000;

type Env = Record<string, string | undefined>;

/** The variable that points ECR elsewhere, when one does: AWS_ENDPOINT_URL_ECR, else AWS_ENDPOINT_URL (both read by the AWS SDK). */
export function endpointVariable(env: Env = process.env): 'AWS_ENDPOINT_URL_ECR' | 'AWS_ENDPOINT_URL' | undefined {
  return env.AWS_ENDPOINT_URL_ECR ? 'AWS_ENDPOINT_URL_ECR' : env.AWS_ENDPOINT_URL ? 'AWS_ENDPOINT_URL' : undefined;
}

/** The ECR API endpoint of `region`, in its partition. */
export function regionalEcrEndpoint(region: string): string {
  return `https://api.ecr.${region}.${awsDnsSuffix(region)}`;
}

/** The ECR API endpoint the SDK talks to: AWS_ENDPOINT_URL_ECR / AWS_ENDPOINT_URL, else the region's. */
export function ecrEndpoint(region: string, env: Env = process.env): string {
  const variable = endpointVariable(env);
  return variable ? (env[variable] as string) : regionalEcrEndpoint(region);
}

/** `http://127.0.0.1:4566 (AWS_ENDPOINT_URL_ECR)` or `https://api.ecr.eu-west-1.amazonaws.com (region eu-west-1)`: where ECR is, and why there. */
export function describeEcrEndpoint(region: string, env: Env = process.env): string {
  return `${ecrEndpoint(region, env)} (${endpointVariable(env) ?? `region ${region}`})`;
}

/** What to check when ECR cannot be reached or answers as something else: the variable that points it there, or the region. */
export function ecrEndpointFix(region: string, env: Env = process.env): string {
  const variable = endpointVariable(env);
  if (variable === 'AWS_ENDPOINT_URL_ECR') return `check AWS_ENDPOINT_URL_ECR=${env.AWS_ENDPOINT_URL_ECR}: it must be an ECR API endpoint reachable from here; unset it to use ${region}'s, ${regionalEcrEndpoint(region)}`;
  if (variable === 'AWS_ENDPOINT_URL') return `check AWS_ENDPOINT_URL=${env.AWS_ENDPOINT_URL}, which ECR is reached at (AWS_ENDPOINT_URL_ECR would override it for ECR); unset it to use ${region}'s, ${regionalEcrEndpoint(region)}`;
  return `check the network (VPN, proxy, firewall) to ${regionalEcrEndpoint(region)}, and the region ${region} (--aws-region)`;
}

/** An endpoint variable that is not an http(s) URL: the SDK would fail on every request with "Invalid URL". */
export function endpointVariableProblem(env: Env = process.env): UserError | undefined {
  const variable = endpointVariable(env);
  if (!variable) return undefined;
  const value = env[variable] as string;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:')) return undefined;
  return new UserError(`${variable}=${value.slice(0, 100)} is not an http(s) URL, so ECR cannot be reached through it`, `set ${variable} to ECR's endpoint (https://host[:port]), or unset it to use the region's`);
}

/**
 * An ECR client whose every attempt gives up after `timeoutMs` (and a connection after at most
 * 10 s), ECR_ATTEMPTS attempts in all: an endpoint that accepts connections and never answers
 * cannot hang init.
 */
export function ecrClient(region: string, timeoutMs: number = ECR_TIMEOUT_MS): ECRClient {
  return new ECRClient({
    region,
    maxAttempts: ECR_ATTEMPTS,
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

/** Node's codes for a connection that failed, or an answer that was not HTTP, or TLS that did not match. */
const NETWORK_CODE = /^(?:ECONNREFUSED|ECONNRESET|ECONNABORTED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|EPIPE|EPROTO|ERR_INVALID_URL|HPE_\w+|CERT_\w+|ERR_TLS_\w+|ERR_SSL_\w+|UNABLE_TO_\w+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)$/;

function networkCode(error: unknown): string | undefined {
  for (let current = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; current && depth < 4; current = current.cause as typeof current, depth += 1) {
    if (typeof current.code === 'string' && NETWORK_CODE.test(current.code)) return current.code;
  }
  // A Node error from another realm (a test's VM) reaches here re-wrapped, its code only in its message.
  const message = error instanceof Error ? error.message : String(error);
  return /getaddrinfo|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|EPROTO|socket hang up|Parse Error|certificate|SSL routines/.test(message) ? 'network' : undefined;
}

/**
 * AWS SDK failures a user can act on, as cause + fix; anything else is rethrown as is. A failure
 * to reach ECR, or an answer that is not ECR's, names the endpoint, and its fix names the
 * variable that points ECR there (AWS_ENDPOINT_URL_ECR) or the region.
 */
export function explainAwsError(error: unknown, region: string, env: Env = process.env): UserError | undefined {
  const name = errorName(error);
  const message = (error instanceof Error ? error.message : String(error))
    .split('\n')[0]
    .replace(/^AWS SDK error wrapper for (?:Error: )?/, '')
    .slice(0, 200);
  const endpoint = describeEcrEndpoint(region, env);
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  switch (name) {
    case 'TimeoutError':
    case 'RequestTimeout':
    case 'RequestTimeoutException':
      return new UserError(
        `ECR at ${ecrEndpoint(region, env)} did not answer in time (${message.replace(/^@smithy\/\S+ - \[\w+\] /, '')}), so init stopped`,
        `${ecrEndpointFix(region, env)}; set FLYTE_PIPELINE_TIMEOUT=SECONDS to wait longer`,
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
    default: {
      const code = networkCode(error);
      if (code) return new UserError(`cannot reach ECR at ${endpoint}: ${message}`, ecrEndpointFix(region, env));
      // An HTTP answer that is not ECR's API (a web page, a proxy's error, plain text): not JSON, or no error ECR sends.
      if (status !== undefined && (name === 'SyntaxError' || name === 'Unknown' || name === 'UnknownError' || name === 'Error')) {
        return new UserError(`${endpoint} answered HTTP ${status} with something other than ECR's API (${message.replace(/\s*Deserialization error.*$/, '')})`, ecrEndpointFix(region, env));
      }
      return undefined;
    }
  }
}
