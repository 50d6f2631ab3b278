import { decodeSnapshot, encodeSnapshot } from '../generators/lib/snapshot.js';
import { mergeText, planUpgrade, summarise } from '../generators/lib/upgrade.js';

const labels = { yours: 'yours', base: 'template 0.0.9', template: 'template 0.1.0' };
const file = (path: string, text: string) => ({ path, contents: Buffer.from(text), executable: false });

describe('planUpgrade', () => {
  const base = new Map(
    Object.entries({
      'untouched.py': 'a\nb\n',
      'edited.py': 'one\ntwo\nthree\n',
      'clash.py': 'x = 1\n',
      'kept.py': 'same\n',
      'gone.py': 'deleted by the user\n',
      'obsolete.py': 'no longer in the template\n',
    }).map(([path, text]) => [path, Buffer.from(text)]),
  );
  const current = new Map(
    Object.entries({
      'untouched.py': 'a\nb\n',
      'edited.py': 'ONE (mine)\ntwo\nthree\n',
      'clash.py': 'x = 2  # mine\n',
      'kept.py': 'same, but edited by me\n',
      'obsolete.py': 'no longer in the template\n',
      'added.py': 'the user already has a file here\n',
    }).map(([path, text]) => [path, Buffer.from(text)]),
  );
  const next = [
    file('untouched.py', 'a\nb\nc\n'),
    file('edited.py', 'one\ntwo\nthree (template)\n'),
    file('clash.py', 'x = 3  # template\n'),
    file('kept.py', 'same\n'),
    file('gone.py', 'changed in the template\n'),
    file('new.py', 'brand new\n'),
  ];
  const entries = planUpgrade({ base, current: (path) => current.get(path), next, labels });
  const byPath = Object.fromEntries(entries.map((entry) => [entry.path, entry]));

  it('updates untouched files to the template', () => {
    expect(byPath['untouched.py']).toMatchObject({ status: 'updated', contents: Buffer.from('a\nb\nc\n') });
  });
  it('merges edits on other lines', () => {
    expect(byPath['edited.py'].status).toBe('merged');
    expect(byPath['edited.py'].contents?.toString()).toBe('ONE (mine)\ntwo\nthree (template)\n');
  });
  it('keeps both sides of a clash between markers, dropping nothing', () => {
    const text = byPath['clash.py'].contents?.toString() ?? '';
    expect(byPath['clash.py'].status).toBe('conflict');
    expect(text).toContain('<<<<<<< yours\nx = 2  # mine\n');
    expect(text).toContain('||||||| template 0.0.9\nx = 1\n=======\nx = 3  # template\n>>>>>>> template 0.1.0');
  });
  it('leaves an edit alone when the template did not change that file', () => {
    expect(byPath['kept.py']).toEqual({ path: 'kept.py', status: 'unchanged', keptEdit: true });
  });
  it('does not bring back a file the user deleted', () => {
    expect(byPath['gone.py']).toEqual({ path: 'gone.py', status: 'deleted by you', keptEdit: true });
  });
  it('adds new template files, and lists files the template dropped', () => {
    expect(byPath['new.py']).toMatchObject({ status: 'added', contents: Buffer.from('brand new\n') });
    expect(byPath['obsolete.py']).toEqual({ path: 'obsolete.py', status: 'obsolete' });
  });
  it('summarises by status', () => {
    const summary = summarise(entries);
    expect(summary).toMatch(/updated\s+untouched\.py/);
    expect(summary).toMatch(/conflict\s+clash\.py/);
    expect(summary).toMatch(/unchanged\s+1 files/);
  });
});

describe('mergeText', () => {
  it('takes an identical change on both sides without a conflict', () => {
    expect(mergeText('a\nB\n', 'a\nb\n', 'a\nB\n', labels)).toEqual({ text: 'a\nB\n', conflict: false });
  });
});

describe('snapshot', () => {
  it('round-trips files byte for byte', () => {
    const files = [file('a.txt', 'text\n'), { path: 'b.bin', contents: Buffer.from([0, 255, 1]), executable: true }];
    const decoded = decodeSnapshot(encodeSnapshot('1.2.3', files));
    expect(decoded.generatorVersion).toBe('1.2.3');
    expect(decoded.files.get('b.bin')).toEqual(Buffer.from([0, 255, 1]));
    expect(decoded.files.get('a.txt')?.toString()).toBe('text\n');
  });
});
