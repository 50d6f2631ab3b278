/** This package: its name, its version, and where it is installed (templates/ and dist/ are in it). */
import { readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GENERATOR_NAME = 'generator-flyte-pipeline';

const here = fileURLToPath(import.meta.url);
const dist = here.lastIndexOf(`${sep}dist${sep}`);

/**
 * The package's root folder: above `dist/`, wherever below it this code runs (dist/shared/ as tsc
 * writes it, or a chunk of the bin's bundle in dist/bin/bundle/).
 */
export const PACKAGE_ROOT = dist === -1 ? join(dirname(here), '..') : here.slice(0, dist);

export function generatorVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
