/**
 * Ctrl-C, said in one line. During the interview nothing is on disk yet; after it, the line says
 * what is on disk (which folder, and whether it is usable) and how to finish. The exit code is
 * 130 (128 + SIGINT), as shells report an interrupted command.
 */
import { existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SNAPSHOT_PATH } from './snapshot.js';

export const INTERRUPTED_EXIT_CODE = 130;

/** What the generator is doing, hence what a Ctrl-C leaves on disk. `ready`: answers given, nothing written. */
export type Phase = 'interview' | 'ready' | 'writing' | 'written' | 'installing' | 'init';

export interface InterruptState {
  phase: Phase;
  /** The project folder (absolute): being created, or being upgraded. */
  folder?: string;
  upgrade: boolean;
  /** The files being written (path relative to `folder`, contents), to tell a whole project from part of one. */
  files?: ReadonlyArray<{ path: string; contents: Buffer }>;
  /** The command that installs the Python dependencies (`pipenv install --dev`); unset with --skip-install. */
  installCommand?: string;
}

/** Inquirer's error when Ctrl-C (or Ctrl-D) closes a prompt. */
export function isPromptClosed(error: unknown): boolean {
  return error instanceof Error && (error.name === 'ExitPromptError' || error.name === 'AbortPromptError');
}

/**
 * Every file is on disk at its full size, and so are the answers and the upgrade base written beside
 * them. Looked at on disk rather than assumed, so the line stays true however the files are written
 * (today in one step: a staging folder renamed into place).
 */
function allWritten(folder: string, files: InterruptState['files']): boolean {
  const whole = (files ?? []).every(({ path, contents }) => {
    const file = join(folder, path);
    return existsSync(file) && statSync(file).size === contents.length;
  });
  return whole && ['.yo-rc.json', SNAPSHOT_PATH].every((path) => existsSync(join(folder, path)));
}

/** `./churn-model/` as the user would type it from where they ran the command. */
function shown(folder: string): string {
  const path = relative(process.cwd(), folder);
  return path === '' ? './' : path.startsWith('..') || path.startsWith('/') ? `${folder}/` : `./${path}/`;
}

/** The one line printed on Ctrl-C: what is on disk, whether it is usable, how to finish. */
export function interruptReport(state: InterruptState): string {
  const { phase, folder, upgrade, installCommand } = state;
  if (phase === 'interview' || !folder) return upgrade ? 'Cancelled: nothing was changed.' : 'Cancelled: nothing was written.';
  const where = shown(folder);
  const cd = where === './' ? '' : `cd ${where.replace(/^\.\//, '').replace(/\/$/, '')} && `;
  if (upgrade) {
    return phase === 'writing'
      ? `Interrupted while upgrading ${where}: some files may be upgraded and others not; \`git status\` shows which, then run flyte-pipeline upgrade again.`
      : `Interrupted: the upgrade of ${where} is written and usable.`;
  }
  if (!existsSync(folder)) return `Interrupted: nothing was written (${where} was not created).`;
  switch (phase) {
    case 'ready':
      return `Interrupted: nothing was written into ${where}.`;
    case 'writing':
      if (!allWritten(folder, state.files)) return `Interrupted while writing: ${where} is incomplete, not usable; delete it and run the command again.`;
      return installCommand
        ? `Interrupted: ${where} is written; it is usable once its Python environment is installed: ${cd}${installCommand}`
        : `Interrupted: ${where} is written and usable.`;
    case 'installing':
      return `Interrupted during the install: ${where} is written, but its Python environment is not complete; finish it with: ${cd}${installCommand}`;
    case 'init':
      return `Interrupted during init: ${where} is written and usable; create the ECR repository and Flyte project with: ${cd}flyte-pipeline init`;
    default:
      return `Interrupted: ${where} is written and usable.`;
  }
}

/** The run a Ctrl-C reports on. One handler per process, however many runs it holds (tests run
 * many in-process, and a refused run never reaches its end to remove its handler). */
let runOnSigint: InterruptState | undefined;
/** Ctrl-C outside a prompt (a prompt turns it into ExitPromptError): say what is on disk, exit 130. */
function onSigint(): void {
  if (runOnSigint) process.stderr.write(`\n${interruptReport(runOnSigint)}\n`);
  process.exit(INTERRUPTED_EXIT_CODE);
}

/** From now on, a Ctrl-C says what `state` says is on disk. */
export function reportInterruptsOn(state: InterruptState): void {
  runOnSigint = state;
  if (!process.listeners('SIGINT').includes(onSigint)) process.on('SIGINT', onSigint);
}

/** The run is over: a Ctrl-C is Node's own again. */
export function stopReportingInterrupts(): void {
  process.off('SIGINT', onSigint);
}
