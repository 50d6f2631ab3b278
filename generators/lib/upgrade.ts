/**
 * Bringing a project to the current template. Per file: base = what the previous generation wrote
 * (from the snapshot), yours = the file now, template = what the current template renders.
 * Untouched files take the template's version; edited ones get a three-way merge; a conflict keeps
 * both sides between markers. Nothing of yours is dropped.
 */
import { mergeDiff3 } from 'node-diff3';
import type { RenderedFile } from './render.js';

export type UpgradeStatus = 'unchanged' | 'updated' | 'merged' | 'conflict' | 'added' | 'deleted by you' | 'obsolete';

export interface UpgradeEntry {
  path: string;
  status: UpgradeStatus;
  /** What to write; absent when the file stays as it is. */
  contents?: Buffer;
  executable?: boolean;
  /**
   * A conflict in a binary file cannot be shown between markers: yours stays in place and the
   * template's version is written beside it, at this path.
   */
  templateCopy?: { path: string; contents: Buffer };
  /** The file is yours as you edited it (or deleted it), and stays so: the template did not change it. */
  keptEdit?: boolean;
}

/** `1.2.3` vs `1.10.0`, numerically; a pre-release (`1.0.0-rc.1`) sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const parse = (version: string) => {
    const [core, pre] = version.split('+')[0].split(/-(.*)/s);
    return { numbers: core.split('.').map((part) => Number(part) || 0), pre };
  };
  const left = parse(a);
  const right = parse(b);
  for (let index = 0; index < 3; index += 1) {
    const difference = (left.numbers[index] ?? 0) - (right.numbers[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  if (left.pre === right.pre) return 0;
  if (left.pre === undefined) return 1;
  if (right.pre === undefined) return -1;
  return left.pre < right.pre ? -1 : 1;
}

/** Where a binary conflict puts the template's version: beside yours, named for the version. */
export function templateCopyPath(path: string, version: string): string {
  return `${path}.template-${version}`;
}

export interface UpgradeInput {
  base: Map<string, Buffer>;
  current: (path: string) => Buffer | undefined;
  next: RenderedFile[];
  labels: { yours: string; base: string; template: string };
  /** The version being upgraded to, to name the template's copy of a binary conflict. */
  version?: string;
}

const isText = (buffer: Buffer): boolean => !buffer.includes(0) && Buffer.from(buffer.toString('utf8'), 'utf8').equals(buffer);

export function mergeText(yours: string, base: string, template: string, labels: UpgradeInput['labels']): { text: string; conflict: boolean } {
  const { conflict, result } = mergeDiff3(yours, base, template, {
    stringSeparator: '\n',
    excludeFalseConflicts: true,
    label: { a: labels.yours, o: labels.base, b: labels.template },
  });
  return { text: result.join('\n'), conflict };
}

export function planUpgrade({ base, current, next, labels, version = 'new' }: UpgradeInput): UpgradeEntry[] {
  const entries: UpgradeEntry[] = next.map(({ path, contents: template, executable }) => {
    const yours = current(path);
    const previous = base.get(path);
    if (yours === undefined) {
      return previous === undefined ? { path, status: 'added', contents: template, executable } : { path, status: 'deleted by you', keptEdit: true };
    }
    if (yours.equals(template)) return { path, status: 'unchanged' };
    if (previous !== undefined && yours.equals(previous)) return { path, status: 'updated', contents: template, executable };
    if (previous !== undefined && template.equals(previous)) return { path, status: 'unchanged', keptEdit: true };
    if (![yours, template, previous ?? Buffer.alloc(0)].every(isText)) {
      return { path, status: 'conflict', templateCopy: { path: templateCopyPath(path, version), contents: template } };
    }
    const merged = mergeText(yours.toString('utf8'), (previous ?? Buffer.alloc(0)).toString('utf8'), template.toString('utf8'), labels);
    return { path, status: merged.conflict ? 'conflict' : 'merged', contents: Buffer.from(merged.text, 'utf8'), executable };
  });
  const rendered = new Set(next.map((file) => file.path));
  for (const path of base.keys()) {
    if (!rendered.has(path)) entries.push({ path, status: 'obsolete' });
  }
  return entries;
}

/** The plan changes nothing on disk: no file written, none the template dropped. */
export function changesNothing(entries: UpgradeEntry[]): boolean {
  return entries.every((entry) => entry.contents === undefined && entry.templateCopy === undefined && entry.status !== 'obsolete');
}

/**
 * What an upgrade with nothing to do says: the version, and that the files the user edited (or
 * deleted) stay as they are.
 */
export function nothingToUpgrade(projectName: string, version: string, entries: UpgradeEntry[]): string {
  const kept = entries.filter((entry) => entry.keptEdit);
  const listed = kept.slice(0, 8).map((entry) => (entry.status === 'deleted by you' ? `${entry.path} (deleted)` : entry.path));
  const more = kept.length > listed.length ? `, … ${kept.length - listed.length} more` : '';
  const edits =
    kept.length === 0
      ? 'No file differs from what was generated.'
      : `Your ${kept.length} edited file${kept.length === 1 ? '' : 's'} stay${kept.length === 1 ? 's' : ''} as ${kept.length === 1 ? 'it is' : 'they are'}: ${listed.join(', ')}${more}.`;
  const unchanged = summarise(entries.filter((entry) => entry.status === 'unchanged'));
  return `Nothing to upgrade: ${projectName} is at ${version}, the current template, with the same answers.\n${unchanged ? `${unchanged}\n` : ''}${edits}`;
}

export function summarise(entries: UpgradeEntry[]): string {
  const order: UpgradeStatus[] = ['updated', 'merged', 'added', 'conflict', 'deleted by you', 'obsolete', 'unchanged'];
  const lines: string[] = [];
  for (const status of order) {
    const paths = entries.filter((entry) => entry.status === status).map((entry) => entry.path);
    if (paths.length === 0) continue;
    if (status === 'unchanged') lines.push(`  unchanged       ${paths.length} files`);
    else
      for (const entry of entries.filter((candidate) => candidate.status === status)) {
        const note = entry.templateCopy ? ` (binary: yours kept, the template's version is ${entry.templateCopy.path})` : '';
        lines.push(`  ${status.padEnd(15)} ${entry.path}${note}`);
      }
  }
  return lines.join('\n');
}
