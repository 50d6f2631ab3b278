/**
 * The tasks' memory request follows the size of the declared data (issue 18, item 4): estimated at
 * `new --data` from the file (the rows sampled, as pandas holds them; the file's rows counted from
 * Parquet's metadata or estimated from a CSV's size), said in the inferred-data line, written to
 * src/tasks/settings.py, stored in .yo-rc.json so that an upgrade renders the same.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MEMORY, memoryRequest, profileTable, pythonStringBytes, tableBytes, type Cell } from '../generators/lib/dataset.js';
import { estimatedCsvRows, readDataProfile } from '../generators/lib/read-data.js';
import { expectPrintedRefusal, generateIn } from './battery/helpers.js';
import { ROOT, runBin } from './helpers/project.js';

const workspace = () => mkdtempSync(join(tmpdir(), 'fp-memory-'));
const stored = (project: string) => JSON.parse(readFileSync(join(project, '.yo-rc.json'), 'utf8'))['generator-flyte-pipeline'];
const settings = (project: string) => readFileSync(join(project, 'src', 'tasks', 'settings.py'), 'utf8');
const number = (value: number): Cell => ({ text: String(value), type: 'number' });
const text = (value: string): Cell => ({ text: value, type: 'text' });

/** `columns` numeric columns of `sampled` rows, in a file said to hold `fileRows`. */
function numericProfile(columns: number, sampled: number, fileRows: number) {
  const header = Array.from({ length: columns }, (_value, index) => `x${index}`);
  const cells = header.map(() => Array.from({ length: sampled }, (_value, row) => number(row)));
  return profileTable({ shownAs: 't.parquet', format: 'parquet', header, columns: cells, rows: sampled, complete: sampled === fileRows, fileRows });
}

describe('the table in memory, as pandas holds it', () => {
  it('8 bytes a number; a Python string object per distinct text value', () => {
    expect(pythonStringBytes('')).toBe(49);
    expect(pythonStringBytes('north')).toBe(54);
    expect(pythonStringBytes('Zürich')).toBe(79);
    expect(tableBytes(numericProfile(31, 1000, 1_000_000))).toBe(31 * 8 * 1_000_000);
    const rows = 100;
    const ids = Array.from({ length: rows }, (_value, index) => text(`c${String(index).padStart(5, '0')}`));
    const regions = Array.from({ length: rows }, (_value, index) => text(['north', 'south'][index % 2]));
    const profile = profileTable({ shownAs: 't.csv', format: 'csv', header: ['id', 'region'], columns: [ids, regions], rows, complete: false, fileRows: 1000 });
    // Ids: each row its own string (8 + 49 + 6); regions: a pointer a row, and two strings in all.
    expect(tableBytes(profile)).toBe(1000 * (8 + 55 + 8) + 54 + 54);
  });

  it('requests about six copies of the table, in whole Gi, at least 1Gi', () => {
    expect(memoryRequest(undefined)).toBe(DEFAULT_MEMORY);
    expect(memoryRequest(numericProfile(31, 1000, 1000))).toBe('1Gi');
    // Issue 18's tables: 31 numbers a row; the pipeline peaked at 1.4 GiB (1M rows) and 10.8 GiB (10M).
    expect(memoryRequest(numericProfile(31, 1000, 1_000_000))).toBe('2Gi');
    expect(memoryRequest(numericProfile(31, 1000, 10_000_000))).toBe('14Gi');
  });

  it('estimates a CSV’s rows from its size and the bytes of the rows read', () => {
    // A 10-byte header, then rows of 20 bytes: 1,000 read of a 2,000,010-byte file.
    const ends = [10, ...Array.from({ length: 1000 }, (_value, index) => 10 + 20 * (index + 1))];
    expect(estimatedCsvRows(2_000_010, ends, 1000)).toBe(100_000);
    expect(estimatedCsvRows(100, [10], 0)).toBe(0);
  });

  it('reads a CSV larger than what is sampled: the file’s rows estimated within 1 %', async () => {
    const dir = workspace();
    const rows = 600_000;
    const lines = ['id,spend,label', ...Array.from({ length: rows }, (_value, index) => `${String(index).padStart(7, '0')},${(index % 997) / 10},${index % 3 === 0 ? 'yes' : 'no'}`)];
    writeFileSync(join(dir, 'big.csv'), `${lines.join('\n')}\n`);
    const profile = await readDataProfile(join(dir, 'big.csv'), 'big.csv');
    expect(profile.complete).toBe(false);
    expect(Math.abs((profile.fileRows ?? 0) - rows) / rows).toBeLessThan(0.01);
  });

  it('takes a Parquet file’s rows from its metadata', async () => {
    const profile = await readDataProfile(join(ROOT, 'test', 'fixtures', 'data', 'iris.parquet'), 'iris.parquet');
    expect(profile.fileRows).toBe(150);
  });
});

describe('flyte-pipeline new --data: the request, said, written and stored', () => {
  let cwd: string;
  let project: string;
  let result: Awaited<ReturnType<typeof runBin>>;
  beforeAll(async () => {
    // 3M rows of a unique 6-character id and a 0/1 label: 27 MB on disk, about 213 MB in pandas
    // (a string object per id), so six copies need 2Gi.
    cwd = workspace();
    const chunk: string[] = [];
    const path = join(cwd, 'events.csv');
    writeFileSync(path, 'event,label\n');
    for (let index = 0; index < 3_000_000; index += 1) {
      chunk.push(`${index.toString(36).padStart(6, '0')},${index % 2}`);
      if (chunk.length === 500_000) {
        writeFileSync(path, `${chunk.join('\n')}\n`, { flag: 'a' });
        chunk.length = 0;
      }
    }
    result = await runBin(['new', 'Events', '--defaults', '--skip-install', '--data', 'events.csv', '--target', 'label'], { cwd });
    project = join(cwd, 'events');
  }, 60_000);

  it('says it in the inferred-data line, before writing', () => {
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout)).toMatch(/^data: events\.csv, 10,000 rows sampled: target "label" binary .*, tasks request 2Gi$/m);
  });

  it('writes it to the task settings and stores it', () => {
    expect(settings(project)).toContain('MEMORY = "2Gi"');
    expect(stored(project).memory).toBe('2Gi');
  });

  it('an upgrade renders the same request without the data file', async () => {
    rmSync(join(project, 'data', '01_raw', 'events.csv'));
    const upgrade = await runBin(['upgrade'], { cwd: project });
    expect(upgrade.exitCode).toBe(0);
    expect(settings(project)).toContain('MEMORY = "2Gi"');
    expect(stored(project).memory).toBe('2Gi');
  });
});

describe('the sample, s3:// data and older projects', () => {
  it('the sample and an s3:// URI get 1Gi, said so', async () => {
    const cwd = workspace();
    const sample = await runBin(['new', 'Churn', '--defaults', '--skip-install'], { cwd });
    expect(String(sample.stdout)).toMatch(/^data: breast_cancer\.csv \(the bundled sample\), 569 rows: .*, tasks request 1Gi$/m);
    expect(settings(join(cwd, 'churn'))).toContain('MEMORY = "1Gi"');
    const s3 = await runBin(['new', 'Other', '--defaults', '--skip-install', '--data', 's3://ml-data/t.csv', '--target', 'y'], { cwd });
    expect(String(s3.stdout)).toContain('tasks request 1Gi (MEMORY in src/tasks/settings.py: raise it for a big table)');
    expect(stored(join(cwd, 'other')).memory).toBe('1Gi');
  });

  it('a project made before the request was stored upgrades onto 1Gi', async () => {
    const cwd = workspace();
    await generateIn(cwd);
    const project = join(cwd, 'churn-model');
    const path = join(project, '.yo-rc.json');
    const config = JSON.parse(readFileSync(path, 'utf8'));
    delete config['generator-flyte-pipeline'].memory;
    writeFileSync(path, JSON.stringify(config, null, 2));
    expect((await runBin(['upgrade'], { cwd: project })).exitCode).toBe(0);
    expect(stored(project).memory).toBe('1Gi');
    expect(settings(project)).toContain('MEMORY = "1Gi"');
  });

  it('a stored request that is not a Kubernetes quantity is refused, naming the file', async () => {
    const cwd = workspace();
    await generateIn(cwd);
    const project = join(cwd, 'churn-model');
    const path = join(project, '.yo-rc.json');
    const config = JSON.parse(readFileSync(path, 'utf8'));
    config['generator-flyte-pipeline'].memory = '2Gi"; import os';
    writeFileSync(path, JSON.stringify(config, null, 2));
    expectPrintedRefusal(await runBin(['upgrade'], { cwd: project }), /\.yo-rc\.json: "memory" is a string .*, not a Kubernetes memory quantity such as 3Gi/);
  });
});
