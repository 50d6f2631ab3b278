/**
 * Writes that cannot be left half-done, and never land outside the project.
 *
 * - A new project is written into a staging folder next to its target, then renamed into place:
 *   the folder appears whole or not at all.
 * - Changes to an existing folder (upgrade, workflow, --force) are a transaction: every check
 *   first (no symbolic link on the way, only regular files replaced, writable), then each new
 *   file written beside its target under a temporary name, then all renamed into place; if any
 *   step fails, what was renamed is put back and the temporary files removed.
 * - One run at a time per folder: a lock file, created exclusively, names the run holding it.
 */
import {
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../../shared/errors.js';

export type FileToWrite = {
  /** Relative to the root, `/`-separated. */
  path: string;
  executable?: boolean;
  /** Refuse, rather than replace, a file already there (a new step never overwrites one). */
  createOnly?: boolean;
} & (
  | { contents: Buffer }
  /** A copy of this file (the user's data): copied by the file system, never held in memory. */
  | { copyFrom: string }
);

/** What an entry on disk is, in words, for a refusal. */
function kind(stat: Stats): string {
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return stat.isFile() ? 'a file' : 'not a regular file';
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function errorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'the disk quota is used up';
    default:
      return (error as Error).message;
  }
}

function writeFileExclusive(path: string, contents: Buffer, mode: number): void {
  // O_EXCL with O_CREAT: never opens an existing file, so never follows a link planted at this name.
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    let offset = 0;
    while (offset < contents.length) offset += writeSync(fd, contents, offset, contents.length - offset);
  } finally {
    closeSync(fd);
  }
}

/** Copies `source` to a new file `path` (COPYFILE_EXCL: never over an existing file or through a link planted there). */
function copyFileExclusive(source: string, path: string, mode: number): void {
  copyFileSync(source, path, constants.COPYFILE_EXCL);
  chmodSync(path, mode);
}

function writeExclusive(path: string, file: FileToWrite, mode: number): void {
  if ('copyFrom' in file) copyFileExclusive(file.copyFrom, path, mode);
  else writeFileExclusive(path, file.contents, mode);
}

const tempSuffix = () => `.fp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * Checks that `root/path` can be written without going through a symbolic link or replacing
 * anything but a regular file. Returns the stat of the target (undefined when it does not exist).
 */
export function checkWritable(root: string, path: string, describeRoot = root): Stats | undefined {
  const fix = (what: string) => `${what}, then run the command again`;
  const rootStat = lstatOrUndefined(root);
  if (rootStat?.isSymbolicLink()) {
    throw new UserError(`${describeRoot} is a symbolic link; nothing is written through one`, fix('replace the link with the folder it points to'));
  }
  const parts = path.split('/');
  let current = root;
  for (const [index, part] of parts.entries()) {
    current = join(current, part);
    const shownPath = parts.slice(0, index + 1).join('/');
    let stat: Stats | undefined;
    try {
      stat = lstatOrUndefined(current);
    } catch (error) {
      throw new UserError(`cannot look at ${shownPath}: ${errorReason(error)}`, fix('fix its permissions'));
    }
    if (stat === undefined) return undefined;
    const last = index === parts.length - 1;
    if (stat.isSymbolicLink()) {
      throw new UserError(
        `${shownPath} is a symbolic link; nothing is written through one (it could land outside the project)`,
        fix(`replace it with a regular ${last ? 'file' : 'folder'} (or delete it)`),
      );
    }
    if (!last && !stat.isDirectory()) throw new UserError(`${shownPath} is ${kind(stat)}, where a folder is needed`, fix('move it away'));
    if (last && !stat.isFile()) throw new UserError(`${shownPath} is ${kind(stat)}, not a regular file to replace`, fix('move it away'));
    if (last) return stat;
  }
  return undefined;
}

/** A file the user made read-only is a decision to respect, not to override by renaming over it. */
function checkNotReadOnly(shownPath: string, stat: Stats): void {
  if ((stat.mode & 0o222) === 0) {
    throw new UserError(`${shownPath} is read-only, so it is not replaced`, `make it writable (chmod u+w ${shownPath}), then run the command again`);
  }
}

interface Step {
  target: string;
  temp: string;
  /** Where the replaced file is moved aside, to put it back on failure. */
  backup?: string;
  movedAside: boolean;
  renamed: boolean;
}

/**
 * Writes `files` under `root` all or nothing (see the file comment). Folders it creates are
 * removed again on failure. `root` must exist. `faults` is for tests: an error thrown from
 * `beforeRename` stands for one the file system would raise at that file.
 */
export function commitFiles(root: string, files: readonly FileToWrite[], faults: { beforeRename?: (path: string) => void } = {}): void {
  // 1. Every check, before anything is touched.
  const existing = new Map<string, Stats | undefined>();
  for (const file of files) {
    const stat = checkWritable(root, file.path);
    if (stat && file.createOnly) throw new UserError(`${file.path} already exists`, 'pick another name, or move that file away');
    if (stat) checkNotReadOnly(file.path, stat);
    existing.set(file.path, stat);
  }
  const createdDirs: string[] = [];
  const steps: Step[] = [];
  const undo = (): void => {
    for (const step of [...steps].reverse()) {
      try {
        if (step.renamed && !step.backup) unlinkSync(step.target);
        if (!step.renamed) rmSync(step.temp, { force: true });
        if (step.movedAside && step.backup) renameSync(step.backup, step.target);
      } catch {
        // Best effort: keep undoing the rest.
      }
    }
    // Deepest first, so each is empty when its turn comes.
    for (const dir of createdDirs.sort((a, b) => b.length - a.length)) {
      try {
        rmdirSync(dir);
      } catch {
        // Not empty (someone else's file) or gone: leave it.
      }
    }
  };
  let current = root;
  try {
    // 2. New contents beside each target, under a temporary name.
    for (const file of files) {
      const target = join(root, file.path);
      current = target;
      const dir = dirname(target);
      if (lstatOrUndefined(dir) === undefined) {
        const first = mkdirSync(dir, { recursive: true });
        // Every level it created, to remove them on failure.
        if (first) for (let level = dir; level.length >= first.length; level = dirname(level)) createdDirs.push(level);
      }
      const stat = existing.get(file.path);
      const mode = file.executable ? 0o755 : stat ? stat.mode & 0o777 : 0o644;
      // Short enough for any name: a long file name must not make its temporary name too long.
      const temp = join(dir, `.${basename(target).slice(0, 40)}${tempSuffix()}`);
      steps.push({ target, temp, movedAside: false, renamed: false });
      writeExclusive(temp, file, mode);
    }
    // 3. Into place: each replaced file is first moved aside, so it can be put back.
    for (const [index, step] of steps.entries()) {
      current = step.target;
      // Tests inject an I/O error here (a full disk, a vanished folder) to prove the rollback.
      faults.beforeRename?.(files[index].path);
      if (existing.get(files[index].path)) {
        step.backup = `${step.temp}.old`;
        renameSync(step.target, step.backup);
        step.movedAside = true;
      }
      renameSync(step.temp, step.target);
      step.renamed = true;
    }
  } catch (error) {
    undo();
    if (error instanceof UserError) throw error;
    throw new UserError(
      `could not write ${current.startsWith(`${root}/`) ? current.slice(root.length + 1) : current}: ${errorReason(error)}; nothing was changed`,
      'fix that (permissions, disk space), then run the command again',
    );
  }
  // 4. Done: drop the moved-aside originals.
  for (const step of steps) if (step.backup) rmSync(step.backup, { force: true });
}

/**
 * Writes a new project folder whole: every file into a staging folder beside `target`, then one
 * rename. `target` must not exist, or be an empty folder (rename replaces an empty folder).
 */
export function writeNewFolder(target: string, files: readonly FileToWrite[]): void {
  const parent = dirname(target);
  // Same parent, so the final rename stays on one file system; mkdir is exclusive, so the name is ours.
  const staging = join(parent, `.${basename(target)}.staging${tempSuffix()}`);
  try {
    mkdirSync(staging);
  } catch (error) {
    throw new UserError(`cannot create ${target}: ${errorReason(error)}`, `run it in a folder you can write to, or fix the permissions of ${parent}`);
  }
  try {
    for (const file of files) {
      const path = join(staging, file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeExclusive(path, file, file.executable ? 0o755 : 0o644);
    }
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') {
      throw new UserError(
        `${target} appeared while the project was being written (another run?) and is not an empty folder; nothing was written into it`,
        'choose another project name, or move that folder away, then run the command again',
      );
    }
    throw new UserError(`cannot write ${target}: ${errorReason(error)}; nothing was left behind`, 'fix that (permissions, disk space), then run the command again');
  }
}

/**
 * The contents of `root/path` when it is a regular file reached through no symbolic link;
 * undefined when it does not exist. Anything else is refused before it is opened (a FIFO would block).
 */
export function readProjectFile(root: string, path: string): Buffer | undefined {
  const stat = checkWritable(root, path);
  if (stat === undefined) return undefined;
  const fd = openSync(join(root, path), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The lock held by this process, per folder, released on exit whatever happens. */
const held = new Set<string>();
process.once('exit', () => {
  for (const lock of held) rmSync(lock, { force: true });
});

/**
 * Takes the lock `lockPath` (a file created exclusively, holding this process id), or refuses
 * naming the run that holds it. A lock left by a run that no longer exists is taken over.
 * Returns the release function.
 */
export function acquireLock(lockPath: string, what: string): () => void {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      mkdirSync(dirname(lockPath), { recursive: true });
      writeFileExclusive(lockPath, Buffer.from(`${process.pid}\n`), 0o644);
      held.add(lockPath);
      return () => {
        held.delete(lockPath);
        rmSync(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new UserError(`cannot lock ${what} (${lockPath}): ${errorReason(error)}`, 'check the folder is writable, then run the command again');
      }
      const holder = lockHolder(lockPath);
      if (holder !== undefined && holder !== process.pid && isRunning(holder)) {
        throw new UserError(
          `another flyte-pipeline run (process ${holder}) is writing ${what}`,
          `wait for it to finish, then run the command again (if no run is going, delete ${lockPath})`,
        );
      }
      // Stale: its process is gone. Remove it and try once more (exclusively, so two takers cannot both win).
      rmSync(lockPath, { force: true });
    }
  }
  throw new UserError(`cannot lock ${what}: another run keeps taking ${lockPath}`, 'wait for the other run to finish, then run the command again');
}

function lockHolder(lockPath: string): number | undefined {
  try {
    const pid = Number(readFileSync(lockPath, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
