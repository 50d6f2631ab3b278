/** Helpers shared by the tests: where things are, how to run the package's bin, how to list a tree. */
import { readdirSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type Options, type Result } from 'execa';

/** The repository root (tests run from dist/test/). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const APP_GENERATOR = join(ROOT, 'dist', 'generators', 'app', 'index.js');
export const BIN = join(ROOT, 'dist', 'bin', 'flyte-pipeline.js');

/** Runs `flyte-pipeline …` as a user would, never throwing: the test reads the exit code. */
export function runBin(args: string[], options: Options = {}): Promise<Result> {
  return execa(process.execPath, [BIN, ...args], { reject: false, all: true, stdin: 'ignore', ...options }) as Promise<Result>;
}

/**
 * Every file below `dir`, relative, with `/` separators, sorted; not git's own (a new project is a
 * git repository: .git/ holds git's records of the files, not files of the project).
 */
export function listFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.name === '.git' && current === dir) continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return files.sort();
}

/** Fails with the command's output, so a red run says why. */
export function expectSuccess(result: { exitCode?: number; all?: unknown }): void {
  if (result.exitCode !== 0) throw new Error(`exit code ${result.exitCode}:\n${String(result.all)}`);
}
