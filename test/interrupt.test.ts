/**
 * The line Ctrl-C prints, for each stage and each state of the disk. The terminal suite
 * (test/pty/test_new.py) sends real Ctrl-Cs; the moment one lands while files are being written
 * depends on the machine, so every state of a half-written folder is also checked here.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { interruptReport, isPromptClosed, type InterruptState } from '../generators/lib/interrupt.js';
import { SNAPSHOT_PATH } from '../generators/lib/snapshot.js';

const files = [
  { path: 'Makefile', contents: Buffer.from('test:\n\tpytest\n') },
  { path: 'src/tasks/train_model.py', contents: Buffer.from('def train():\n    pass\n') },
];

function writeAll(folder: string, which = files.map((file) => file.path), extras = ['.yo-rc.json', SNAPSHOT_PATH]): void {
  for (const file of files.filter((candidate) => which.includes(candidate.path))) {
    mkdirSync(dirname(join(folder, file.path)), { recursive: true });
    writeFileSync(join(folder, file.path), file.contents);
  }
  for (const extra of extras) {
    mkdirSync(dirname(join(folder, extra)), { recursive: true });
    writeFileSync(join(folder, extra), '{}');
  }
}

describe('what Ctrl-C says', () => {
  let cwd: string;
  let folder: string;
  const original = process.cwd();
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'fp-interrupt-'));
    folder = join(cwd, 'churn-model');
    process.chdir(cwd);
  });
  afterEach(() => {
    process.chdir(original);
    rmSync(cwd, { recursive: true, force: true });
  });
  const state = (extra: Partial<InterruptState>): InterruptState => ({ phase: 'writing', folder, upgrade: false, files, installCommand: 'pipenv install --dev', ...extra });

  it('during the interview: nothing written', () => {
    expect(interruptReport({ phase: 'interview', upgrade: false })).toBe('Cancelled: nothing was written.');
    expect(interruptReport({ phase: 'interview', upgrade: true, folder })).toBe('Cancelled: nothing was changed.');
  });

  it('after the interview, before writing: nothing written, the folder named', () => {
    expect(interruptReport(state({ phase: 'ready' }))).toBe('Interrupted: nothing was written (./churn-model/ was not created).');
    expect(interruptReport(state({}))).toBe('Interrupted: nothing was written (./churn-model/ was not created).');
    writeAll(folder); // --force into a folder that holds a project already
    expect(interruptReport(state({ phase: 'ready' }))).toBe('Interrupted: nothing was written into ./churn-model/.');
  });

  it.each([
    ['a file missing', ['Makefile'], ['.yo-rc.json', SNAPSHOT_PATH]],
    ['the answers not yet written', files.map((file) => file.path), [SNAPSHOT_PATH]],
    ['the upgrade base not yet written', files.map((file) => file.path), ['.yo-rc.json']],
  ])('while writing, %s: incomplete, not usable', (_case, which, extras) => {
    writeAll(folder, which, extras);
    expect(interruptReport(state({}))).toBe('Interrupted while writing: ./churn-model/ is incomplete, not usable; delete it and run the command again.');
  });

  it('while writing, a file cut short: incomplete', () => {
    writeAll(folder);
    writeFileSync(join(folder, 'Makefile'), 'te');
    expect(interruptReport(state({}))).toMatch(/^Interrupted while writing: .* incomplete/);
  });

  it('once every file is written: usable, with the install still to run', () => {
    writeAll(folder);
    expect(interruptReport(state({}))).toBe('Interrupted: ./churn-model/ is written; it is usable once its Python environment is installed: cd churn-model && pipenv install --dev');
    expect(interruptReport(state({ installCommand: undefined }))).toBe('Interrupted: ./churn-model/ is written and usable.');
  });

  it('during the install: the folder is written, the environment is not, and how to finish', () => {
    writeAll(folder);
    expect(interruptReport(state({ phase: 'installing', installCommand: 'uv sync' }))).toBe(
      'Interrupted during the install: ./churn-model/ is written, but its Python environment is not complete; finish it with: cd churn-model && uv sync',
    );
  });

  it('during init (--init): the project is usable; how to run init again', () => {
    writeAll(folder);
    expect(interruptReport(state({ phase: 'init' }))).toMatch(/^Interrupted during init: \.\/churn-model\/ is written and usable; .*cd churn-model && flyte-pipeline init$/);
  });

  it('tells a closed prompt from other errors', () => {
    const closed = Object.assign(new Error('User force closed the prompt with SIGINT'), { name: 'ExitPromptError' });
    expect(isPromptClosed(closed)).toBe(true);
    expect(isPromptClosed(new Error('boom'))).toBe(false);
  });
});
