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
      return previous === undefined ? { path, status: 'added', contents: template, executable } : { path, status: 'deleted by you' };
    }
    if (yours.equals(template)) return { path, status: 'unchanged' };
    if (previous !== undefined && yours.equals(previous)) return { path, status: 'updated', contents: template, executable };
    if (previous !== undefined && template.equals(previous)) return { path, status: 'unchanged' };
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
