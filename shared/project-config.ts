/**
 * Reads the answers a project was generated with, from its `.yo-rc.json`, checked against their
 * schema: a file that lost its answers or holds the wrong types is refused with the file named,
 * rather than silently filled with defaults that would re-target the project.
 */
import { lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readSmallFile } from './answers.js';
import { GENERATOR_NAME } from './package.js';
import { UserError } from './errors.js';
import { QUESTIONS, type Answers } from './questions.js';

export type StoredConfig = Partial<Answers> & { generatorVersion?: string; memory?: string };

export const YO_RC = '.yo-rc.json';
const YO_RC_MAX_BYTES = 1024 * 1024;
const VERSION = /^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/;
/** A Kubernetes memory quantity, as the project's task settings request it: 3Gi, 1536Mi, 2G. */
const MEMORY_QUANTITY = /^\d{1,6}(?:\.\d{1,3})?(?:Ki|Mi|Gi|Ti|k|M|G|T)?$/;

function describeType(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * The stored answers of the project in `projectDir`; undefined when it has no `.yo-rc.json`, or one
 * written by another generator. Answers are not validated here (a flag may replace a bad one);
 * only their types are.
 */
export function readProjectConfig(projectDir: string): StoredConfig | undefined {
  const path = join(projectDir, YO_RC);
  try {
    lstatSync(path);
  } catch {
    return undefined;
  }
  const fix = `restore it from version control (git checkout -- ${YO_RC}): it holds the answers the project was made with`;
  const text = readSmallFile(path, YO_RC_MAX_BYTES, 'the project settings', fix);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UserError(`${path} is not valid JSON (${(error as Error).message.split('\n')[0]})`, fix);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UserError(`${path} holds ${describeType(parsed)}, not a JSON object`, fix);
  }
  if (!Object.hasOwn(parsed, GENERATOR_NAME)) return undefined;
  const config = (parsed as Record<string, unknown>)[GENERATOR_NAME];
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new UserError(`${path}: "${GENERATOR_NAME}" holds ${describeType(config)}, not the project's answers`, fix);
  }
  const stored = config as Record<string, unknown>;
  const checked: Record<string, unknown> = {};
  if (stored.generatorVersion !== undefined) {
    if (typeof stored.generatorVersion !== 'string' || !VERSION.test(stored.generatorVersion)) {
      throw new UserError(`${path}: "generatorVersion" is ${describeType(stored.generatorVersion)} ${JSON.stringify(stored.generatorVersion)?.slice(0, 40) ?? ''}, not a version such as 0.1.0`, fix);
    }
    checked.generatorVersion = stored.generatorVersion;
  }
  if (stored.memory !== undefined) {
    if (typeof stored.memory !== 'string' || !MEMORY_QUANTITY.test(stored.memory)) {
      throw new UserError(`${path}: "memory" is ${describeType(stored.memory)} ${JSON.stringify(stored.memory)?.slice(0, 40) ?? ''}, not a Kubernetes memory quantity such as 3Gi`, `${fix}, or write it as "memory": "3Gi"`);
    }
    checked.memory = stored.memory;
  }
  for (const question of QUESTIONS) {
    const value = stored[question.name];
    if (value === undefined) continue;
    const wanted = question.boolean ? 'boolean' : 'string';
    if (typeof value !== wanted) {
      throw new UserError(
        `${path}: "${question.name}" is ${describeType(value)}, but the answer is ${question.boolean ? 'true or false' : 'text'}`,
        `${fix}, or write it as "${question.name}": ${question.boolean ? 'true' : '"…"'}`,
      );
    }
    checked[question.name] = value;
  }
  return checked as StoredConfig;
}

/** The nearest folder, from `start` upwards, holding a project made by this generator. */
export function findProjectRoot(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (readProjectConfig(dir)) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
