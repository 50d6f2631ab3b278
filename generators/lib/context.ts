/** Answers -> the values the templates use. Everything a template needs is computed here, once. */
import { markdownText, makeShellWord, quoted, shellWord } from './escape.js';
import { DEFAULT_MEMORY } from './dataset.js';
import type { Answers, ProblemType } from '../../shared/questions.js';
import { generatorVersion } from '../../shared/package.js';
import { SAMPLE_DATA, SAMPLE_FILE, awsDnsSuffix, columnList, ecrRegistry, slugify } from '../../shared/validators.js';

/** The training data as the project declares it (src/dataset.py): what the pipeline reads and predicts. */
export interface DatasetContext {
  /** `data/01_raw/breast_cancer.csv` (the sample), `data/01_raw/<name>` (the user's file, copied there) or an `s3://` URI. */
  rawData: string;
  target: string;
  /** Resolved when the file was read; `auto` for an s3:// URI (the pipeline infers it when it runs). */
  problemType: ProblemType;
  /** Binary only, as written in the file; '' = none (or inferred by the pipeline, for an s3:// URI). */
  positiveClass: string;
  leaveOut: string[];
  /** The bundled sample (Breast Cancer Wisconsin), not the user's data. */
  isSample: boolean;
}

/** Settings derived when the project was made (stored in .yo-rc.json beside the answers), not asked. */
export interface DerivedSettings {
  /** What each task requests from the cluster, from the size of the data: a Kubernetes quantity (`3Gi`). */
  memory: string;
}

export interface TemplateContext extends Answers, DerivedSettings {
  slug: string;
  dataset: DatasetContext;
  /** `<account>.dkr.ecr.<region>.<registryDomain>` */
  registry: string;
  /** The DNS suffix of the region's AWS partition: amazonaws.com, amazonaws.com.cn (China), … ECR's hosts end with it. */
  registryDomain: string;
  /** `<registry>/<repository>`: the image, without its tag. */
  imageRepository: string;
  generatorVersion: string;
  /** The Python base image of the Dockerfile, pinned to the chosen minor version. */
  pythonImage: string;
  /** The image's code folder (its WORKDIR), owned by the task user: where fast registration unpacks the code. */
  codeDir: string;
  /** pipenv as pinned in the Dockerfile. */
  pipenvVersion: string;
  /** The Flyte console, derived from the admin endpoint: where execution URLs point. */
  consoleUrl: string;
  /** A local sandbox (localhost) speaks plain gRPC; anything else TLS. */
  flyteInsecure: boolean;
  /** `pipenv run` or `uv run`: how the project's tools are run outside an active virtualenv. */
  runPrefix: string;
  /** What installs the project's environment: `pipenv install --dev` or `uv sync`. */
  installCommand: string;
  /** The file that pins the dependencies: Pipfile.lock or uv.lock. */
  lockFile: string;
  /** The uv release the Dockerfile copies its binary from. */
  uvVersion: string;
  /** The format and lint commands, check-only (CI, pre-commit, make lint) and fixing (make code_style). */
  formatCheck: string;
  lintCheck: string;
  formatFix: string;
  /** Runtime and development dependencies, as name + version specifier (PEP 440). */
  dependencies: Dependency[];
  devDependencies: Dependency[];
  quoted: typeof quoted;
  shellWord: typeof shellWord;
  makeShellWord: typeof makeShellWord;
  markdownText: typeof markdownText;
}

export interface Dependency {
  name: string;
  spec: string;
}

/** What the pipeline needs at run time: one list, written to the Pipfile or to pyproject.toml. */
const DEPENDENCIES: Dependency[] = [
  { name: 'flytekit', spec: '~=1.16.0' },
  { name: 'pandas', spec: '>=2.2' },
  { name: 'pyarrow', spec: '>=15' },
  { name: 'scikit-learn', spec: '>=1.5' },
  { name: 'matplotlib', spec: '>=3.8' },
];
const DEV_DEPENDENCIES: Record<string, Dependency[]> = {
  'black-flake8': [
    { name: 'pytest', spec: '>=8' },
    { name: 'black', spec: '>=24' },
    { name: 'flake8', spec: '>=7' },
  ],
  ruff: [
    { name: 'pytest', spec: '>=8' },
    { name: 'ruff', spec: '>=0.6' },
  ],
};

const PIPENV_VERSION = '2026.10.3';
const UV_VERSION = '0.13.9';

/** `dns:///flyte.example.com:443` -> `https://flyte.example.com`; a localhost sandbox -> `http://localhost:30080`. */
export function consoleUrlOf(endpoint: string): string {
  if (/^https?:\/\//.test(endpoint)) return endpoint.replace(/\/+$/, '');
  const hostPort = endpoint.replace(/^dns:\/\/\//, '');
  return isLocal(endpoint) ? `http://${hostPort}` : `https://${hostPort.replace(/:443$/, '')}`;
}

function isLocal(endpoint: string): boolean {
  return /^(?:dns:\/\/\/|https?:\/\/)?(?:localhost|127\.0\.0\.1)(?::|$)/.test(endpoint);
}

export function datasetContext(answers: Pick<Answers, 'data' | 'target' | 'problemType' | 'positiveClass' | 'leaveOut'>): DatasetContext {
  const isSample = answers.data === SAMPLE_DATA;
  return {
    rawData: isSample ? SAMPLE_FILE : answers.data,
    target: answers.target,
    problemType: answers.problemType as ProblemType,
    positiveClass: answers.positiveClass,
    leaveOut: columnList(answers.leaveOut),
    isSample,
  };
}

export function templateContext(answers: Answers, derived: Partial<DerivedSettings> = {}): TemplateContext {
  const registry = ecrRegistry(answers.awsAccountId, answers.awsRegion);
  return {
    ...answers,
    memory: derived.memory ?? DEFAULT_MEMORY,
    slug: slugify(answers.projectName),
    dataset: datasetContext(answers),
    registry,
    registryDomain: awsDnsSuffix(answers.awsRegion),
    imageRepository: `${registry}/${answers.ecrRepository}`,
    generatorVersion: generatorVersion(),
    pythonImage: `python:${answers.pythonVersion}-slim-bookworm`,
    codeDir: '/home/flyte/app',
    pipenvVersion: PIPENV_VERSION,
    uvVersion: UV_VERSION,
    runPrefix: answers.dependencyManager === 'uv' ? 'uv run' : 'pipenv run',
    installCommand: answers.dependencyManager === 'uv' ? 'uv sync' : 'pipenv install --dev',
    lockFile: answers.dependencyManager === 'uv' ? 'uv.lock' : 'Pipfile.lock',
    formatCheck: answers.linter === 'ruff' ? 'ruff format --check .' : 'black --check .',
    lintCheck: answers.linter === 'ruff' ? 'ruff check .' : 'flake8 .',
    formatFix: answers.linter === 'ruff' ? 'ruff format .' : 'black .',
    dependencies: DEPENDENCIES,
    devDependencies: DEV_DEPENDENCIES[answers.linter] ?? DEV_DEPENDENCIES['black-flake8'],
    consoleUrl: consoleUrlOf(answers.flyteEndpoint),
    flyteInsecure: isLocal(answers.flyteEndpoint),
    quoted,
    shellWord,
    makeShellWord,
    markdownText,
  };
}

/** Which templates an answer set writes (by target path); every other template is always written. */
export function includeTemplate(path: string, context: TemplateContext): boolean {
  switch (path) {
    case 'Pipfile':
      return context.dependencyManager === 'pipenv';
    case 'setup.cfg':
      return context.linter === 'black-flake8';
    case '.github/workflows/ci.yml':
      return context.ci;
    case '.pre-commit-config.yaml':
      return context.preCommit;
    case SAMPLE_FILE:
      return context.dataset.isSample;
    default:
      return true;
  }
}
