/**
 * `flyte-pipeline new --data FILE --target COLUMN`: the user's table read, what was inferred said
 * before writing, the file copied into data/01_raw/ (not into the upgrade snapshot), the answers
 * stored resolved; bad data refused in one line with nothing written; `workflow` and `upgrade` on
 * such a project; a project made before the data questions upgrades onto the sample.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { decodeSnapshot } from '../generators/lib/snapshot.js';
import { SAMPLE_ANSWERS } from '../shared/questions.js';
import { expectPrintedRefusal, generateIn } from './battery/helpers.js';
import { ROOT, listFiles, runBin } from './helpers/project.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'data');
const workspace = () => mkdtempSync(join(tmpdir(), 'fp-data-'));
const stored = (project: string) => JSON.parse(readFileSync(join(project, '.yo-rc.json'), 'utf8'))['generator-flyte-pipeline'];
const read = (project: string, path: string) => readFileSync(join(project, path), 'utf8');
const NEW = ['--defaults', '--skip-install'];

/** A deterministic stream of numbers in [0, 1), so each table is the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const csvOf = (header: string[], rows: Array<Array<string | number>>) => `${[header, ...rows].map((row) => row.join(',')).join('\n')}\n`;

/** Churn: a yes/no target, categories with gaps, an id and a date column. */
function churnCsv(n = 200): string {
  const next = random(1);
  return csvOf(
    ['customer_id', 'signup_date', 'region', 'plan', 'monthly_spend', 'tenure_months', 'churned'],
    Array.from({ length: n }, (_value, index) => [
      5000 + index,
      new Date(Date.UTC(2023, 0, 1 + index)).toISOString().slice(0, 10),
      ['north', 'south', 'east', 'west', ''][Math.floor(next() * 5)],
      ['basic', 'pro', ''][Math.floor(next() * 3)],
      (next() * 120).toFixed(2),
      1 + Math.floor(next() * 59),
      next() < 0.25 ? 'yes' : 'no',
    ]),
  );
}

/** House prices: a numeric target. */
function pricesCsv(n = 120): string {
  const next = random(2);
  return csvOf(
    ['rooms', 'area', 'district', 'price'],
    Array.from({ length: n }, () => {
      const rooms = 1 + Math.floor(next() * 5);
      const area = 20 + next() * 150;
      return [rooms, area.toFixed(1), ['a', 'b', 'c'][Math.floor(next() * 3)], (area * 3.1 + rooms * 11 + next() * 20).toFixed(2)];
    }),
  );
}

describe('a binary CSV: string labels, categories with gaps, an id and a date column', () => {
  let cwd: string;
  let project: string;
  let result: Awaited<ReturnType<typeof runBin>>;
  beforeAll(async () => {
    cwd = workspace();
    writeFileSync(join(cwd, 'churn.csv'), churnCsv());
    result = await runBin(['new', 'Churn Model', ...NEW, '--data', 'churn.csv', '--target', 'churned'], { cwd });
    project = join(cwd, 'churn-model');
  });

  it('says what it inferred, in one line, before writing', () => {
    expect(result.exitCode).toBe(0);
    const lines = String(result.all).split('\n');
    const summary = lines.findIndex((line) => line.startsWith('data: '));
    expect(lines[summary]).toBe('data: churn.csv, 200 rows: target "churned" binary (positive "yes": 29.0 %), 2 numeric, 2 categorical, 1 date, 1 left out (customer_id: id-like), tasks request 1Gi');
    expect(summary).toBeLessThan(lines.findIndex((line) => line.includes('create ')));
  });

  it('stores the answers resolved: the in-project path, binary, the positive class, the id left out', () => {
    expect(stored(project)).toMatchObject({ data: 'data/01_raw/churn.csv', target: 'churned', problemType: 'binary', positiveClass: 'yes', leaveOut: 'customer_id' });
  });

  it('copies the file byte for byte into data/01_raw/, without the sample', () => {
    expect(readFileSync(join(project, 'data/01_raw/churn.csv')).equals(readFileSync(join(cwd, 'churn.csv')))).toBe(true);
    expect(existsSync(join(project, 'data/01_raw/breast_cancer.csv'))).toBe(false);
    expect(readdirSync(join(project, 'data/01_raw')).sort()).toEqual(['README.md', 'churn.csv']);
  });

  it('keeps the copy out of the upgrade snapshot, which holds every rendered file and nothing else', () => {
    const { files } = decodeSnapshot(readFileSync(join(project, '.flyte-pipeline', 'base.json.gz')));
    const rendered = listFiles(project).filter((path) => !['.yo-rc.json', '.flyte-pipeline/base.json.gz', 'data/01_raw/churn.csv'].includes(path));
    expect([...files.keys()].sort()).toEqual(rendered);
  });

  it('declares the data for the pipeline (src/dataset.py) and describes it in data/01_raw/README.md', () => {
    const declaration = read(project, 'src/dataset.py');
    for (const value of ['"data/01_raw/churn.csv"', '"churned"', '"binary"', '"yes"', '["customer_id"]']) expect(declaration).toContain(value);
    const readme = read(project, 'data/01_raw/README.md');
    expect(readme).toContain('The pipeline trains on churn.csv, copied here when the project was made.');
    expect(readme).toContain('- Target: churned, a binary problem (positive class: yes).');
    expect(readme).toContain('- Left out of the features: customer\\_id.');
    expect(readme).toContain('DVC');
    expect(readme).not.toContain('Breast Cancer');
  });

  it('git ignores the copy, and keeps the README', async () => {
    await execa('git', ['init', '-q'], { cwd: project });
    const ignored = await execa('git', ['check-ignore', 'data/01_raw/churn.csv', 'data/01_raw/other.parquet', 'data/01_raw/README.md', 'data/01_raw/breast_cancer.csv', 'data/01_raw/.gitkeep'], { cwd: project, reject: false });
    expect(ignored.stdout.split('\n')).toEqual(['data/01_raw/churn.csv', 'data/01_raw/other.parquet']);
  });

  it('ends by naming the data the run trains on', () => {
    expect(result.all).toContain('./run src/ full           # train, evaluate and report on churn.csv');
    expect(result.all).not.toContain('on the sample data');
  });

  it('`workflow` adds a step, and `upgrade` changes nothing, reading no data (the copy removed first)', async () => {
    const step = await runBin(['workflow', 'drop_outliers', '--after', 'process_raw_data'], { cwd: project });
    expect([step.exitCode, step.all]).toEqual([0, expect.stringContaining('src/tasks/drop_outliers.py')]);
    rmSync(join(project, 'data/01_raw/churn.csv'));
    const upgrade = await runBin(['upgrade'], { cwd: project });
    expect([upgrade.exitCode, upgrade.all]).toEqual([0, expect.not.stringMatching(/error/)]);
    expect(upgrade.all).toMatch(/^Nothing to upgrade: Churn Model is at \S+, the current template, with the same answers\.\n\s+unchanged\s+\d+ files\nYour 1 edited file stays as it is: src\/workflows\/full\.py\.$/m);
    expect(upgrade.all).not.toMatch(/updated|merged|conflict|added/);
    expect(existsSync(join(project, 'data/01_raw/churn.csv'))).toBe(false);
    expect(stored(project)).toMatchObject({ data: 'data/01_raw/churn.csv', target: 'churned', problemType: 'binary', positiveClass: 'yes', leaveOut: 'customer_id' });
  });

  it('`upgrade` takes no new answer about the data: the declaration is where it changes', async () => {
    const bin = await runBin(['upgrade', '--target', 'plan'], { cwd: project });
    expectPrintedRefusal(bin, /unknown flag --target for `flyte-pipeline upgrade`/);
    const help = await runBin(['upgrade', '--help']);
    expect(help.stdout).not.toMatch(/--data|--target|--problem-type|--positive-class|--leave-out/);
  });
});

describe('other tables', () => {
  it('a multiclass Parquet file: the target defaults to the last column', async () => {
    const cwd = workspace();
    copyFileSync(join(FIXTURES, 'iris.parquet'), join(cwd, 'iris.parquet'));
    const result = await runBin(['new', 'Iris', ...NEW, '--data', 'iris.parquet'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(result.all).toContain('data: iris.parquet, 150 rows: target "species" multiclass (3 classes: setosa 33.3 %, versicolor 33.3 %, virginica 33.3 %), 4 numeric, tasks request 1Gi');
    expect(stored(join(cwd, 'iris'))).toMatchObject({ data: 'data/01_raw/iris.parquet', target: 'species', problemType: 'multiclass', positiveClass: '', leaveOut: '' });
    expect(readFileSync(join(cwd, 'iris/data/01_raw/iris.parquet')).equals(readFileSync(join(FIXTURES, 'iris.parquet')))).toBe(true);
  });

  it('a regression CSV, given by a path from another folder', async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, '..', `prices-${process.pid}.csv`), pricesCsv());
    const result = await runBin(['new', 'Prices', ...NEW, '--data', `../prices-${process.pid}.csv`, '--target', 'price'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(result.all).toMatch(/data: prices-\d+\.csv, 120 rows: target "price" regression \(range [\d.,]+ to [\d.,]+, mean [\d.,]+\), 2 numeric, 1 categorical, tasks request 1Gi\n/);
    expect(stored(join(cwd, 'prices'))).toMatchObject({ data: `data/01_raw/prices-${process.pid}.csv`, problemType: 'regression', positiveClass: '' });
    rmSync(join(cwd, '..', `prices-${process.pid}.csv`));
  });

  it('an s3:// URI is not read: nothing copied, the type left to the pipeline (auto)', async () => {
    const cwd = workspace();
    const result = await runBin(['new', 'Lake', ...NEW, '--data', 's3://ml-data/churn/2024.parquet', '--target', 'churned', '--leave-out', 'customer_id'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(result.all).toContain('data: s3://ml-data/churn/2024.parquet, not read here: target "churned", problem type auto');
    const project = join(cwd, 'lake');
    expect(stored(project)).toMatchObject({ data: 's3://ml-data/churn/2024.parquet', target: 'churned', problemType: 'auto', positiveClass: '', leaveOut: 'customer_id' });
    expect(readdirSync(join(project, 'data/01_raw'))).toEqual(['README.md']);
    expect(read(project, 'src/dataset.py')).toContain('"s3://ml-data/churn/2024.parquet"');
    expect(read(project, 'data/01_raw/README.md')).toContain('which Flyte reads directly');
  });

  it('given type, positive class and columns to leave out, from an --answers file', async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, 'churn.csv'), churnCsv());
    writeFileSync(join(cwd, 'answers.yaml'), 'data: churn.csv\ntarget: churned\nproblem-type: binary\npositive-class: "no"\nleave-out: customer_id, signup_date\n');
    const result = await runBin(['new', 'Churn', ...NEW, '--answers', 'answers.yaml'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(result.all).toContain('binary (positive "no": 71.0 %), 2 numeric, 2 categorical, 2 left out (customer_id: id-like, signup_date)');
    expect(stored(join(cwd, 'churn'))).toMatchObject({ problemType: 'binary', positiveClass: 'no', leaveOut: 'customer_id,signup_date' });
  });

  it('--leave-out "" keeps the id-like column as a feature', async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, 'churn.csv'), churnCsv());
    const result = await runBin(['new', 'Churn', ...NEW, '--data', 'churn.csv', '--leave-out', ''], { cwd });
    expect(result.exitCode).toBe(0);
    expect(stored(join(cwd, 'churn'))).toMatchObject({ target: 'churned', leaveOut: '' });
    expect(result.all).toContain('3 numeric, 2 categorical, 1 date, tasks request 1Gi\n');
  });

  it('the sample, by default: written, and its answers stored resolved', async () => {
    const cwd = workspace();
    const result = await runBin(['new', 'Sample', ...NEW], { cwd });
    expect(result.exitCode).toBe(0);
    expect(result.all).toContain('data: breast_cancer.csv (the bundled sample), 569 rows: target "diagnosis" binary (positive "M": 37.3 %), 30 numeric, tasks request 1Gi');
    expect(result.all).toContain('# train, evaluate and report on the sample data');
    const project = join(cwd, 'sample');
    expect(stored(project)).toMatchObject(SAMPLE_ANSWERS);
    expect(existsSync(join(project, 'data/01_raw/breast_cancer.csv'))).toBe(true);
    expect(read(project, 'data/01_raw/README.md')).toContain('# Raw data: Breast Cancer Wisconsin (Diagnostic)');
  });

  it('--force into a folder that holds things: the copy is written in the same transaction', async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, 'churn.csv'), churnCsv(40));
    const target = join(cwd, 'churn-model');
    mkdirSync(join(target, 'data', '01_raw'), { recursive: true });
    writeFileSync(join(target, 'notes.txt'), 'mine');
    writeFileSync(join(target, 'data', '01_raw', 'churn.csv'), 'an older export');
    await generateIn(cwd, { data: 'churn.csv', force: true });
    expect(read(target, 'notes.txt')).toBe('mine');
    expect(readFileSync(join(target, 'data/01_raw/churn.csv')).equals(readFileSync(join(cwd, 'churn.csv')))).toBe(true);
    expect(stored(target)).toMatchObject({ data: 'data/01_raw/churn.csv', target: 'churned' });
  });

  it('new --help lists the data flags', async () => {
    const help = await runBin(['new', '--help']);
    expect(help.stdout).toMatch(/^ {2}--data\s+Training data \(CSV or Parquet file, or s3:\/\/ URI\)$/m);
    expect(help.stdout).toMatch(/^ {2}--target\s+Target column \(what the model predicts\)$/m);
    expect(help.stdout).toMatch(/^ {2}--problem-type\s+Problem type \(auto \| binary \| multiclass \| regression\)$/m);
    expect(help.stdout).toMatch(/^ {2}--positive-class\s+/m);
    expect(help.stdout).toMatch(/^ {2}--leave-out\s+Columns to leave out \(ids, leaks\), comma-separated$/m);
  });
});

describe('bad data: one line of cause, one of fix, exit 1, nothing written', () => {
  const rows = (n: number, target: (index: number) => string | number) => csvOf(['x', 'label'], Array.from({ length: n }, (_value, index) => [index, target(index)]));
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  it.each([
    ['a file that does not exist', {}, ['--data', 'nope.csv'], /^error: cannot read the training data nope\.csv: it does not exist\n {2}fix: pass --data an existing CSV or Parquet file/],
    ['not a CSV or Parquet name', { 'table.xlsx': 'x' }, ['--data', 'table.xlsx'], /--data: "table\.xlsx" is not a CSV or Parquet file: its name must end in \.csv, \.parquet or \.pq/],
    ['a PNG renamed .csv', { 'photo.csv': png }, ['--data', 'photo.csv'], /photo\.csv is not CSV text: it is a PNG image\n {2}fix: export the table as CSV/],
    ['a header and no rows', { 'empty.csv': 'x,label\n' }, ['--data', 'empty.csv'], /empty\.csv has no rows \(only a header: "x", "label"\)/],
    ['a target column that does not exist', { 't.csv': rows(20, (index) => index % 2) }, ['--data', 't.csv', '--target', 'churn'], /t\.csv has no column "churn" \(its columns: "x", "label"\)\n {2}fix: pass --target/],
    ['a target with one class', { 't.csv': rows(20, () => 'yes') }, ['--data', 't.csv'], /the target "label" has one value \("yes"\) in the 20 rows of t\.csv: nothing to predict/],
    ['a target with no values', { 't.csv': rows(20, () => '') }, ['--data', 't.csv'], /the target "label" is empty in the 20 rows of t\.csv/],
    ['regression of a text target', { 't.csv': rows(20, (index) => ['a', 'b', 'c'][index % 3]) }, ['--data', 't.csv', '--problem-type', 'regression'], /--problem-type regression needs a numeric target, and "label" holds text \("a"\)/],
    ['too few rows', { 't.csv': rows(8, (index) => index % 2) }, ['--data', 't.csv'], /t\.csv has 8 rows with a target value; the train, test and validation sets need at least 10/],
    ['a class with too few rows', { 't.csv': rows(20, (index) => (index === 7 ? 'rare' : index % 2 ? 'a' : 'b')) }, ['--data', 't.csv'], /class "rare" of "label" has 1 row in t\.csv; each class needs at least 3.*\n {2}fix: add rows of "rare"/],
    ['a positive class that is not a value', { 't.csv': rows(20, (index) => (index % 2 ? 'yes' : 'no')) }, ['--data', 't.csv', '--positive-class', 'Y'], /--positive-class "Y" is not a value of "label" \(its values: "no", "yes"\)/],
    ['a positive class for a multiclass target', { 't.csv': rows(20, (index) => ['a', 'b', 'c'][index % 3]) }, ['--data', 't.csv', '--positive-class', 'a'], /--positive-class is for a binary target, and "label" is multiclass/],
    ['leaving out a column that does not exist', { 't.csv': rows(20, (index) => index % 2) }, ['--data', 't.csv', '--leave-out', 'x,customer_id'], /--leave-out "customer_id": t\.csv has no such column/],
    ['leaving out the target', { 't.csv': rows(20, (index) => index % 2) }, ['--data', 't.csv', '--leave-out', 'label'], /--leave-out names the target "label"/],
    ['semicolon-separated', { 't.csv': 'x;label\n1;2\n' }, ['--data', 't.csv'], /its fields look separated by ";", not commas/],
    ['an s3:// URI without --target', {}, ['--data', 's3://bucket/t.csv'], /no target column given.*\n {2}fix: .*--target/],
  ])('%s', async (_what, files: Record<string, string | Buffer>, args, cause) => {
    const cwd = workspace();
    for (const [name, contents] of Object.entries(files)) writeFileSync(join(cwd, name), contents);
    const result = await runBin(['new', 'Churn', ...NEW, ...args], { cwd });
    expectPrintedRefusal(result, cause);
    expect(readdirSync(cwd).sort()).toEqual(Object.keys(files).sort());
  });
});

describe('a project made before the data questions', () => {
  it('upgrades onto the sample: its answers are the sample\'s, resolved, and no data is read', async () => {
    // The templates before: .gitignore without the raw-data rules, the data README a plain file.
    const templates = join(workspace(), 'project');
    cpSync(join(ROOT, 'templates', 'project'), templates, { recursive: true });
    const gitignore = read(templates, 'gitignore');
    writeFileSync(join(templates, 'gitignore'), gitignore.replace(/# Raw data:[^]*?\n\n/, ''));
    const cwd = workspace();
    await generateIn(cwd, { templatesDir: templates, templateVersion: '0.0.9' });
    const project = join(cwd, 'churn-model');
    const path = join(project, '.yo-rc.json');
    const config = JSON.parse(readFileSync(path, 'utf8'));
    for (const key of Object.keys(SAMPLE_ANSWERS)) delete config['generator-flyte-pipeline'][key];
    writeFileSync(path, JSON.stringify(config, null, 2));
    const result = await runBin(['upgrade'], { cwd: project });
    expect([result.exitCode, result.all]).toEqual([0, expect.not.stringMatching(/error/)]);
    expect(result.all).toMatch(/updated\s+\.gitignore/);
    expect(result.all).not.toMatch(/conflict|data:/);
    expect(stored(project)).toMatchObject(SAMPLE_ANSWERS);
    expect(read(project, '.gitignore')).toContain('!data/01_raw/breast_cancer.csv');
    expect(read(project, 'src/dataset.py')).toContain('"data/01_raw/breast_cancer.csv"');
    expect(existsSync(join(project, 'data/01_raw/breast_cancer.csv'))).toBe(true);
  });

  it('a project made with --data whose stored target is gone is refused: an upgrade does not read the data again', async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, 'churn.csv'), churnCsv(40));
    expect((await runBin(['new', 'Churn', ...NEW, '--data', 'churn.csv'], { cwd })).exitCode).toBe(0);
    const project = join(cwd, 'churn');
    const config = JSON.parse(read(project, '.yo-rc.json'));
    delete config['generator-flyte-pipeline'].target;
    writeFileSync(join(project, '.yo-rc.json'), JSON.stringify(config));
    expectPrintedRefusal(await runBin(['upgrade'], { cwd: project }), /\.yo-rc\.json has no "target" \(target column \(what the model predicts\)\), and an upgrade does not read the data again/);
  });
});
