/**
 * Pure validators for every answer. Each returns `true` or a one-line message naming the rule,
 * so the same function serves the interactive prompt, the flag and the answers file.
 */
export type Validation = true | string;

export const PYTHON_VERSIONS = ['3.10', '3.11', '3.12'] as const;
export type PythonVersion = (typeof PYTHON_VERSIONS)[number];

/** DNS-1123 label: what Kubernetes, and so a Flyte project id, accepts. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** ECR's repository-name pattern (CreateRepository API reference). */
const ECR_REPOSITORY = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** Commercial, GovCloud, China and ISO partitions: us-east-1, us-gov-west-1, cn-north-1, us-isob-east-1. */
const AWS_REGION = /^(?:[a-z]{2})-(?:gov-|iso[a-z]?-)?(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-\d{1,2}$/;
const EMAIL = /^[^\s@"'`\\<>]+@[^\s@"'`\\<>]+\.[^\s@"'`\\<>]+$/;
/** A gRPC target as flytectl/pyflyte take it: dns:///host:port, host:port, or an http(s) URL. */
const FLYTE_ENDPOINT = /^(?:dns:\/\/\/|https?:\/\/)?[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?$/;

export function validateSlug(value: string): Validation {
  if (value.length === 0) return 'the name must contain at least one letter or digit';
  if (value.length > 63) return `"${value}" is ${value.length} characters; a Flyte project id is at most 63`;
  return DNS_LABEL.test(value)
    ? true
    : `"${value}" is not a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit`;
}

export function validateProjectName(value: string): Validation {
  if (value.trim().length === 0) return 'the project name is empty';
  const slug = slugify(value);
  return slug.length === 0
    ? `"${value}" has no letter or digit to make a project id from (rule: [a-z0-9]([-a-z0-9]*[a-z0-9])?)`
    : validateSlug(slug);
}

export function validateEcrRepository(value: string): Validation {
  if (value.length < 2 || value.length > 256) return 'an ECR repository name is 2 to 256 characters';
  return ECR_REPOSITORY.test(value)
    ? true
    : `"${value}" is not a valid ECR repository name: lowercase letters and digits, separated by single ".", "_", "-" or "/"`;
}

export function validateAwsAccountId(value: string): Validation {
  return /^\d{12}$/.test(value) ? true : `"${value}" is not an AWS account id: exactly 12 digits`;
}

export function validateAwsRegion(value: string): Validation {
  return AWS_REGION.test(value) ? true : `"${value}" is not an AWS region: it looks like us-east-1 or eu-west-2`;
}

export function validateEmail(value: string): Validation {
  return value === '' || EMAIL.test(value) ? true : `"${value}" is not an email address (name@example.com), or leave it empty`;
}

export function validatePythonVersion(value: string): Validation {
  return (PYTHON_VERSIONS as readonly string[]).includes(value)
    ? true
    : `Python "${value}" is not supported: flytekit 1.16 runs on ${PYTHON_VERSIONS.join(', ')}`;
}

export function validateFlyteDomain(value: string): Validation {
  return DNS_LABEL.test(value) && value.length <= 63
    ? true
    : `"${value}" is not a Flyte domain: a DNS-1123 label such as development, staging or production`;
}

export function validateFlyteEndpoint(value: string): Validation {
  return FLYTE_ENDPOINT.test(value)
    ? true
    : `"${value}" is not a Flyte admin endpoint: host:port, dns:///host:port or https://host`;
}

/** Free text (description, author): line breaks are folded to spaces first; other control characters are refused. */
export function validateFreeText(value: string): Validation {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b-\u001f\u007f]/.test(value) ? 'the text contains control characters' : true;
}

/** "Churn Model" -> "churn-model": the folder, Flyte project id, ECR repository and image name. */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
