/** Answers -> the values the templates use. Everything a template needs is computed here, once. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownText, makeShellWord, quoted, shellWord } from './escape.js';
import type { Answers } from './questions.js';
import { TEMPLATES_DIR } from './render.js';
import { slugify } from './validators.js';

export const GENERATOR_NAME = 'generator-flyte-pipeline';

export function generatorVersion(): string {
  const pkg = JSON.parse(readFileSync(join(TEMPLATES_DIR, '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

export interface TemplateContext extends Answers {
  slug: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com` */
  registry: string;
  /** `<registry>/<repository>`: the image, without its tag. */
  imageRepository: string;
  generatorVersion: string;
  /** The Python base image of the Dockerfile, pinned to the chosen minor version. */
  pythonImage: string;
  /** pipenv as pinned in the Dockerfile. */
  pipenvVersion: string;
  /** The Flyte console, derived from the admin endpoint: where execution URLs point. */
  consoleUrl: string;
  /** A local sandbox (localhost) speaks plain gRPC; anything else TLS. */
  flyteInsecure: boolean;
  quoted: typeof quoted;
  shellWord: typeof shellWord;
  makeShellWord: typeof makeShellWord;
  markdownText: typeof markdownText;
}

const PIPENV_VERSION = '2026.10.3';

/** `dns:///flyte.example.com:443` -> `https://flyte.example.com`; a localhost sandbox -> `http://localhost:30080`. */
export function consoleUrlOf(endpoint: string): string {
  if (/^https?:\/\//.test(endpoint)) return endpoint.replace(/\/+$/, '');
  const hostPort = endpoint.replace(/^dns:\/\/\//, '');
  return isLocal(endpoint) ? `http://${hostPort}` : `https://${hostPort.replace(/:443$/, '')}`;
}

function isLocal(endpoint: string): boolean {
  return /^(?:dns:\/\/\/|https?:\/\/)?(?:localhost|127\.0\.0\.1)(?::|$)/.test(endpoint);
}

export function templateContext(answers: Answers): TemplateContext {
  const registry = `${answers.awsAccountId}.dkr.ecr.${answers.awsRegion}.amazonaws.com`;
  return {
    ...answers,
    slug: slugify(answers.projectName),
    registry,
    imageRepository: `${registry}/${answers.ecrRepository}`,
    generatorVersion: generatorVersion(),
    pythonImage: `python:${answers.pythonVersion}-slim-bookworm`,
    pipenvVersion: PIPENV_VERSION,
    consoleUrl: consoleUrlOf(answers.flyteEndpoint),
    flyteInsecure: isLocal(answers.flyteEndpoint),
    quoted,
    shellWord,
    makeShellWord,
    markdownText,
  };
}
