/**
 * What `flyte-pipeline new --data` infers from a table (generators/lib/dataset.ts) and how it reads
 * one (generators/lib/read-data.ts): table-driven cases for each rule, properties over generated
 * columns, and files that are not the table their name says.
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import {
  SAMPLE_ROWS,
  cellFromCsv,
  isIdLike,
  nameSuggestsId,
  positiveClassOf,
  problemTypeOf,
  profileTable,
  resolveDataset,
  valueKindOf,
  type Cell,
  type DataProfile,
  type DatasetAnswers,
} from '../generators/lib/dataset.js';
import { UserError } from '../shared/errors.js';
import { SAMPLE_ANSWERS } from '../shared/questions.js';
import { cellFromParquet, readDataProfile } from '../generators/lib/read-data.js';
import { ROOT } from './helpers/project.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'data');
const work = mkdtempSync(join(tmpdir(), 'fp-dataset-'));
const csvCells = (texts: readonly string[]): Cell[] => texts.map(cellFromCsv);

/** A profile of a small table given as CSV text, as `new` would read it from a file. */
async function profileOf(csv: string | Buffer, name = 'table.csv'): Promise<DataProfile> {
  const dir = mkdtempSync(join(work, 'table-'));
  writeFileSync(join(dir, name), csv);
  return readDataProfile(join(dir, name), name);
}

/** `n` rows of `header` from `row(i)`. */
const csvOf = (header: string[], n: number, row: (index: number) => Array<string | number>): string =>
  [header.join(','), ...Array.from({ length: n }, (_value, index) => row(index).join(','))].join('\n') + '\n';

const answers = (given: Partial<DatasetAnswers>): DatasetAnswers => ({ data: 'table.csv', target: 'y', problemType: 'auto', positiveClass: '', leaveOut: '', ...given });

describe('a CSV field, as pandas reads it', () => {
  it.each([
    ['', null],
    ['NA', null],
    ['N/A', null],
    ['nan', null],
    ['None', null],
    ['null', null],
    ['12', 'number'],
    [' 12 ', 'number'],
    ['-1.5e3', 'number'],
    ['.5', 'number'],
    ['-inf', 'number'],
    ['True', 'boolean'],
    ['false', 'boolean'],
    ['yes', 'text'],
    ['0x1A', 'text'],
    ['1,000', 'text'],
    ['2024-01-31', 'text'],
  ])('%p reads as %p', (text, type) => {
    expect(cellFromCsv(text)?.type ?? null).toBe(type);
  });
});

describe('column kinds', () => {
  it.each([
    [['1', '2.5', '', '-3'], 'numeric'],
    [['', 'NA'], 'numeric'],
    [['2024-01-31', '2024-02-29', ''], 'date'],
    [['2024-01-31T10:00:00', '2024-01-31 10:00:00.5+01:00', '2024-01-31T10:00Z'], 'date'],
    [['2023-02-29', '2024-13-01'], 'categorical'],
    [['2024-01-31', 'soon'], 'categorical'],
    [['true', 'False', 'TRUE'], 'categorical'],
    [['north', 'south', ''], 'categorical'],
    [['1', 'x'], 'categorical'],
  ])('%j is %s', (texts, kind) => {
    expect(valueKindOf(csvCells(texts))).toBe(kind);
  });

  it('Parquet values keep their own type: text that looks like a number stays text', () => {
    expect(valueKindOf(['1', '2'].map(cellFromParquet))).toBe('categorical');
    expect(valueKindOf([1, 2n, Number.NaN, null].map(cellFromParquet))).toBe('numeric');
    expect(valueKindOf([new Date('2024-01-31T00:00:00Z'), null].map(cellFromParquet))).toBe('date');
    expect(cellFromParquet(new Date('2024-01-31T00:00:00Z'))).toEqual({ text: '2024-01-31', type: 'datetime' });
    expect(valueKindOf([true, false].map(cellFromParquet))).toBe('categorical');
  });

  it.each([
    ['id', true],
    ['ID', true],
    ['customer_id', true],
    ['customer id', true],
    ['customer-id', true],
    ['customerId', true],
    ['customerID', true],
    ['uuid', true],
    ['order.guid', true],
    ['Unnamed: 0', true],
    ['paid', false],
    ['valid', false],
    ['grid', false],
    ['idea', false],
    ['ids', false],
    ['ANDROID', false],
  ])('a column named %p suggests an id: %p', (name, expected) => {
    expect(nameSuggestsId(name)).toBe(expected);
  });

  const distinctStrings = (n: number) => Array.from({ length: n }, (_value, index) => `name-${index}`);
  it.each([
    ['customer_id', ['1', '2', '3'], true],
    ['customer_id', ['1', '2', '2'], false],
    ['customer_id', ['1.5', '2.5', '3.5'], false],
    ['customer_id', ['a-1', 'b-2', ''], true],
    ['flag_id', ['true', 'false'], false],
    ['age', ['31', '42', '57'], false],
    ['email', distinctStrings(50), true],
    ['email', distinctStrings(49), false],
    ['city', [...distinctStrings(60), 'name-0'], false],
  ])('%s %j is id-like: %p', (name, texts, expected) => {
    expect(isIdLike(name, csvCells(texts))).toBe(expected);
  });
});

describe('problem type (the pipeline\'s rule for auto)', () => {
  const ints = (n: number) => Array.from({ length: n }, (_value, index) => String(index));
  it.each([
    [['yes', 'no', 'no'], 'binary'],
    [['1', '1.0', '2'], 'binary'],
    [['True', 'false', 'TRUE'], 'binary'],
    [['a', 'b', 'c'], 'multiclass'],
    [['1', '2', '3'], 'multiclass'],
    [['1.0', '2.0', '3.0'], 'multiclass'],
    [ints(20), 'multiclass'],
    [ints(21), 'regression'],
    [['1.5', '2.5', '3'], 'regression'],
    [['1', '2', 'x'], 'multiclass'],
    [['yes', '', 'NA'], undefined],
    [['', ''], undefined],
  ])('%j is %p', (texts, type) => {
    expect(problemTypeOf(csvCells(texts))).toBe(type);
  });

  it.each([
    [['0', '1', '1', '1'], '1'],
    [['0.0', '1.0', '0.0'], '1.0'],
    [['FALSE', 'TRUE', 'TRUE'], 'TRUE'],
    [['No', 'Yes', 'Yes', 'Yes'], 'Yes'],
    [['B', 'B', 'B', 'M', 'M'], 'M'],
    [['a', 'a', 'b', 'b'], 'b'],
    [['2', '10'], '2'],
    [['x', 'y', 'y', ''], 'x'],
  ])('the positive class of %j is %p', (texts, positive) => {
    expect(positiveClassOf(csvCells(texts))).toBe(positive);
  });
});

describe('properties', () => {
  const columnName = fc.stringMatching(/^[a-z][a-z0-9_]{0,12}$/);

  it('any column of distinct integers named *_id is id-like, and its profile says id', () => {
    fc.assert(
      fc.property(columnName, fc.uniqueArray(fc.integer({ min: -1e9, max: 1e9 }), { minLength: 2, maxLength: 300 }), (stem, values) => {
        const cells = values.map((value) => cellFromCsv(String(value)));
        expect(isIdLike(`${stem}_id`, cells)).toBe(true);
        const profile = profileTable({ shownAs: 't.csv', format: 'csv', header: [`${stem}_id`], columns: [cells], rows: cells.length, complete: true });
        expect(profile.columns[0].kind).toBe('id');
      }),
    );
  });

  /** A class label as a CSV cell holds it: not a missing-value word, not a yes/no or number. */
  const label = fc.string({ minLength: 1, maxLength: 12 }).filter((text) => cellFromCsv(text)?.type === 'text');

  it('a target with two values is binary, whatever its values and their balance, and its positive class is one of them', () => {
    fc.assert(
      fc.property(fc.uniqueArray(label, { minLength: 2, maxLength: 2 }), fc.array(fc.boolean(), { minLength: 0, maxLength: 200 }), ([a, b], picks) => {
        const texts = [a, b, ...picks.map((pick) => (pick ? a : b))];
        expect(problemTypeOf(csvCells(texts))).toBe('binary');
        expect([a, b]).toContain(positiveClassOf(csvCells(texts)));
      }),
    );
  });

  it('a float target with non-integer values is regression', () => {
    const notWhole = fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((value) => !Number.isInteger(value));
    fc.assert(
      fc.property(fc.uniqueArray(notWhole, { minLength: 3, maxLength: 200, selector: (value) => String(value) }), (values) => {
        expect(problemTypeOf(csvCells(values.map(String)))).toBe('regression');
      }),
    );
  });

  it('the problem type and positive class do not depend on the order of the rows', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', '1', '2', '', 'yes'), { minLength: 1, maxLength: 60 }), fc.integer(), (texts, seed) => {
        const shuffled = [...texts].sort((x, y) => ((x.charCodeAt(0) || 0) * seed) % 7 - ((y.charCodeAt(0) || 0) * seed) % 7);
        expect(problemTypeOf(csvCells(shuffled))).toBe(problemTypeOf(csvCells(texts)));
        if (problemTypeOf(csvCells(texts)) === 'binary') expect(positiveClassOf(csvCells(shuffled))).toBe(positiveClassOf(csvCells(texts)));
      }),
    );
  });

  it('a CSV written with quotes, commas, line breaks and unicode in its fields reads back cell for cell', async () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'é', '日', ',', '"', '\n', ' ', '1', '😀'), minLength: 1, maxLength: 8 });
    const quote = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(field, field), { minLength: 1, maxLength: 30 }), async (rows) => {
        const profile = await profileOf(['a,b', ...rows.map((row) => row.map(quote).join(','))].join('\r\n'));
        const expected = rows.map((row) => row.map((text) => cellFromCsv(text)?.text ?? null));
        const read = profile.columns[0].cells.map((cell, index) => [cell?.text ?? null, profile.columns[1].cells[index]?.text ?? null]);
        // Rows that are empty once parsed are skipped, as pandas skips blank lines.
        expect(read).toEqual(expected.filter((_row, index) => profile.rows === rows.length || rows[index].join('') !== ''));
      }),
      { numRuns: 40 },
    );
  });
});

describe('reading a file', () => {
  it('the bundled sample resolves to the answers stored for it: binary, positive "M", nothing left out', async () => {
    const profile = await readDataProfile(join(ROOT, 'templates', 'project', 'data', '01_raw', 'breast_cancer.csv'), 'breast_cancer.csv');
    expect(profile).toMatchObject({ rows: 569, complete: true });
    const resolved = resolveDataset(answers({ data: 'sample', target: 'diagnosis' }), profile);
    expect(resolved.answers).toEqual(SAMPLE_ANSWERS);
    expect(resolved.summary).toBe('data: breast_cancer.csv (the bundled sample), 569 rows: target "diagnosis" binary (positive "M": 37.3 %), 30 numeric, tasks request 1Gi');
  });

  it('a BOM, CRLF line ends, blank lines and an empty header cell (a saved pandas index) read as pandas reads them', async () => {
    const profile = await profileOf('\ufeff,x,y\r\n0,1,a\r\n\r\n1,2,b\r\n2,3,a\r\n');
    expect(profile.columns.map((column) => `${column.name}:${column.kind}`)).toEqual(['Unnamed: 0:id', 'x:numeric', 'y:categorical']);
    expect(profile.rows).toBe(3);
  });

  it('a Parquet file (pandas, snappy): iris is multiclass', async () => {
    const profile = await readDataProfile(join(FIXTURES, 'iris.parquet'), 'iris.parquet');
    expect(profile).toMatchObject({ format: 'parquet', rows: 150, complete: true, totalRows: 150 });
    const resolved = resolveDataset(answers({ data: 'iris.parquet', target: 'species' }), profile);
    expect(resolved.answers).toEqual({ data: 'data/01_raw/iris.parquet', target: 'species', problemType: 'multiclass', positiveClass: '', leaveOut: '' });
    expect(resolved.summary).toBe('data: iris.parquet, 150 rows: target "species" multiclass (3 classes: setosa 33.3 %, versicolor 33.3 %, virginica 33.3 %), 4 numeric, tasks request 1Gi');
  });

  it('a Parquet file with every kind (zstd, as Polars writes): timestamps and dates, a category, gaps, a boolean target; the saved index is not a column', async () => {
    const profile = await readDataProfile(join(FIXTURES, 'events.parquet'), 'events.parquet');
    expect(profile.columns.map((column) => `${column.name}:${column.kind}`)).toEqual(['seen_at:date', 'day:date', 'country:categorical', 'amount:numeric', 'visits:numeric', 'converted:categorical']);
    const resolved = resolveDataset(answers({ data: 'events.parquet', target: 'converted' }), profile);
    expect(resolved.answers).toMatchObject({ problemType: 'binary', positiveClass: 'true' });
    expect(resolved.summary).toBe('data: events.parquet, 60 rows: target "converted" binary (positive "true": 33.3 %), 2 numeric, 1 categorical, 2 date, tasks request 1Gi');
  });

  it('a 30 MB CSV: only its first 4 MB are read, the first 10,000 rows kept, quickly', async () => {
    const path = join(work, 'big.csv');
    const fd = openSync(path, 'w');
    writeSync(fd, 'id,x,label\n');
    const block = Array.from({ length: 10_000 }, (_value, index) => `${index},${index * 0.5},${index % 3 === 0 ? 'a' : 'b'}\n`).join('');
    for (let index = 0; index < 150; index += 1) writeSync(fd, block);
    closeSync(fd);
    const started = Date.now();
    const profile = await readDataProfile(path, 'big.csv');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(profile).toMatchObject({ rows: SAMPLE_ROWS, complete: false });
    expect(resolveDataset(answers({ target: 'label' }), profile).summary).toMatch(/^data: table\.csv, 10,000 rows sampled: target "label" binary/);
  });

  it('a CSV whose 4 MB prefix ends inside a quoted field with line breaks: the whole rows before it are kept', async () => {
    const note = `"${'words and more words\n'.repeat(60)}"`;
    const profile = await profileOf(csvOf(['n', 'note', 'y'], 5000, (index) => [index, note, index % 2]));
    expect(profile.complete).toBe(false);
    expect(profile.rows).toBeGreaterThan(2000);
    expect(profile.columns[1].cells.every((cell) => cell?.text.startsWith('words'))).toBe(true);
  });

  it('a table sampled on its first rows does not call a class rare, nor the rows too few', async () => {
    const profile = await profileOf(csvOf(['x', 'y'], SAMPLE_ROWS + 5, (index) => [index, index < SAMPLE_ROWS - 1 ? 'common' : 'rare']));
    expect(profile.complete).toBe(false);
    expect(resolveDataset(answers({ target: 'y' }), profile).answers).toMatchObject({ problemType: 'binary', positiveClass: 'rare' });
  });

  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
  it.each([
    ['a PNG renamed .csv', 'image.csv', png, /image\.csv is not CSV text: it is a PNG image/],
    ['an Excel workbook renamed .csv', 'book.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]), /it is a ZIP archive \(an Excel \.xlsx workbook\?\)/],
    ['a Parquet file named .csv', 'data.csv', Buffer.from('PAR1xxxxPAR1'), /it is a Parquet file/],
    ['binary data', 'blob.csv', Buffer.from('a,b\n1,\u0000\n'), /binary data/],
    ['CSV named .parquet', 'table.parquet', Buffer.from('a,b\n1,2\n'), /table\.parquet is not a Parquet file: it looks like text \(CSV\?\)/],
    ['a broken Parquet file', 'broken.parquet', Buffer.from('PAR1 not really PAR1'), /broken\.parquet cannot be read as Parquet/],
    ['Latin-1 text', 'latin.csv', Buffer.from('name,y\ncaf\xe9,1\n', 'latin1'), /latin\.csv is not UTF-8 text \(line 2\)/],
    ['semicolons', 'excel.csv', Buffer.from('a;b;c\n1;2;3\n'), /excel\.csv has one column, "a;b;c": its fields look separated by ";", not commas/],
    ['semicolons and decimal commas (Excel in many locales)', 'excel.csv', Buffer.from('a;b;y\n0,5;1,25;0\n'), /excel\.csv has one column, "a;b;y": its fields look separated by ";", not commas/],
    ['a line with too many fields', 'wide.csv', Buffer.from('a,b\n1,2\n3,4,5\n'), /wide\.csv line 3 has 3 fields, and its header 2/],
    ['a quote never closed', 'quote.csv', Buffer.from('a,b\n1,"2\n3,4\n'), /a quote opened on line 2 is never closed/],
    ['a column named twice', 'twice.csv', Buffer.from('a,b,a\n1,2,3\n'), /twice\.csv has two columns named "a"/],
    ['an empty file', 'empty.csv', Buffer.alloc(0), /empty\.csv is empty \(0 bytes\)/],
  ])('%s is refused, one line and its fix', async (_what, name, contents, cause) => {
    const error = await profileOf(contents, name).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(cause);
    expect((error as UserError).message).not.toContain('\n');
    expect((error as UserError).fix.length).toBeGreaterThan(10);
  });

  it.each([
    ['a file that does not exist', (dir: string) => join(dir, 'nope.csv'), /cannot read the training data .*: it does not exist/],
    ['a folder', (dir: string) => (mkdirSync(join(dir, 'folder.csv')), join(dir, 'folder.csv')), /is a folder/],
    ['a FIFO (never opened for a blocking read)', (dir: string) => (execFileSync('mkfifo', [join(dir, 'pipe.csv')]), join(dir, 'pipe.csv')), /is not a regular file/],
  ])('%s is refused', async (_what, make, cause) => {
    const path = make(mkdtempSync(join(work, 'odd-')));
    await expect(readDataProfile(path, path)).rejects.toThrow(cause);
  });
});

describe('the answers about the data, checked and resolved', () => {
  const churn = csvOf(['customer_id', 'signup_date', 'region', 'spend', 'churned'], 40, (index) => [
    1000 + index,
    `2024-01-${String((index % 28) + 1).padStart(2, '0')}`,
    ['north', 'south', ''][index % 3],
    (index * 1.7).toFixed(1),
    index % 4 === 0 ? 'yes' : 'no',
  ]);

  it('resolves auto, the positive class and the id-like column, and says so in one line', async () => {
    const profile = await profileOf(churn, 'churn.csv');
    const resolved = resolveDataset(answers({ data: '../in/churn.csv', target: 'churned', leaveOut: 'customer_id' }), profile);
    expect(resolved.answers).toEqual({ data: 'data/01_raw/churn.csv', target: 'churned', problemType: 'binary', positiveClass: 'yes', leaveOut: 'customer_id' });
    expect(resolved.summary).toBe('data: churn.csv, 40 rows: target "churned" binary (positive "yes": 25.0 %), 1 numeric, 1 categorical, 1 date, 1 left out (customer_id: id-like), tasks request 1Gi');
  });

  it('a column without a value is named as empty: the model leaves it out', async () => {
    const table = csvOf(['spend', 'notes', 'churned'], 20, (index) => [index * 2, '', index % 2 ? 'yes' : 'no']);
    const summary = resolveDataset(answers({ target: 'churned' }), await profileOf(table, 'churn.csv')).summary;
    expect(summary).toContain('1 numeric, 1 empty (notes: no values, the model leaves it out), tasks request');
  });

  it('a given positive class is stored as the file writes it', async () => {
    const profile = await profileOf(csvOf(['x', 'y'], 12, (index) => [index, index % 2 ? '1.0' : '0.0']));
    expect(resolveDataset(answers({ positiveClass: '0' }), profile).answers.positiveClass).toBe('0.0');
  });

  it('regression: range and mean', async () => {
    const profile = await profileOf(csvOf(['x', 'price'], 30, (index) => [index, (1.2 + index * 30).toFixed(1)]));
    expect(resolveDataset(answers({ target: 'price' }), profile).summary).toBe('data: table.csv, 30 rows: target "price" regression (range 1.2 to 871, mean 436), 1 numeric, tasks request 1Gi');
  });

  it('an s3:// URI is not read: the type stays auto, only what needs no file is checked', () => {
    const resolved = resolveDataset(answers({ data: 's3://bucket/churn.csv', target: 'churned', leaveOut: 'a, b' }), undefined);
    expect(resolved.answers).toEqual({ data: 's3://bucket/churn.csv', target: 'churned', problemType: 'auto', positiveClass: '', leaveOut: 'a,b' });
    expect(resolved.summary).toBe('data: s3://bucket/churn.csv, not read here: target "churned", problem type auto (the pipeline reads the data when it runs and infers the type), tasks request 1Gi (MEMORY in src/tasks/settings.py: raise it for a big table)');
    expect(() => resolveDataset(answers({ data: 's3://bucket/x.csv', problemType: 'regression', positiveClass: 'yes' }), undefined)).toThrow(/--positive-class is for a binary target, and "y" is regression/);
    expect(() => resolveDataset(answers({ data: 's3://bucket/x.csv', leaveOut: 'y' }), undefined)).toThrow(/--leave-out names the target "y"/);
  });

  const ten = (values: (index: number) => string | number, n = 12) => csvOf(['x', 'y'], n, (index) => [index, values(index)]);
  it.each([
    ['a header and no rows', 'x,y\n', {}, /table\.csv has no rows \(only a header: "x", "y"\)/],
    ['no such target', ten((index) => index % 2), { target: 'z' }, /table\.csv has no column "z" \(its columns: "x", "y"\)/],
    ['a target with one value', ten(() => 'yes'), {}, /the target "y" has one value \("yes"\) in the 12 rows of table\.csv: nothing to predict/],
    ['a target with no value', ten(() => ''), {}, /the target "y" is empty in the 12 rows of table\.csv/],
    ['one row', 'x,y\n1,yes\n', {}, /the target "y" has one value \("yes"\) in the only row of table\.csv/],
    ['too few rows', ten((index) => index % 2, 7), {}, /table\.csv has 7 rows with a target value; the train, test and validation sets need at least 10/],
    ['a class with 2 rows', ten((index) => (index < 2 ? 'rare' : index % 2 ? 'a' : 'b')), {}, /class "rare" of "y" has 2 rows in table\.csv; each class needs at least 3/],
    ['regression of text', ten((index) => ['a', 'b', 'c'][index % 3]), { problemType: 'regression' }, /--problem-type regression needs a numeric target, and "y" holds text \("a"\)/],
    ['binary with three classes', ten((index) => ['a', 'b', 'c'][index % 3]), { problemType: 'binary' }, /--problem-type binary needs two classes, and "y" has 3 \("a", "b", "c"\)/],
    ['a positive class that is not a value', ten((index) => (index % 2 ? 'yes' : 'no')), { positiveClass: 'Yes' }, /--positive-class "Yes" is not a value of "y" \(its values: "no", "yes"\)/],
    ['a positive class for regression', ten((index) => index * 1.5), { positiveClass: '3' }, /--positive-class is for a binary target, and "y" is regression/],
    ['leaving out a column that does not exist', ten((index) => index % 2), { leaveOut: 'x,nope' }, /--leave-out "nope": table\.csv has no such column/],
    ['leaving out the target', ten((index) => index % 2), { leaveOut: 'y' }, /--leave-out names the target "y"/],
  ])('%s is refused', async (_what, csv, given, cause) => {
    const profile = await profileOf(csv);
    expect(() => resolveDataset(answers(given), profile)).toThrow(cause);
  });
});
