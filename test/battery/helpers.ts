/**
 * Shared by the hostile-input battery (test/battery/*.test.ts): run the generator in-process, take
 * a fingerprint of a folder tree (to prove "nothing written, nothing changed"), and check the shape
 * of a refusal (one line of cause, one line of fix).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import helpers from 'yeoman-test';
import { UserError } from '../../shared/errors.js';
import { APP_GENERATOR, ROOT } from '../helpers/project.js';

export const WORKFLOW_GENERATOR = join(ROOT, 'dist', 'generators', 'workflow', 'index.js');

export type Flags = Record<string, unknown>;

export const workspace = (prefix = 'fp-battery-'): string => mkdtempSync(join(tmpdir(), prefix));

/**
 * Every entry below `dir`: type, mode, size and content hash (or link target). Two equal
 * fingerprints mean nothing was written, removed, replaced or chmod-ed. FIFOs are never opened.
 */
export function fingerprint(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      const key = relative(dir, path).split(sep).join('/');
      const stat = lstatSync(path);
      const mode = (stat.mode & 0o7777).toString(8);
      if (entry.isSymbolicLink()) entries[key] = `link ${readlinkSync(path)}`;
      else if (entry.isDirectory()) {
        entries[key] = `dir ${mode}`;
        walk(path);
      } else if (entry.isFile()) entries[key] = `file ${mode} ${createHash('sha1').update(readFileSync(path)).digest('hex')}`;
      else entries[key] = `special ${mode}`;
    }
  };
  walk(dir);
  return entries;
}

/** Runs the app generator in-process in `cwd` (no install, every default, not --force unless given). */
export function generateIn(cwd: string, options: Flags = {}, args: string[] = ['Churn Model']) {
  return helpers
    .run(APP_GENERATOR)
    .cd(cwd)
    .withArguments(args)
    .withOptions({ skipInstall: true, defaults: true, force: false, ...options } as Flags as never);
}

/** Runs `flyte-pipeline upgrade` in-process inside `project`. */
export function upgradeIn(project: string, options: Flags = {}) {
  return helpers
    .run(APP_GENERATOR)
    .cd(project)
    .withOptions({ skipInstall: true, upgrade: true, force: false, ...options } as Flags as never);
}

/** Runs `flyte-pipeline workflow NAME` in-process inside `project`. */
export function workflowIn(project: string, args: string[], options: Flags = {}) {
  return helpers
    .run(WORKFLOW_GENERATOR)
    .cd(project)
    .withArguments(args)
    .withOptions({ skipInstall: true, force: false, ...options } as Flags as never);
}

/** The refusal a run ended with: a UserError, whose cause and fix are each one line. */
export async function refusal(run: PromiseLike<unknown>): Promise<UserError> {
  let error: unknown;
  try {
    await run;
  } catch (caught) {
    error = caught;
  }
  if (!(error instanceof UserError)) throw new Error(`expected a refusal (UserError), got ${error instanceof Error ? `${error.name}: ${error.message}` : 'success'}`);
  expect(error.message).not.toContain('\n');
  expect(error.fix).not.toContain('\n');
  expect(error.fix.length).toBeGreaterThan(5);
  return error;
}

/** A user-visible refusal printed by the bin: it ends with `error: …` then `  fix: …`, exit code 1, no stack trace. */
export function expectPrintedRefusal(result: { exitCode?: number; stderr?: unknown }, cause: RegExp): void {
  const stderr = String(result.stderr ?? '');
  expect({ exitCode: result.exitCode, stderr }).toEqual({ exitCode: 1, stderr: expect.stringMatching(/(?:^|\n)error: [^\n]+\n {2}fix: [^\n]+\n?$/) });
  expect(stderr).toMatch(cause);
  expect(stderr).not.toMatch(/\n\s+at /);
}

/** A named pipe at `path`: reading it with no writer blocks, which is what a careless tool would do. */
export function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}
