/**
 * Writes that cannot be left half-done and never land outside the project: new projects appear
 * whole (staging folder + rename), upgrades and new steps are one transaction, nothing is written
 * through a symbolic link or over a FIFO, one run at a time per folder; upgrades refuse a downgrade,
 * a corrupt snapshot or .yo-rc.json, and a missing answer that names a cloud resource.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { UserError } from '../../shared/errors.js';
import { acquireLock, commitFiles } from '../../generators/lib/safe-write.js';
import { decodeSnapshot, encodeSnapshot, SNAPSHOT_PATH } from '../../generators/lib/snapshot.js';
import { BIN, ROOT } from '../helpers/project.js';
import { expectPrintedRefusal, fingerprint, generateIn, mkfifo, refusal, upgradeIn, workflowIn, workspace } from './helpers.js';

const TEMPLATES = join(ROOT, 'templates', 'project');
const NOBODY = 65534;

/** Leftovers a failed or finished run must not leave: temporary files, staging folders, locks. */
const leftovers = (dir: string) => Object.keys(fingerprint(dir)).filter((path) => /\.fp-\d+-|\.staging|\.lock$|(^|\/)lock$/.test(path));

let templatesOld: string;
let templatesNew: string;
let base: string;
let baseProject: string;
let outside: string;

beforeAll(async () => {
  const root = workspace('fp-files-');
  // Two template versions: the older has another Makefile header line and binary asset; the newer changes the asset.
  templatesOld = join(root, 'templates-0.0.9');
  templatesNew = join(root, 'templates-0.1.0');
  for (const [dir, asset] of [
    [templatesOld, Buffer.from([0, 1, 2, 3, 255])],
    [templatesNew, Buffer.from([0, 9, 9, 9, 255])],
  ] as const) {
    cpSync(TEMPLATES, dir, { recursive: true });
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'assets', 'logo.bin'), asset);
  }
  writeFileSync(join(templatesOld, 'Makefile.ejs'), `# made from the 0.0.9 templates\n${readFileSync(join(TEMPLATES, 'Makefile.ejs'), 'utf8')}`);
  base = join(root, 'base');
  mkdirSync(base);
  await generateIn(base, { templatesDir: templatesOld, templateVersion: '0.0.9', awsAccountId: '210987654321', awsRegion: 'eu-west-1' });
  baseProject = join(base, 'churn-model');
  outside = join(root, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'precious.txt'), 'not the project\n');
});

/** A fresh copy of the 0.0.9 project, to upgrade or break. */
function project(): string {
  const dir = join(workspace('fp-files-project-'), 'churn-model');
  cpSync(baseProject, dir, { recursive: true });
  return dir;
}

const upgrade = (dir: string, options: Record<string, unknown> = {}) => upgradeIn(dir, { templatesDir: templatesNew, templateVersion: '0.1.0', ...options });

function editYoRc(dir: string, edit: (config: Record<string, unknown>) => void, raw?: string): void {
  const path = join(dir, '.yo-rc.json');
  if (raw !== undefined) {
    writeFileSync(path, raw);
    return;
  }
  const file = JSON.parse(readFileSync(path, 'utf8'));
  edit(file['generator-flyte-pipeline']);
  writeFileSync(path, JSON.stringify(file, null, 2));
}

describe('a new project appears whole, or not at all', () => {
  it('no staging folder, lock or temporary file is left; the folder has the usual permissions', async () => {
    const dir = workspace();
    await generateIn(dir);
    expect(readdirSync(dir)).toEqual(['churn-model']);
    expect(leftovers(dir)).toEqual([]);
    expect(fingerprint(dir)['churn-model']).toMatch(/^dir 7[57]5$/);
    expect(fingerprint(dir)['churn-model/run']).toMatch(/^file 755 /);
  });

  it('an empty existing folder is filled (no --force needed)', async () => {
    const dir = workspace();
    mkdirSync(join(dir, 'churn-model'));
    await generateIn(dir);
    expect(existsSync(join(dir, 'churn-model', 'Makefile'))).toBe(true);
  });

  it.each([
    ['a symbolic link to a folder elsewhere', (target: string) => symlinkSync(outside, target), /symbolic link/],
    ['a file', (target: string) => writeFileSync(target, 'x'), /not a folder/],
    ['a FIFO', (target: string) => mkfifo(target), /not a folder/],
    ['a non-empty folder (no --force)', (target: string) => (mkdirSync(target), writeFileSync(join(target, 'notes.txt'), 'mine')), /exists and is not empty/],
  ])('the target is %s: refused, nothing written anywhere', async (_what, make, cause) => {
    const dir = workspace();
    make(join(dir, 'churn-model'));
    const before = [fingerprint(dir), fingerprint(outside)];
    expect((await refusal(generateIn(dir))).message).toMatch(cause);
    expect([fingerprint(dir), fingerprint(outside)]).toEqual(before);
  });

  describe('--force into a folder that holds things', () => {
    const forced = async (prepare: (target: string) => void) => {
      const dir = workspace();
      const target = join(dir, 'churn-model');
      mkdirSync(target);
      writeFileSync(join(target, 'notes.txt'), 'mine');
      prepare(target);
      return { dir, target, before: [fingerprint(dir), fingerprint(outside)] };
    };

    it.each([
      ['Makefile is a link to a file outside', (target: string) => symlinkSync(join(outside, 'precious.txt'), join(target, 'Makefile')), /Makefile is a symbolic link/],
      ['src is a link to a folder outside', (target: string) => symlinkSync(outside, join(target, 'src')), /src is a symbolic link/],
      ['Makefile is a FIFO (would block a reader)', (target: string) => mkfifo(join(target, 'Makefile')), /Makefile is a named pipe \(FIFO\)/],
      ['README.md is a folder', (target: string) => mkdirSync(join(target, 'README.md')), /README\.md is a folder/],
      ['src is a file', (target: string) => writeFileSync(join(target, 'src'), 'x'), /src is a file, where a folder is needed/],
      ['Makefile is read-only', (target: string) => writeFileSync(join(target, 'Makefile'), 'mine', { mode: 0o444 }), /Makefile is read-only/],
      ['.yo-rc.json is a link', (target: string) => symlinkSync(join(outside, 'precious.txt'), join(target, '.yo-rc.json')), /\.yo-rc\.json is a symbolic link/],
    ])('%s: refused before anything is written, nothing outside touched', async (_what, prepare, cause) => {
      const { dir, before } = await forced(prepare);
      const error = await refusal(generateIn(dir, { force: true }));
      expect(error.message).toMatch(cause);
      expect([fingerprint(dir), fingerprint(outside)]).toEqual(before);
    });

    it('a FIFO elsewhere in the folder does not block, and is left alone', async () => {
      const { dir, target } = await forced((folder) => mkfifo(join(folder, 'pipe')));
      await generateIn(dir, { force: true });
      expect(fingerprint(target).pipe).toMatch(/^special /);
      expect(readFileSync(join(target, 'notes.txt'), 'utf8')).toBe('mine');
      expect(existsSync(join(target, 'Makefile'))).toBe(true);
      expect(leftovers(dir)).toEqual([]);
    });
  });

  it('a lock held by a live run refuses a second run, naming it; a stale lock is taken over', async () => {
    const dir = workspace();
    const lock = join(dir, '.churn-model.flyte-pipeline.lock');
    const sleeper = execa('sleep', ['30']);
    try {
      writeFileSync(lock, `${sleeper.pid}\n`);
      const error = await refusal(generateIn(dir));
      expect(error.message).toBe(`another flyte-pipeline run (process ${sleeper.pid}) is writing ${join(dir, 'churn-model')}`);
      expect(error.fix).toContain(lock);
      expect(readdirSync(dir)).toEqual(['.churn-model.flyte-pipeline.lock']);
    } finally {
      sleeper.kill();
      await sleeper.catch(() => undefined);
    }
    // Its process has ended: the lock is stale.
    await generateIn(dir);
    expect(readdirSync(dir)).toEqual(['churn-model']);
  });

  it('acquireLock: exclusive, released, and names the holder', () => {
    const dir = workspace();
    const release = acquireLock(join(dir, 'lock'), 'the folder');
    expect(readFileSync(join(dir, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
    release();
    expect(existsSync(join(dir, 'lock'))).toBe(false);
    writeFileSync(join(dir, 'lock'), '1\n');
    expect(() => acquireLock(join(dir, 'lock'), 'the folder')).toThrow('another flyte-pipeline run (process 1) is writing the folder');
  });

  it('four runs at once into one folder with --force: each finishes or is refused, and the project is one run’s, whole', async () => {
    const dir = workspace();
    mkdirSync(join(dir, 'race-model'));
    writeFileSync(join(dir, 'race-model', 'notes.txt'), 'mine');
    const runs = await Promise.all(
      [1, 2, 3, 4].map((run) =>
        execa(process.execPath, [BIN, 'new', 'Race Model', '--defaults', '--skip-install', '--force', '--description', `run ${run}`], { cwd: dir, reject: false, stdin: 'ignore', all: true }),
      ),
    );
    for (const run of runs) {
      if (run.exitCode !== 0) expectPrintedRefusal(run, /another flyte-pipeline run \(process \d+\) is writing/);
    }
    expect(runs.some((run) => run.exitCode === 0)).toBe(true);
    const project = join(dir, 'race-model');
    const stored = JSON.parse(readFileSync(join(project, '.yo-rc.json'), 'utf8'))['generator-flyte-pipeline'].description as string;
    expect(readFileSync(join(project, 'pyproject.toml'), 'utf8')).toContain(`description = "${stored}"`);
    expect(readFileSync(join(project, 'README.md'), 'utf8')).toContain(stored);
    const { files } = decodeSnapshot(readFileSync(join(project, SNAPSHOT_PATH)));
    expect(files.get('README.md')?.equals(readFileSync(join(project, 'README.md')))).toBe(true);
    expect(leftovers(dir)).toEqual([]);
  }, 60_000);

  it('four runs at once into a folder that does not exist: one project, whole; the others refused', async () => {
    const dir = workspace();
    const runs = await Promise.all(
      [1, 2, 3, 4].map((run) => execa(process.execPath, [BIN, 'new', 'Race Model', '--defaults', '--skip-install', '--description', `run ${run}`], { cwd: dir, reject: false, stdin: 'ignore', all: true })),
    );
    expect(runs.filter((run) => run.exitCode === 0).length).toBeGreaterThanOrEqual(1);
    for (const run of runs) {
      if (run.exitCode !== 0) expectPrintedRefusal(run, /another flyte-pipeline run|exists and is not empty|appeared while|was created while/);
    }
    const project = join(dir, 'race-model');
    const stored = JSON.parse(readFileSync(join(project, '.yo-rc.json'), 'utf8'))['generator-flyte-pipeline'].description as string;
    expect(readFileSync(join(project, 'pyproject.toml'), 'utf8')).toContain(`description = "${stored}"`);
    expect(readdirSync(dir)).toEqual(['race-model']);
  }, 60_000);
});

describe('commitFiles: all or nothing', () => {
  const setup = () => {
    const root = workspace();
    writeFileSync(join(root, 'a.txt'), 'old a\n');
    writeFileSync(join(root, 'b.txt'), 'old b\n', { mode: 0o640 });
    return root;
  };
  const files = [
    { path: 'a.txt', contents: Buffer.from('new a\n') },
    { path: 'deep/er/c.txt', contents: Buffer.from('new c\n') },
    { path: 'b.txt', contents: Buffer.from('new b\n') },
    { path: 'd.txt', contents: Buffer.from('new d\n') },
  ];

  it('writes every file, keeping each replaced file’s mode', () => {
    const root = setup();
    commitFiles(root, files);
    expect(['a.txt', 'deep/er/c.txt', 'b.txt', 'd.txt'].map((path) => readFileSync(join(root, path), 'utf8'))).toEqual(['new a\n', 'new c\n', 'new b\n', 'new d\n']);
    expect(fingerprint(root)['b.txt']).toMatch(/^file 640 /);
    expect(leftovers(root)).toEqual([]);
  });

  it.each([0, 1, 2, 3])('an I/O error at file %i, after the others were written: everything is put back', (failAt) => {
    const root = setup();
    const before = fingerprint(root);
    let attempt: unknown;
    try {
      commitFiles(root, files, {
        beforeRename: (path) => {
          if (path === files[failAt].path) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        },
      });
    } catch (error) {
      attempt = error;
    }
    expect(attempt).toBeInstanceOf(UserError);
    expect((attempt as UserError).message).toBe(`could not write ${files[failAt].path}: the disk is full; nothing was changed`);
    expect(fingerprint(root)).toEqual(before);
  });

  it('createOnly refuses an existing file, before writing anything', () => {
    const root = setup();
    const before = fingerprint(root);
    expect(() => commitFiles(root, [{ path: 'd.txt', contents: Buffer.from('x') }, { path: 'a.txt', contents: Buffer.from('x'), createOnly: true }])).toThrow('a.txt already exists');
    expect(fingerprint(root)).toEqual(before);
  });

  it('a file name of 250 characters is written (its temporary name stays short)', () => {
    const root = setup();
    commitFiles(root, [{ path: 'n'.repeat(250), contents: Buffer.from('x') }]);
    expect(readFileSync(join(root, 'n'.repeat(250)), 'utf8')).toBe('x');
  });
});

describe('upgrade: all or nothing, never through a link, never a guess', () => {
  it('upgrades a project made by older templates, keeping another generator’s settings in .yo-rc.json, leaving no temporary file', async () => {
    const dir = project();
    const yoRc = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'));
    writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify({ ...yoRc, 'generator-other': { keep: true } }, null, 2));
    await upgrade(dir);
    expect(readFileSync(join(dir, 'Makefile'), 'utf8')).not.toContain('made from the 0.0.9 templates');
    expect(readFileSync(join(dir, 'assets', 'logo.bin'))).toEqual(Buffer.from([0, 9, 9, 9, 255]));
    const stored = JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'));
    expect(stored['generator-other']).toEqual({ keep: true });
    expect(stored['generator-flyte-pipeline']).toMatchObject({ generatorVersion: '0.1.0', awsAccountId: '210987654321', awsRegion: 'eu-west-1' });
    expect(decodeSnapshot(readFileSync(join(dir, SNAPSHOT_PATH))).generatorVersion).toBe('0.1.0');
    expect(leftovers(dir)).toEqual([]);
  });

  it('--dry-run writes nothing', async () => {
    const dir = project();
    const before = fingerprint(dir);
    await upgrade(dir, { dryRun: true });
    expect(fingerprint(dir)).toEqual(before);
  });

  it('a binary file both sides changed: yours stays, the template’s version is written beside it, both named', async () => {
    const dir = project();
    writeFileSync(join(dir, 'assets', 'logo.bin'), Buffer.from([0, 7, 7, 255]));
    const error = await refusal(upgrade(dir));
    expect(error.message).toMatch(/conflicts in assets\/logo\.bin: in binary files yours is kept and the template's version is written beside it \(assets\/logo\.bin\.template-0\.1\.0\)/);
    expect(readFileSync(join(dir, 'assets', 'logo.bin'))).toEqual(Buffer.from([0, 7, 7, 255]));
    expect(readFileSync(join(dir, 'assets', 'logo.bin.template-0.1.0'))).toEqual(Buffer.from([0, 9, 9, 9, 255]));
  });

  it.each([
    ['Makefile is a link to a file outside', (dir: string) => (rmSync(join(dir, 'Makefile')), symlinkSync(join(outside, 'precious.txt'), join(dir, 'Makefile'))), /Makefile is a symbolic link/],
    ['src/tasks is a link to a folder outside', (dir: string) => (rmSync(join(dir, 'src', 'tasks'), { recursive: true }), symlinkSync(outside, join(dir, 'src', 'tasks'))), /src\/tasks is a symbolic link/],
    ['the snapshot is a link', (dir: string) => (rmSync(join(dir, SNAPSHOT_PATH)), symlinkSync(join(outside, 'precious.txt'), join(dir, SNAPSHOT_PATH))), /base\.json\.gz is a symbolic link/],
    ['Makefile is a FIFO', (dir: string) => (rmSync(join(dir, 'Makefile')), mkfifo(join(dir, 'Makefile'))), /Makefile is a named pipe/],
    ['Makefile (to be updated) is read-only', (dir: string) => chmodSync(join(dir, 'Makefile'), 0o444), /Makefile is read-only/],
    ['the snapshot is missing', (dir: string) => rmSync(join(dir, SNAPSHOT_PATH)), /base\.json\.gz is missing/],
  ])('%s: refused, nothing changed inside or outside', async (_what, breakIt, cause) => {
    const dir = project();
    breakIt(dir);
    const before = [fingerprint(dir), fingerprint(outside)];
    expect((await refusal(upgrade(dir))).message).toMatch(cause);
    expect([fingerprint(dir), fingerprint(outside)]).toEqual(before);
  });

  describe('a downgrade is refused unless --force', () => {
    it.each([
      ['.yo-rc.json', (dir: string) => editYoRc(dir, (config) => (config.generatorVersion = '9.9.9'))],
      [SNAPSHOT_PATH, (dir: string) => writeFileSync(join(dir, SNAPSHOT_PATH), encodeSnapshot('9.9.9', [...decodeSnapshot(readFileSync(join(dir, SNAPSHOT_PATH))).files].map(([path, contents]) => ({ path, contents, executable: false }))))],
    ])('recorded in %s', async (where, record) => {
      const dir = project();
      record(dir);
      const before = fingerprint(dir);
      const error = await refusal(upgrade(dir));
      expect(error.message).toBe(`this project was made by generator-flyte-pipeline@9.9.9 (${where}), newer than this one (0.1.0): upgrading would take it back to older templates`);
      expect(error.fix).toContain('--force');
      expect(fingerprint(dir)).toEqual(before);
      await upgrade(dir, { force: true });
      expect(decodeSnapshot(readFileSync(join(dir, SNAPSHOT_PATH))).generatorVersion).toBe('0.1.0');
    });
    it.each([
      ['0.1.0-rc.1', 'a pre-release of this version'],
      ['0.0.10', 'an older patch'],
      ['0.1.0', 'this version'],
    ])('%s (%s) is not a downgrade', async (version) => {
      const dir = project();
      editYoRc(dir, (config) => (config.generatorVersion = version));
      await upgrade(dir);
    });
  });

  describe('a corrupt snapshot: one line naming the file and the fix, nothing changed', () => {
    const snapshot = (json: unknown) => gzipSync(JSON.stringify(json));
    it.each([
      ['not gzip', Buffer.from('junk'), /not gzip data/],
      ['gzip of text', gzipSync('hello'), /not JSON inside/],
      ['a JSON list', snapshot([1]), /not a JSON object/],
      ['another format', snapshot({ format: 2, generatorVersion: '0.0.9', files: {} }), /format 2, expected 1/],
      ['no version', snapshot({ format: 1, files: {} }), /"generatorVersion" is not a version/],
      ['a version that is not one', snapshot({ format: 1, generatorVersion: 'latest; rm -rf', files: {} }), /"generatorVersion" is not a version/],
      ['files as a list', snapshot({ format: 1, generatorVersion: '0.0.9', files: [] }), /"files" is not an object/],
      ['a path outside the project', snapshot({ format: 1, generatorVersion: '0.0.9', files: { '../../etc/passwd': '' } }), /a path outside the project/],
      ['an absolute path', snapshot({ format: 1, generatorVersion: '0.0.9', files: { '/etc/passwd': '' } }), /a path outside the project/],
      ['contents that are not base64', snapshot({ format: 1, generatorVersion: '0.0.9', files: { 'a.txt': 42 } }), /contents of a\.txt are not base64/],
      ['truncated', gzipSync(JSON.stringify({ format: 1 })).subarray(0, 12), /not gzip data/],
      ['empty', Buffer.alloc(0), /not gzip data/],
    ])('%s', async (_what, contents, cause) => {
      const dir = project();
      writeFileSync(join(dir, SNAPSHOT_PATH), contents);
      const before = fingerprint(dir);
      const error = await refusal(upgrade(dir));
      expect(error.message).toMatch(new RegExp(`^\\.flyte-pipeline/base\\.json\\.gz is not a snapshot this generator wrote: `));
      expect(error.message).toMatch(cause);
      expect(error.fix).toBe('restore it from version control (git checkout -- .flyte-pipeline/base.json.gz), then run the upgrade again');
      expect(fingerprint(dir)).toEqual(before);
    });
    it('a gzip bomb (1 GB of zeros) is refused without unpacking it whole', () => {
      const bomb = gzipSync(Buffer.alloc(300 * 1024 * 1024), { level: 9 });
      expect(() => decodeSnapshot(bomb)).toThrow(/unpacks to more than 268435456 bytes/);
    });
  });

  describe('a corrupt .yo-rc.json: refused naming the file and what is wrong, nothing changed', () => {
    it.each([
      ['not JSON', '{bad', /\.yo-rc\.json is not valid JSON/],
      ['a list', '[]', /holds a list, not a JSON object/],
      ['the answers as a string', '{"generator-flyte-pipeline": "x"}', /"generator-flyte-pipeline" holds a string/],
      ['the answers as null', '{"generator-flyte-pipeline": null}', /"generator-flyte-pipeline" holds null/],
      ['an account id as a number', (config: Record<string, unknown>) => (config.awsAccountId = 210987654321), /"awsAccountId" is a number, but the answer is text/],
      ['a region as a list', (config: Record<string, unknown>) => (config.awsRegion = ['eu-west-1']), /"awsRegion" is a list/],
      ['gpu as a word', (config: Record<string, unknown>) => (config.gpu = 'yes'), /"gpu" is a string, but the answer is true or false/],
      ['a version that is not one', (config: Record<string, unknown>) => (config.generatorVersion = 1), /"generatorVersion" is a number/],
      ['an invalid region', (config: Record<string, unknown>) => (config.awsRegion = 'eu-west-99'), /\.yo-rc\.json: "awsRegion": "eu-west-99" is not an AWS region/],
      ['a description FlyteAdmin would refuse', (config: Record<string, unknown>) => (config.description = 'd'.repeat(301)), /\.yo-rc\.json: "description": the description is 301 bytes long/],
      ['a control character', (config: Record<string, unknown>) => (config.author = 'Ada\u001b[2J'), /\.yo-rc\.json: "author": the author holds a control/],
    ])('%s', async (_what, edit, cause) => {
      const dir = project();
      if (typeof edit === 'string') editYoRc(dir, () => undefined, edit);
      else editYoRc(dir, edit);
      const before = fingerprint(dir);
      const error = await refusal(upgrade(dir));
      expect(error.message).toMatch(cause);
      expect(error.fix).toMatch(/\.yo-rc\.json/);
      expect(fingerprint(dir)).toEqual(before);
    });
  });

  describe('a lost answer that names a cloud resource is never filled with a default', () => {
    it.each(['projectName', 'awsAccountId', 'awsRegion', 'ecrRepository', 'flyteProject', 'flyteDomain', 'flyteEndpoint'])('%s missing: refused, naming it and the flag', async (key) => {
      const dir = project();
      editYoRc(dir, (config) => delete config[key]);
      const before = fingerprint(dir);
      const error = await refusal(upgrade(dir));
      expect(error.message).toMatch(new RegExp(`^\\.yo-rc\\.json has no "${key}" .*an upgrade never guesses one`));
      expect(error.fix).toMatch(/restore \.yo-rc\.json from version control, or pass it: flyte-pipeline upgrade --[a-z-]+ VALUE/);
      expect(fingerprint(dir)).toEqual(before);
    });
    it('given as a flag, the upgrade goes on with it', async () => {
      const dir = project();
      editYoRc(dir, (config) => delete config.ecrRepository);
      await upgrade(dir, { 'ecr-repository': 'churn-model' });
      expect(JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-flyte-pipeline'].ecrRepository).toBe('churn-model');
    });
    it('an answer that names no cloud resource (the linter) still takes its default', async () => {
      const dir = project();
      editYoRc(dir, (config) => delete config.linter);
      await upgrade(dir);
      expect(JSON.parse(readFileSync(join(dir, '.yo-rc.json'), 'utf8'))['generator-flyte-pipeline'].linter).toBe('black-flake8');
    });
  });
});

describe('as a user without root: permissions refuse a write, and nothing is left half-done', () => {
  // The clone may sit in a folder only root may enter (`mktemp -d` makes one 0700): let the other
  // user pass through the folders above the bin and Node (search only, nothing listed), as a
  // checkout in a home folder allows.
  beforeAll(() => {
    for (const start of [ROOT, dirname(process.execPath)]) {
      for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
        const { mode } = statSync(dir);
        if (!(mode & 0o001)) chmodSync(dir, mode | 0o001);
      }
    }
  });
  const asNobody = (args: string[], cwd: string) =>
    execa('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, BIN, ...args], { cwd, reject: false, stdin: 'ignore', all: true, env: { ...process.env, HOME: cwd } });
  const owned = (dir: string) => execa('chown', ['-R', `${NOBODY}:${NOBODY}`, dir]);

  it('`workflow` with tests/ not writable: refused, no half step; writable again, the same command works', async () => {
    const dir = project();
    await owned(join(dir, '..'));
    chmodSync(join(dir, 'tests'), 0o555);
    const before = fingerprint(dir);
    const refused = await asNobody(['workflow', 'drop_nulls', '--after', 'process_raw_data'], dir);
    expectPrintedRefusal(refused, /could not write tests\/test_drop_nulls\.py: permission denied; nothing was changed/);
    expect(fingerprint(dir)).toEqual(before);
    chmodSync(join(dir, 'tests'), 0o755);
    const retried = await asNobody(['workflow', 'drop_nulls', '--after', 'process_raw_data'], dir);
    expect(retried.exitCode).toBe(0);
    expect(readFileSync(join(dir, 'src', 'workflows', 'full.py'), 'utf8')).toContain('drop_nulls(data=');
  }, 30_000);

  it('`upgrade` with the project folder not writable: refused after assets/logo.bin was staged, nothing upgraded, the snapshot untouched', async () => {
    const dir = project();
    await owned(join(dir, '..'));
    chmodSync(dir, 0o555);
    const before = fingerprint(dir);
    const refused = await asNobody(['upgrade'], dir);
    expectPrintedRefusal(refused, /could not write Makefile: permission denied; nothing was changed/);
    expect(fingerprint(dir)).toEqual(before);
  }, 30_000);

  it('`new` in a folder it cannot write: refused, nothing left', async () => {
    const dir = workspace();
    await owned(dir);
    chmodSync(dir, 0o555);
    const refused = await asNobody(['new', 'Churn Model', '--defaults', '--skip-install'], dir);
    expectPrintedRefusal(refused, /cannot (lock|create)/);
    expect(readdirSync(dir)).toEqual([]);
  }, 30_000);
});

describe('workflow: all or nothing in-process', () => {
  it('a failure leaves no half step, and the retry is not refused', async () => {
    const dir = project();
    const tests = join(dir, 'tests');
    // A folder where the new test file must go: refused before the step's other files are written.
    mkdirSync(join(tests, 'test_drop_nulls.py'));
    const before = fingerprint(dir);
    expect((await refusal(workflowIn(dir, ['drop_nulls']))).message).toMatch(/tests\/test_drop_nulls\.py is a folder/);
    expect(fingerprint(dir)).toEqual(before);
    rmSync(join(tests, 'test_drop_nulls.py'), { recursive: true });
    await workflowIn(dir, ['drop_nulls']);
    expect(existsSync(join(dir, 'src', 'tasks', 'drop_nulls.py'))).toBe(true);
  });
});
