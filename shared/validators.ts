/**
 * Pure validators for every answer. Each returns `true` or a one-line message naming the rule,
 * so the same function serves the interactive prompt, the flag and the answers file. The rules
 * are the target systems' own (FlyteAdmin, ECR, AWS regions), so a value accepted here is not
 * refused later by the cluster, after something was already created.
 */
export type Validation = true | string;

export const PYTHON_VERSIONS = ['3.10', '3.11', '3.12'] as const;
export type PythonVersion = (typeof PYTHON_VERSIONS)[number];

/** FlyteAdmin's limits on a project (flyteadmin validation/project_validator.go), in bytes of UTF-8 (Go's len). */
export const FLYTE_PROJECT_NAME_MAX_BYTES = 64;
export const FLYTE_DESCRIPTION_MAX_BYTES = 300;
/** An author's name: generous, but bounded. */
export const AUTHOR_MAX_CHARACTERS = 200;
/** RFC 5321: the longest forward path. */
export const EMAIL_MAX_CHARACTERS = 254;
/**
 * No answer is longer, whatever it is: checked first, before any other work, so a hostile
 * 50 MB value is refused at once instead of being folded, matched and rendered.
 */
export const ANSWER_MAX_CHARACTERS = 1024;

/**
 * AWS partitions with their regions and DNS suffix, as the AWS SDK's partition table lists them.
 * ECR's registry is `<account>.dkr.ecr.<region>.<dnsSuffix>`: China's is under amazonaws.com.cn.
 */
export interface AwsPartition {
  id: string;
  dnsSuffix: string;
  regions: readonly string[];
}

export const AWS_PARTITIONS: readonly AwsPartition[] = [
  {
    id: 'aws',
    dnsSuffix: 'amazonaws.com',
    regions: [
      'af-south-1',
      'ap-east-1',
      'ap-east-2',
      'ap-northeast-1',
      'ap-northeast-2',
      'ap-northeast-3',
      'ap-south-1',
      'ap-south-2',
      'ap-southeast-1',
      'ap-southeast-2',
      'ap-southeast-3',
      'ap-southeast-4',
      'ap-southeast-5',
      'ap-southeast-6',
      'ap-southeast-7',
      'ca-central-1',
      'ca-west-1',
      'eu-central-1',
      'eu-central-2',
      'eu-north-1',
      'eu-south-1',
      'eu-south-2',
      'eu-west-1',
      'eu-west-2',
      'eu-west-3',
      'il-central-1',
      'me-central-1',
      'me-south-1',
      'me-west-1',
      'mx-central-1',
      'sa-east-1',
      'sa-west-1',
      'us-east-1',
      'us-east-2',
      'us-west-1',
      'us-west-2',
    ],
  },
  { id: 'aws-cn', dnsSuffix: 'amazonaws.com.cn', regions: ['cn-north-1', 'cn-northwest-1'] },
  { id: 'aws-us-gov', dnsSuffix: 'amazonaws.com', regions: ['us-gov-east-1', 'us-gov-west-1'] },
  { id: 'aws-eusc', dnsSuffix: 'amazonaws.eu', regions: ['eusc-de-east-1'] },
  { id: 'aws-iso', dnsSuffix: 'c2s.ic.gov', regions: ['us-iso-east-1', 'us-iso-west-1'] },
  { id: 'aws-iso-b', dnsSuffix: 'sc2s.sgov.gov', regions: ['us-isob-east-1', 'us-isob-west-1'] },
  { id: 'aws-iso-e', dnsSuffix: 'cloud.adc-e.uk', regions: ['eu-isoe-west-1'] },
  { id: 'aws-iso-f', dnsSuffix: 'csp.hci.ic.gov', regions: ['us-isof-east-1', 'us-isof-south-1'] },
];

export function awsPartitionOf(region: string): AwsPartition | undefined {
  return AWS_PARTITIONS.find((partition) => partition.regions.includes(region));
}

/** The DNS suffix of ECR's endpoints in `region`'s partition: amazonaws.com, amazonaws.com.cn, … */
export function awsDnsSuffix(region: string): string {
  return awsPartitionOf(region)?.dnsSuffix ?? 'amazonaws.com';
}

/** `<account>.dkr.ecr.<region>.<suffix>`: where the project's images live. */
export function ecrRegistry(accountId: string, region: string): string {
  return `${accountId}.dkr.ecr.${region}.${awsDnsSuffix(region)}`;
}

/** DNS-1123 label: what Kubernetes, and so a Flyte project id, accepts. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** ECR's repository-name pattern (CreateRepository API reference). */
const ECR_REPOSITORY = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const EMAIL = /^[^\s@"'`\\<>]+@[^\s@"'`\\<>]+\.[^\s@"'`\\<>]+$/;
/**
 * A gRPC target as flytectl and pyflyte take it: host[:port], dns:///host[:port] or
 * http(s)://host[:port]; without a port, gRPC connects to 443 (`flytectl config init --host
 * flyte.example.com` writes `dns:///flyte.example.com`).
 */
const FLYTE_ENDPOINT = /^(?:dns:\/\/\/|https?:\/\/)?[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?$/;
/**
 * Characters no answer may hold: C0 and C1 controls, DEL, Unicode line and paragraph separators
 * (line breaks to YAML 1.1 and JavaScript), bidirectional overrides (text that reads other than it
 * runs), the BOM, non-characters, and lone surrogates (no UTF-8 for them).
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const utf8Bytes = (value: string): number => Buffer.byteLength(value, 'utf8');

/** The first character no answer may hold, described; undefined when there is none. */
export function forbiddenCharacter(value: string): string | undefined {
  const match = FORBIDDEN_CHARACTER.exec(value);
  if (!match) return undefined;
  const code = match[0].codePointAt(0) ?? 0;
  const kind = code >= 0xd800 && code <= 0xdfff ? 'a lone surrogate' : code === 0x9 ? 'a tab' : 'a control or invisible formatting character';
  return `${kind} (U+${code.toString(16).toUpperCase().padStart(4, '0')}) at position ${match.index + 1}`;
}

function checkedText(value: string, what: string): Validation {
  if (value.length > ANSWER_MAX_CHARACTERS) return `the ${what} is ${value.length} characters long; at most ${ANSWER_MAX_CHARACTERS}`;
  const forbidden = forbiddenCharacter(value);
  return forbidden ? `the ${what} holds ${forbidden}; only printable text is allowed` : true;
}

const FORBIDDEN_CHARACTERS = new RegExp(FORBIDDEN_CHARACTER.source, 'g');

/** `"a…z"`: a value quoted in a message, shortened and made printable, so a hostile answer cannot flood or drive the terminal. */
export function shown(value: string, max = 60): string {
  const short = value.length > max ? `${value.slice(0, max)}…` : value;
  return `"${short.replace(FORBIDDEN_CHARACTERS, '?')}"`;
}

export function validateSlug(value: string): Validation {
  if (value.length === 0) return 'the name must contain at least one letter or digit';
  if (value.length > 63) return `${shown(value)} is ${value.length} characters; a Flyte project id is at most 63`;
  return DNS_LABEL.test(value)
    ? true
    : `${shown(value)} is not a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit`;
}

/** The project's name as FlyteAdmin gets it (`flytectl create project --name`), which takes no whitespace. */
export function flyteProjectDisplayName(projectName: string): string {
  return projectName.trim().replace(/\s+/g, '-');
}

export function validateProjectName(value: string): Validation {
  const text = checkedText(value, 'project name');
  if (text !== true) return text;
  if (value.trim().length === 0) return 'the project name is empty';
  const bytes = utf8Bytes(flyteProjectDisplayName(value));
  if (bytes > FLYTE_PROJECT_NAME_MAX_BYTES) {
    return `the project name is ${bytes} bytes long; FlyteAdmin takes a project name of at most ${FLYTE_PROJECT_NAME_MAX_BYTES} bytes (UTF-8)`;
  }
  const slug = slugify(value);
  if (slug.length === 0) return `${shown(value)} has no letter or digit to make a project id from (rule: [a-z0-9]([-a-z0-9]*[a-z0-9])?)`;
  // The slug is also the ECR repository's default name: refused here, at the name the user gave,
  // rather than as a default for a flag they never passed.
  if (slug.length < ECR_REPOSITORY_MIN) {
    return `${shown(value)} makes the slug ${shown(slug)}, which also names the ECR repository, and ECR takes a repository name of ${ECR_REPOSITORY_MIN} to ${ECR_REPOSITORY_MAX} characters: use a name of at least ${ECR_REPOSITORY_MIN} letters or digits`;
  }
  return validateSlug(slug);
}

export function validateDescription(value: string): Validation {
  const text = checkedText(value, 'description');
  if (text !== true) return text;
  const bytes = utf8Bytes(value);
  return bytes > FLYTE_DESCRIPTION_MAX_BYTES
    ? `the description is ${bytes} bytes long; FlyteAdmin takes a project description of at most ${FLYTE_DESCRIPTION_MAX_BYTES} bytes (UTF-8)`
    : true;
}

export function validateAuthor(value: string): Validation {
  const text = checkedText(value, 'author');
  if (text !== true) return text;
  return value.length > AUTHOR_MAX_CHARACTERS ? `the author is ${value.length} characters long; at most ${AUTHOR_MAX_CHARACTERS}` : true;
}

/** ECR's bounds on a repository name (CreateRepository API reference). */
export const ECR_REPOSITORY_MIN = 2;
export const ECR_REPOSITORY_MAX = 256;

export function validateEcrRepository(value: string): Validation {
  if (value.length < ECR_REPOSITORY_MIN || value.length > ECR_REPOSITORY_MAX) return `${shown(value)} is ${value.length} characters: an ECR repository name is ${ECR_REPOSITORY_MIN} to ${ECR_REPOSITORY_MAX}`;
  return ECR_REPOSITORY.test(value)
    ? true
    : `${shown(value)} is not a valid ECR repository name: lowercase letters and digits, separated by single ".", "_", "-" or "/"`;
}

export function validateAwsAccountId(value: string): Validation {
  return /^\d{12}$/.test(value) ? true : `${shown(value)} is not an AWS account id: exactly 12 digits`;
}

/** `2109-8765-4321` (as the console shows it) or `2109 8765 4321` -> `210987654321`; anything else as given. */
export function normaliseAwsAccountId(value: string): string {
  const digits = value.replace(/[-\s]/g, '');
  return /^\d{12}$/.test(digits) ? digits : value;
}

/** `EU-WEST-1` -> `eu-west-1`: a region as AWS writes it; anything that is not one, as given (for the hint). */
export function normaliseAwsRegion(value: string): string {
  const lower = value.trim().toLowerCase();
  return awsPartitionOf(lower) ? lower : value;
}

/**
 * Where each region is, as the AWS console names it (`Europe (Ireland)`) and as people say it
 * (`Dublin`): a place name typed for a region gets the region it means. The first name is shown.
 */
export const AWS_REGION_PLACES: Readonly<Record<string, readonly string[]>> = {
  'us-east-1': ['N. Virginia', 'Northern Virginia', 'Virginia'],
  'us-east-2': ['Ohio'],
  'us-west-1': ['N. California', 'Northern California', 'California'],
  'us-west-2': ['Oregon'],
  'af-south-1': ['Cape Town', 'South Africa'],
  'ap-east-1': ['Hong Kong'],
  'ap-east-2': ['Taipei', 'Taiwan'],
  'ap-south-1': ['Mumbai', 'India'],
  'ap-south-2': ['Hyderabad', 'India'],
  'ap-northeast-1': ['Tokyo', 'Japan'],
  'ap-northeast-2': ['Seoul', 'Korea', 'South Korea'],
  'ap-northeast-3': ['Osaka', 'Japan'],
  'ap-southeast-1': ['Singapore'],
  'ap-southeast-2': ['Sydney', 'Australia'],
  'ap-southeast-3': ['Jakarta', 'Indonesia'],
  'ap-southeast-4': ['Melbourne', 'Australia'],
  'ap-southeast-5': ['Malaysia', 'Kuala Lumpur'],
  'ap-southeast-6': ['New Zealand', 'Auckland'],
  'ap-southeast-7': ['Thailand', 'Bangkok'],
  'ca-central-1': ['Canada', 'Montreal', 'Montréal'],
  'ca-west-1': ['Calgary', 'Canada West'],
  'eu-central-1': ['Frankfurt', 'Germany'],
  'eu-central-2': ['Zurich', 'Zürich', 'Switzerland'],
  'eu-north-1': ['Stockholm', 'Sweden'],
  'eu-south-1': ['Milan', 'Italy'],
  'eu-south-2': ['Spain', 'Aragon', 'Madrid'],
  'eu-west-1': ['Ireland', 'Dublin'],
  'eu-west-2': ['London', 'United Kingdom', 'UK', 'England'],
  'eu-west-3': ['Paris', 'France'],
  'il-central-1': ['Tel Aviv', 'Israel'],
  'me-central-1': ['UAE', 'United Arab Emirates', 'Dubai', 'Abu Dhabi'],
  'me-south-1': ['Bahrain'],
  'mx-central-1': ['Mexico', 'Querétaro'],
  'sa-east-1': ['São Paulo', 'Sao Paulo', 'Brazil'],
  'cn-north-1': ['Beijing', 'China'],
  'cn-northwest-1': ['Ningxia', 'China'],
};

/** `Europe (São Paulo)` -> ` europe sao paulo `: words, lower case, no accents, space-delimited. */
function placeWords(text: string): string {
  return ` ${text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()} `;
}

/** The regions a value seems to mean: a place name, a region written without its dashes, an availability zone. */
export function regionsMeant(value: string): string[] {
  if (value.length > 100) return [];
  const words = placeWords(value);
  const byPlace = Object.entries(AWS_REGION_PLACES)
    .filter(([, places]) => places.some((place) => words.includes(placeWords(place))))
    .map(([region]) => region);
  if (byPlace.length > 0) return byPlace;
  const compact = words.replace(/ /g, '');
  const regions = AWS_PARTITIONS.flatMap((partition) => partition.regions);
  const written = regions.filter((region) => region.replace(/-/g, '') === compact || `${region.replace(/-/g, '')}` === compact.replace(/[a-z]$/, ''));
  return written;
}

export function validateAwsRegion(value: string): Validation {
  if (awsPartitionOf(value)) return true;
  const meant = regionsMeant(value);
  if (meant.length > 0) {
    const named = meant.map((region) => (AWS_REGION_PLACES[region] ? `${region} (${AWS_REGION_PLACES[region][0]})` : region)).join(' or ');
    const zone = meant.length === 1 && /^[a-z]{2,4}-(?:[a-z]+-)*\d{1,2}[a-z]$/i.test(value);
    return zone ? `${shown(value)} is not an AWS region but an availability zone of ${named}` : `${shown(value)} is not an AWS region: it looks like ${named}`;
  }
  const looksLikeOne = value.length <= 30 && /^[a-z]{2,4}-(?:[a-z]+-)*\d{1,2}$/.test(value);
  return looksLikeOne
    ? `${shown(value)} is not an AWS region: no partition (aws, aws-cn, aws-us-gov, …) has it; e.g. us-east-1, eu-west-1, cn-north-1`
    : `${shown(value)} is not an AWS region: a region name such as us-east-1 or eu-west-1 (a place name such as Ireland gets the region it means)`;
}

export function validateEmail(value: string): Validation {
  if (value === '') return true;
  if (value.length > EMAIL_MAX_CHARACTERS) return `the email address is ${value.length} characters long; at most ${EMAIL_MAX_CHARACTERS}`;
  return EMAIL.test(value) && forbiddenCharacter(value) === undefined
    ? true
    : `${shown(value)} is not an email address (name@example.com), or leave it empty`;
}

export function validatePythonVersion(value: string): Validation {
  return (PYTHON_VERSIONS as readonly string[]).includes(value)
    ? true
    : `Python ${shown(value)} is not supported: flytekit 1.16 runs on ${PYTHON_VERSIONS.join(', ')}`;
}

export function validateFlyteDomain(value: string): Validation {
  return value.length <= 63 && DNS_LABEL.test(value)
    ? true
    : `${shown(value)} is not a Flyte domain: a DNS-1123 label such as development, staging or production`;
}

/** The rule, as the README's table states it. */
export const FLYTE_ENDPOINT_RULE = 'host[:port], dns:///host[:port] or https://host[:port] (no port: 443)';

export function validateFlyteEndpoint(value: string): Validation {
  if (value.length > 300) return `the Flyte endpoint is ${value.length} characters long; a host name is at most 253`;
  const port = /:(\d+)$/.exec(value)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return `${shown(value)} has port ${port}; a port is 1 to 65535`;
  return FLYTE_ENDPOINT.test(value) ? true : `${shown(value)} is not a Flyte admin endpoint: ${FLYTE_ENDPOINT_RULE}`;
}

/**
 * The predefined schedules that both flytekit's `CronSchedule(schedule=…)` (croniter) and Flyte's
 * native scheduler (robfig/cron, which knows them in lower case only) accept.
 */
export const CRON_DESCRIPTORS = ['@hourly', '@daily', '@midnight', '@weekly', '@monthly', '@yearly', '@annually'] as const;

interface CronField {
  name: string;
  min: number;
  max: number;
  /** JAN-DEC, SUN-SAT: names for min, min+1, … (any case). */
  names?: readonly string[];
  /** `?` (any), as Flyte's table allows for the day of month and the day of week. */
  anyMark?: boolean;
}

/** Flyte's cron table (docs: concepts/schedules): five fields, `* / , -` and `?` in the day fields. */
const CRON_FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31, anyMark: true },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], anyMark: true },
];

export const SCHEDULE_RULE = `a schedule is 5 cron fields, "minute hour day-of-month month day-of-week" in UTC (e.g. "0 3 * * 1": Mondays at 03:00), or ${CRON_DESCRIPTORS.filter((descriptor) => descriptor !== '@midnight' && descriptor !== '@annually').join(', ')}; empty for none`;

/** `5`, `MON`: the number a cron value stands for, or undefined. */
function cronValue(text: string, field: CronField): number | undefined {
  if (/^\d{1,2}$/.test(text)) return Number(text);
  const index = field.names?.indexOf(text.toUpperCase()) ?? -1;
  return index === -1 ? undefined : field.min + index;
}

/** What is wrong with one field of a cron expression, or undefined. */
function cronFieldProblem(text: string, field: CronField): string | undefined {
  for (const part of text.split(',')) {
    const [range, step, extra] = part.split('/');
    if (extra !== undefined || range === '') return `${field.name} ${shown(text, 20)} is not a list of values, ranges and steps`;
    if (step !== undefined && !(/^\d{1,2}$/.test(step) && Number(step) >= 1)) return `${field.name} step ${shown(step, 10)} is not a whole number of at least 1`;
    if (range === '*' || (range === '?' && field.anyMark)) continue;
    const [from, to, more] = range.split('-');
    if (more !== undefined) return `${field.name} ${shown(range, 20)} is not a range (from-to)`;
    const start = cronValue(from, field);
    const end = to === undefined ? start : cronValue(to, field);
    const allowed = `${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : ''}`;
    for (const [value, written] of [[start, from], [end, to ?? from]] as const) {
      if (value === undefined || value < field.min || value > field.max) return `${field.name} ${shown(written, 10)} is not in ${allowed}`;
    }
    if (start !== undefined && end !== undefined && start > end) return `${field.name} range ${shown(range, 20)} runs backwards`;
  }
  return undefined;
}

/**
 * A retraining schedule: '' (none), a predefined schedule, or 5 cron fields as Flyte's native
 * scheduler and flytekit both take them. Only cron characters pass, so the Makefile can hold it raw.
 */
export function validateSchedule(value: string): Validation {
  if (value === '') return true;
  if (value.length > 100) return `the schedule is ${value.length} characters long; ${SCHEDULE_RULE}`;
  if ((CRON_DESCRIPTORS as readonly string[]).includes(value)) return true;
  if (value.startsWith('@')) return `${shown(value)} is not a predefined schedule: ${SCHEDULE_RULE}`;
  const unexpected = /[^0-9A-Za-z*,/?\- ]/.exec(value);
  if (unexpected) return `${shown(value)} is not a schedule: ${shown(unexpected[0])} is not a cron character; ${SCHEDULE_RULE}`;
  const fields = value.split(' ');
  if (fields.length !== CRON_FIELDS.length) return `${shown(value)} has ${fields.length} field${fields.length === 1 ? '' : 's'}, not 5: ${SCHEDULE_RULE}`;
  for (const [index, field] of CRON_FIELDS.entries()) {
    const problem = cronFieldProblem(fields[index], field);
    if (problem) return `${shown(value)} is not a schedule: ${problem}; ${SCHEDULE_RULE}`;
  }
  return true;
}

/** `0  3 * * 1 ` -> `0 3 * * 1`: a schedule as typed, its fields separated by single spaces. */
export function normaliseSchedule(value: string): string {
  const fields = value.trim().split(/\s+/).join(' ');
  // robfig/cron knows the predefined schedules in lower case only; flytekit in any.
  return fields.startsWith('@') ? fields.toLowerCase() : fields;
}

/** `--data sample`: the data set bundled with the template. */
export const SAMPLE_DATA = 'sample';
/** Where a project keeps its raw data, the bundled sample and a copy of the user's file alike. */
export const RAW_DATA_FOLDER = 'data/01_raw';
export const SAMPLE_FILE = `${RAW_DATA_FOLDER}/breast_cancer.csv`;
/** S3's bucket naming rule (3 to 63 lowercase letters, digits, "." and "-"), then a key. */
const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[^/].*$/;

/** csv or parquet, by the name's extension (any case); undefined for anything else. */
export function dataFormatOf(name: string): 'csv' | 'parquet' | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  return lower.endsWith('.parquet') || lower.endsWith('.pq') ? 'parquet' : undefined;
}

export function isS3Uri(value: string): boolean {
  return value.startsWith('s3://');
}

/** The last segment of a `/`-separated path or URI. */
export function fileNameOf(value: string): string {
  return value.replace(/\/+$/, '').split('/').pop() ?? value;
}

/**
 * The training data as given: `sample`, a CSV or Parquet file, or an s3:// URI of one. Only its
 * shape: whether a local file can be read, and what it holds, is checked against the file itself.
 */
export function validateData(value: string): Validation {
  const text = checkedText(value, 'data path');
  if (text !== true) return text;
  if (value === SAMPLE_DATA) return true;
  if (value === '') return `no training data given: a CSV or Parquet file, an s3:// URI, or "${SAMPLE_DATA}" for the bundled sample`;
  const name = fileNameOf(value);
  if (isS3Uri(value)) {
    if (!S3_URI.test(value)) return `${shown(value)} is not an s3:// URI of a file: s3://bucket/key, the bucket 3 to 63 lowercase letters, digits, "." or "-"`;
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    return `${shown(value)}: only a local file or an s3:// URI is read`;
  }
  if (dataFormatOf(name) === undefined) return `${shown(value)} is not a CSV or Parquet file: its name must end in .csv, .parquet or .pq`;
  if (name.startsWith('.')) return `${shown(value)} is a hidden file (its name starts with "."): give the file a name before its extension`;
  if (utf8Bytes(name) > 255) return `the file name ${shown(name)} is ${utf8Bytes(name)} bytes long; at most 255`;
  return true;
}

/** A column name (the target): any printable text, not empty. */
export function validateColumnName(value: string): Validation {
  const text = checkedText(value, 'column name');
  if (text !== true) return text;
  return value === '' ? 'no target column given: name the column the model predicts' : true;
}

/** A value of the target (the positive class), or empty for "inferred". */
export function validateClassValue(value: string): Validation {
  return checkedText(value, 'positive class');
}

/** Column names separated by commas (`customer_id,signup_id`), or empty. */
export function validateColumnList(value: string): Validation {
  return checkedText(value, 'list of columns');
}

/** `a, b,,a` -> ['a', 'b']: the names of a comma-separated list, trimmed, each once. */
export function columnList(value: string): string[] {
  return [...new Set(value.split(',').map((name) => name.trim()).filter((name) => name !== ''))];
}

/** Free text (description, author): line breaks are folded to spaces first; other control characters are refused. */
export function validateFreeText(value: string): Validation {
  return checkedText(value, 'text');
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
