/** Reads the answers a project was generated with, from its `.yo-rc.json`. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GENERATOR_NAME } from '../generators/lib/context.js';
import { UserError } from '../generators/lib/errors.js';
import type { Answers } from '../generators/lib/questions.js';

export type StoredConfig = Partial<Answers> & { generatorVersion?: string };

export function readProjectConfig(projectDir: string): StoredConfig | undefined {
  const path = join(projectDir, '.yo-rc.json');
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UserError(`${path} is not valid JSON (${(error as Error).message})`, 'repair it, or regenerate it with `flyte-pipeline upgrade`');
  }
  const config = (parsed as Record<string, unknown> | null)?.[GENERATOR_NAME];
  return config && typeof config === 'object' ? (config as StoredConfig) : undefined;
}

/** The nearest folder, from `start` upwards, holding a project made by this generator. */
export function findProjectRoot(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (readProjectConfig(dir)) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
