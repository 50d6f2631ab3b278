/**
 * What a table holds, from a sample of its rows: each column's kind, the target's problem type and
 * positive class, and the checks a project's data must pass before anything is written. Pure: the
 * file is read by read-data.ts; test/dataset.test.ts holds the table and property tests.
 *
 * The rules are the generated pipeline's own (src/tasks/problem.py and features.py), so what
 * `flyte-pipeline new` says it inferred is what the pipeline does with `auto`.
 */
import { UserError } from '../../shared/errors.js';
import type { Answers, ProblemType } from '../../shared/questions.js';
import { RAW_DATA_FOLDER, SAMPLE_DATA, SAMPLE_FILE, columnList, fileNameOf, isS3Uri, shown } from '../../shared/validators.js';

/** Most rows read to infer from: enough to see a table's kinds and balance, quick to read. */
export const SAMPLE_ROWS = 10_000;
/** Fewer rows with a target than this cannot be split into train, test and validation sets. */
export const MIN_ROWS = 10;
/** Each class needs a row in each of the three splits. */
export const MIN_CLASS_ROWS = 3;
/** Integer targets with at most this many values are classes (AutoGluon's rule, and the pipeline's). */
export const MAX_CLASSES = 20;
/** A string column whose values are all distinct in at least this many rows is id-like (or free text). */
export const ID_MIN_ROWS = 50;
/** A text column is a date when every value starts as one (YYYY-MM-DD) and this share parses as one. */
export const DATE_SHARE = 0.9;

export type { ValueType, Cell, ColumnKind, ValueKind, ColumnProfile, DataProfile } from '../../shared/data-profile.js';
import type { Cell, ColumnProfile, DataProfile, ValueKind } from '../../shared/data-profile.js';

/** A table as read: header, and the cells of each column. */
export interface Table {
  shownAs: string;
  format: 'csv' | 'parquet';
  header: string[];
  /** columns[i][row] */
  columns: Cell[][];
  rows: number;
  complete: boolean;
  totalRows?: number;
  fileRows?: number;
}

/** Something wrong with the data or an answer about it: a UserError's cause and fix. */
export interface Problem {
  cause: string;
  fix: string;
}

/** pandas' default missing-value strings (read_csv's na_values): empty cells and NA, NaN, null, None… */
const NA_STRINGS = new Set(['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null']);
/** pandas' default true_values and false_values. */
const BOOLEAN_STRINGS = new Set(['True', 'TRUE', 'true', 'False', 'FALSE', 'false']);
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:inf|infinity)$/i;
const DATE_START = /^\d{4}-\d{2}-\d{2}/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** A CSV field as pandas reads it: missing, a number, a boolean, or text. */
export function cellFromCsv(text: string): Cell {
  const trimmed = text.trim();
  if (NA_STRINGS.has(text) || NA_STRINGS.has(trimmed)) return null;
  if (NUMBER.test(trimmed)) return { text, type: 'number' };
  if (BOOLEAN_STRINGS.has(trimmed)) return { text, type: 'boolean' };
  return { text, type: 'text' };
}

/** 2024-01-31, 2024-01-31T10:00:00, 2024-01-31 10:00:00.5+01:00: a real calendar date, ISO 8601 style. */
export function isIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text.trim());
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > days) return false;
  const [hour, minute, second] = [match[4], match[5], match[6]].map((part) => (part === undefined ? 0 : Number(part)));
  return hour < 24 && minute < 60 && second < 60;
}

const present = (cells: readonly Cell[]): Array<Exclude<Cell, null>> => cells.filter((cell): cell is Exclude<Cell, null> => cell !== null);

/** A value as pandas compares it: numbers by value (1 and 1.0 alike), booleans in any case, text as written. */
export function valueKey(cell: Exclude<Cell, null>): string {
  if (cell.type === 'number') return String(Number(cell.text.trim()));
  return cell.type === 'boolean' ? cell.text.trim().toLowerCase() : cell.text;
}

/** Code-point order, as Python compares strings (`max(names)` picks the last). */
export function compareText(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let index = 0; index < Math.min(left.length, right.length); index += 1) {
    const difference = (left[index].codePointAt(0) ?? 0) - (right[index].codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

export function valueKindOf(cells: readonly Cell[]): ValueKind {
  const values = present(cells);
  if (values.every((cell) => cell.type === 'number')) return 'numeric';
  if (values.every((cell) => cell.type === 'datetime')) return 'date';
  if (values.every((cell) => cell.type === 'text' || cell.type === 'datetime')) {
    const texts = values.slice(0, 1000).map((cell) => cell.text);
    if (texts.every((text) => DATE_START.test(text.trim())) && texts.filter(isIsoDate).length >= DATE_SHARE * texts.length) return 'date';
  }
  return 'categorical';
}

/** `id`, `customer_id`, `customer id`, `customerId`, `customerID`, `uuid`; and pandas' name for a header cell left empty (a saved index). */
export function nameSuggestsId(name: string): boolean {
  return /(?:^|[_ .-])(?:id|uuid|guid)$/i.test(name) || /[a-z0-9](?:Id|ID)$/.test(name) || /^Unnamed: \d+$/.test(name);
}

/**
 * Id-like, conservatively: every sampled value distinct, and either integers or text whose name says
 * id, or text in at least ID_MIN_ROWS rows (names, emails, free text: nothing a model generalises from).
 */
export function isIdLike(name: string, cells: readonly Cell[], valueKind: ValueKind = valueKindOf(cells)): boolean {
  const values = present(cells);
  if (values.length < 2) return false;
  const integers = valueKind === 'numeric' && values.every((cell) => Number.isInteger(Number(cell.text.trim())));
  const strings = valueKind === 'categorical' && values.every((cell) => cell.type === 'text');
  if (!integers && !strings) return false;
  if (new Set(values.map(valueKey)).size !== values.length) return false;
  return nameSuggestsId(name) || (strings && values.length >= ID_MIN_ROWS);
}

export function profileTable(table: Table): DataProfile {
  const columns = table.header.map((name, index) => {
    const cells = table.columns[index];
    const valueKind = valueKindOf(cells);
    return { name, cells, valueKind, kind: isIdLike(name, cells, valueKind) ? 'id' : valueKind } satisfies ColumnProfile;
  });
  return { shownAs: table.shownAs, format: table.format, columns, rows: table.rows, complete: table.complete, totalRows: table.totalRows, fileRows: table.fileRows };
}

/** A target's distinct values, most frequent first: each with its text as first written and its count. */
export interface ClassCount {
  key: string;
  text: string;
  count: number;
}

export function classCounts(cells: readonly Cell[]): ClassCount[] {
  const counts = new Map<string, ClassCount>();
  for (const cell of present(cells)) {
    const key = valueKey(cell);
    const entry = counts.get(key);
    if (entry) entry.count += 1;
    else counts.set(key, { key, text: cell.text, count: 1 });
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || compareText(a.key, b.key));
}

export type ResolvedType = Exclude<ProblemType, 'auto'>;

/**
 * AutoGluon's rule, the pipeline's for `auto`: two distinct values are binary; text or booleans with
 * more, multiclass; integers with at most MAX_CLASSES values, multiclass; other numbers, regression.
 * Undefined with fewer than two values: nothing to predict.
 */
export function problemTypeOf(cells: readonly Cell[]): ResolvedType | undefined {
  const values = present(cells);
  const distinct = new Set(values.map(valueKey)).size;
  if (distinct < 2) return undefined;
  if (distinct === 2) return 'binary';
  if (!values.every((cell) => cell.type === 'number')) return 'multiclass';
  const integers = values.every((cell) => Number.isInteger(Number(cell.text.trim())));
  return integers && distinct <= MAX_CLASSES ? 'multiclass' : 'regression';
}

const POSITIVE_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['0', '1'],
  ['false', 'true'],
  ['no', 'yes'],
];

/**
 * The positive class of a two-valued target, as written in the file: 1 of {0, 1}, true of {false,
 * true}, yes of {no, yes} (any case); otherwise the rarer value, and of two as frequent the one
 * sorting last.
 */
export function positiveClassOf(cells: readonly Cell[]): string {
  const counts = classCounts(cells);
  const names = new Map(counts.map((entry) => [entry.key.toLowerCase(), entry]));
  for (const [negative, positive] of POSITIVE_PAIRS) {
    if (names.size === 2 && names.has(negative) && names.has(positive)) return names.get(positive)?.text ?? positive;
  }
  const rarest = Math.min(...counts.map((entry) => entry.count));
  return counts.filter((entry) => entry.count === rarest).sort((a, b) => compareText(a.key, b.key)).at(-1)?.text ?? '';
}

// --- Checks, in the order the questions are asked: each returns the first problem, or undefined.

/** `"a", "b", "c", … 4 more`: names quoted and shortened, so a message stays one readable line. */
function listed(names: readonly string[], max = 8): string {
  const shownNames = names.slice(0, max).map((name) => shown(name, 40));
  return names.length > max ? `${shownNames.join(', ')}, … ${names.length - max} more` : shownNames.join(', ');
}

const count = (n: number): string => n.toLocaleString('en-US');

/** `in the 569 rows of x.csv` or `in the first 10,000 rows of x.csv`. */
function where(profile: DataProfile): string {
  if (profile.rows === 1) return `the only row of ${profile.shownAs}`;
  return `${profile.complete ? `the ${count(profile.rows)} rows` : `the first ${count(profile.rows)} rows`} of ${profile.shownAs}`;
}

function targetColumn(profile: DataProfile, target: string): ColumnProfile | undefined {
  return profile.columns.find((column) => column.name === target);
}

/** The type the answers ask for: the given one, or for `auto` the one the sampled target shows (undefined for s3). */
export function resolvedType(answers: DatasetAnswers, profile: DataProfile | undefined): ProblemType {
  if (answers.problemType !== 'auto' || !profile) return answers.problemType as ProblemType;
  const column = targetColumn(profile, answers.target);
  return (column && problemTypeOf(column.cells)) ?? 'auto';
}

export type DatasetAnswers = Pick<Answers, 'data' | 'target' | 'problemType' | 'positiveClass' | 'leaveOut'>;
export type DatasetAnswerName = keyof DatasetAnswers;
export const DATASET_ANSWERS: readonly DatasetAnswerName[] = ['data', 'target', 'problemType', 'positiveClass', 'leaveOut'];

function checkTable(profile: DataProfile): Problem | undefined {
  if (profile.columns.length === 0 || profile.rows === 0) {
    return {
      cause: `${profile.shownAs} has no rows${profile.columns.length > 0 ? ` (only a header: ${listed(profile.columns.map((column) => column.name), 4)})` : ''}`,
      fix: `pass --data a table with a header and at least ${MIN_ROWS} rows`,
    };
  }
  return undefined;
}

function checkTarget(profile: DataProfile, target: string): Problem | undefined {
  const column = targetColumn(profile, target);
  if (!column) {
    return { cause: `${profile.shownAs} has no column ${shown(target, 40)} (its columns: ${listed(profile.columns.map((candidate) => candidate.name))})`, fix: 'pass --target the column the model predicts' };
  }
  const values = present(column.cells);
  if (values.length === 0) {
    return { cause: `the target ${shown(target, 40)} is empty in ${where(profile)}`, fix: 'pass --target a column with values, or fill in its values' };
  }
  const classes = classCounts(column.cells);
  if (classes.length < 2) {
    return {
      cause: `the target ${shown(target, 40)} has one value (${shown(classes[0].text, 40)}) in ${where(profile)}: nothing to predict`,
      fix: profile.complete ? 'pass --target a column with at least two values, or add rows of the other classes' : 'pass --target a column with at least two values; if the file is sorted by it, shuffle its rows',
    };
  }
  if (profile.complete && values.length < MIN_ROWS) {
    return {
      cause: `${profile.shownAs} has ${values.length} rows with a target value; the train, test and validation sets need at least ${MIN_ROWS}`,
      fix: `pass --data a table with at least ${MIN_ROWS} rows`,
    };
  }
  return undefined;
}

function checkProblemType(profile: DataProfile, answers: DatasetAnswers): Problem | undefined {
  const column = targetColumn(profile, answers.target);
  if (!column) return undefined;
  const type = resolvedType(answers, profile);
  const classes = classCounts(column.cells);
  const target = shown(answers.target, 40);
  if (type === 'regression' && !present(column.cells).every((cell) => cell.type === 'number')) {
    const text = present(column.cells).find((cell) => cell.type !== 'number')?.text ?? '';
    return { cause: `--problem-type regression needs a numeric target, and ${target} holds text (${shown(text, 40)})`, fix: 'pass --problem-type multiclass (or auto), or --target a numeric column' };
  }
  if (type === 'binary' && classes.length > 2) {
    return { cause: `--problem-type binary needs two classes, and ${target} has ${classes.length} (${listed(classes.map((entry) => entry.text), 5)})`, fix: 'pass --problem-type multiclass (or auto)' };
  }
  if ((type === 'binary' || type === 'multiclass') && profile.complete) {
    const rare = classes.filter((entry) => entry.count < MIN_CLASS_ROWS).at(-1);
    if (rare) {
      return {
        cause: `class ${shown(rare.text, 40)} of ${target} has ${rare.count} row${rare.count === 1 ? '' : 's'} in ${profile.shownAs}; each class needs at least ${MIN_CLASS_ROWS} (one in each of the train, test and validation sets)`,
        fix: `add rows of ${shown(rare.text, 40)}, or remove that class from the data${type === 'multiclass' && present(column.cells).every((cell) => cell.type === 'number') ? ' (or pass --problem-type regression)' : ''}`,
      };
    }
  }
  return undefined;
}

function checkPositiveClass(profile: DataProfile | undefined, answers: DatasetAnswers): Problem | undefined {
  if (answers.positiveClass === '') return undefined;
  const type = resolvedType(answers, profile);
  if (type !== 'binary' && type !== 'auto') {
    return { cause: `--positive-class is for a binary target, and ${shown(answers.target, 40)} is ${type}`, fix: 'leave --positive-class out (or pass --problem-type binary for a two-valued target)' };
  }
  const column = profile && targetColumn(profile, answers.target);
  if (!column) return undefined;
  const classes = classCounts(column.cells);
  if (!classes.some((entry) => matchesClass(answers.positiveClass, entry))) {
    return { cause: `--positive-class ${shown(answers.positiveClass, 40)} is not a value of ${shown(answers.target, 40)} (its values: ${listed(classes.map((entry) => entry.text), 5)})`, fix: 'pass one of its values, or leave --positive-class out to infer it' };
  }
  return undefined;
}

/** A given class value names a class as written, or as pandas compares it (1 = 1.0, True = true). */
function matchesClass(given: string, entry: ClassCount): boolean {
  const cell = cellFromCsv(given);
  return given === entry.text || (cell !== null && cell.type !== 'text' && valueKey(cell) === entry.key);
}

function checkLeaveOut(profile: DataProfile | undefined, answers: DatasetAnswers): Problem | undefined {
  const names = columnList(answers.leaveOut);
  if (names.includes(answers.target)) {
    return { cause: `--leave-out names the target ${shown(answers.target, 40)}: the model cannot be trained without it`, fix: 'take the target out of --leave-out' };
  }
  const missing = profile ? names.filter((name) => !targetColumn(profile, name)) : [];
  if (profile && missing.length > 0) {
    return {
      cause: `--leave-out ${listed(missing, 3)}: ${profile.shownAs} has no such column (its columns: ${listed(profile.columns.map((column) => column.name))})`,
      fix: 'pass --leave-out columns of the file, separated by commas',
    };
  }
  return undefined;
}

/**
 * The first problem with one answer about the data, given the answers before it and what the file
 * holds (undefined for an s3:// URI, which is not read: only what needs no file is checked).
 */
export function datasetProblem(name: DatasetAnswerName, answers: DatasetAnswers, profile: DataProfile | undefined): Problem | undefined {
  switch (name) {
    case 'data':
      return profile && checkTable(profile);
    case 'target':
      return profile && checkTarget(profile, answers.target);
    case 'problemType':
      return profile && checkProblemType(profile, answers);
    case 'positiveClass':
      return checkPositiveClass(profile, answers);
    case 'leaveOut':
      return checkLeaveOut(profile, answers);
  }
}

/** The in-project path of the data: data/01_raw/<name> for a local file; the sample and s3:// URIs as they are. */
export function storedDataPath(data: string): string {
  return data === SAMPLE_DATA || isS3Uri(data) ? data : `${RAW_DATA_FOLDER}/${fileNameOf(data)}`;
}

// --- Memory: what each task asks the cluster for, from the size of the table.

/** The request when the data says nothing more (the sample, an s3:// URI not read here): a Kubernetes quantity. */
export const DEFAULT_MEMORY = '1Gi';
/**
 * A task's peak holds about this many copies of the table in memory (read, transformed, the
 * model's own copy, written): issue 18's measurements, 1.4 GiB at 1M rows of 31 numbers.
 */
export const TABLE_COPIES_AT_PEAK = 6;
const GIB = 1024 ** 3;

/** The bytes of a Python str holding `text` (CPython's compact strings: sys.getsizeof). */
export function pythonStringBytes(text: string): number {
  const characters = [...text].length;
  // eslint-disable-next-line no-control-regex
  if (/^[\u0000-\u007f]*$/.test(text)) return 49 + characters;
  if (/^[\u0000-\u00ff]*$/.test(text)) return 73 + characters;
  return /[\u{10000}-\u{10ffff}]/u.test(text) ? 76 + 4 * characters : 74 + 2 * characters;
}

/**
 * The table in memory as pandas holds it, in bytes, from the rows sampled: 8 bytes a cell (a
 * number, a date, or the pointer to a text value), plus the text values themselves, each once
 * (pandas and pyarrow share a repeated string): per row for a column whose values are mostly
 * distinct (ids, free text), once for a column of a few repeated values (categories).
 */
export function tableBytes(profile: DataProfile): number {
  const rows = profile.fileRows ?? profile.rows;
  if (profile.rows === 0 || rows === 0) return 0;
  let bytesPerRow = 0;
  let bytesOnce = 0;
  for (const column of profile.columns) {
    bytesPerRow += 8;
    if (column.valueKind !== 'categorical') continue;
    const texts = present(column.cells).map((cell) => cell.text);
    const distinct = new Set(texts);
    if (distinct.size > texts.length / 2) bytesPerRow += texts.reduce((sum, text) => sum + pythonStringBytes(text), 0) / profile.rows;
    else bytesOnce += [...distinct].reduce((sum, text) => sum + pythonStringBytes(text), 0);
  }
  return rows * bytesPerRow + bytesOnce;
}

/** What each task requests: about six copies of the table, in whole Gi, at least 1Gi. */
export function memoryRequest(profile: DataProfile | undefined): string {
  if (!profile) return DEFAULT_MEMORY;
  return `${Math.max(1, Math.ceil((TABLE_COPIES_AT_PEAK * tableBytes(profile)) / GIB))}Gi`;
}

export interface ResolvedDataset {
  /** As stored in .yo-rc.json: the data's in-project path, the type and positive class inferred. */
  answers: DatasetAnswers;
  /** One or two lines saying what was inferred, printed before anything is written. */
  summary: string;
  /** What each task requests from the cluster (`memory` in .yo-rc.json, MEMORY in src/tasks/settings.py). */
  memory: string;
}

/**
 * Checks every answer about the data (throwing the first problem) and resolves them: `auto` becomes
 * the inferred type, an empty positive class the inferred one, the data its in-project path. An
 * s3:// URI is not read: its type stays `auto`, inferred by the pipeline when it runs.
 */
export function resolveDataset(given: DatasetAnswers, profile: DataProfile | undefined): ResolvedDataset {
  for (const name of DATASET_ANSWERS) {
    const problem = datasetProblem(name, given, profile);
    if (problem) throw new UserError(problem.cause, problem.fix);
  }
  const problemType = resolvedType(given, profile);
  const column = profile && targetColumn(profile, given.target);
  const classes = column ? classCounts(column.cells) : [];
  let positiveClass = given.positiveClass;
  if (column && problemType === 'binary') {
    positiveClass = positiveClass === '' ? positiveClassOf(column.cells) : (classes.find((entry) => matchesClass(positiveClass, entry))?.text ?? positiveClass);
  }
  const answers: DatasetAnswers = { data: storedDataPath(given.data), target: given.target, problemType, positiveClass, leaveOut: columnList(given.leaveOut).join(',') };
  const memory = given.data === SAMPLE_DATA ? DEFAULT_MEMORY : memoryRequest(profile);
  return { answers, summary: summarise(given.data, answers, profile, memory), memory };
}

/** 1.2, 870, 120, 12,300: three significant digits, thousands separated. */
function number(value: number): string {
  return Number(value.toPrecision(3)).toLocaleString('en-US', { maximumFractionDigits: 20 });
}

const percent = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)} %`;

function targetSummary(answers: DatasetAnswers, column: ColumnProfile): string {
  const target = `target "${answers.target}"`;
  const classes = classCounts(column.cells);
  const total = present(column.cells).length;
  switch (answers.problemType) {
    case 'binary': {
      const positive = classes.find((entry) => entry.text === answers.positiveClass);
      return `${target} binary (positive "${answers.positiveClass}": ${percent(positive?.count ?? 0, total)})`;
    }
    case 'multiclass': {
      const shownClasses = classes.slice(0, 5).map((entry) => `${entry.text} ${percent(entry.count, total)}`);
      return `${target} multiclass (${classes.length} classes: ${shownClasses.join(', ')}${classes.length > 5 ? ', …' : ''})`;
    }
    default: {
      const values = present(column.cells).map((cell) => Number(cell.text.trim()));
      const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
      return `${target} regression (range ${number(Math.min(...values))} to ${number(Math.max(...values))}, mean ${number(mean)})`;
    }
  }
}

function columnsSummary(answers: DatasetAnswers, profile: DataProfile): string {
  const leaveOut = new Set(columnList(answers.leaveOut));
  const named = profile.columns.filter((column) => column.name !== answers.target && !leaveOut.has(column.name));
  // A column without a value in the file: the pipeline's model leaves it out (tasks/features.py).
  const empty = named.filter((column) => present(column.cells).length === 0);
  const features = named.filter((column) => !empty.includes(column));
  const firstFour = (columns: ColumnProfile[], name: (column: ColumnProfile) => string = (column) => column.name) =>
    `${columns.slice(0, 4).map(name).join(', ')}${columns.length > 4 ? ', …' : ''}`;
  const kinds = (['numeric', 'categorical', 'date'] as const)
    .map((kind) => [kind, features.filter((column) => column.valueKind === kind).length] as const)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${kind}`);
  if (empty.length > 0) {
    const them = empty.length === 1 ? 'it' : 'them';
    kinds.push(`${empty.length} empty (${firstFour(empty)}: ${profile.complete ? `no values, the model leaves ${them} out` : 'no values in the rows sampled'})`);
  }
  const left = profile.columns.filter((column) => leaveOut.has(column.name));
  if (left.length > 0) kinds.push(`${left.length} left out (${firstFour(left, (column) => (column.kind === 'id' ? `${column.name}: id-like` : column.name))})`);
  return kinds.join(', ') || 'no feature columns';
}

export function summarise(given: string, answers: DatasetAnswers, profile: DataProfile | undefined, memory: string = memoryRequest(profile)): string {
  if (!profile) {
    return `data: ${given}, not read here: target "${answers.target}", problem type ${answers.problemType} (the pipeline reads the data when it runs${answers.problemType === 'auto' ? ' and infers the type' : ''}), tasks request ${memory} (MEMORY in src/tasks/settings.py: raise it for a big table)`;
  }
  const column = targetColumn(profile, answers.target);
  const rows = profile.complete ? `${count(profile.rows)} rows` : `${count(profile.rows)}${profile.totalRows ? ` of ${count(profile.totalRows)}` : ''} rows sampled`;
  const name = given === SAMPLE_DATA ? `${fileNameOf(SAMPLE_FILE)} (the bundled sample)` : fileNameOf(given);
  return `data: ${name}, ${rows}: ${column ? targetSummary(answers, column) : `target "${answers.target}"`}, ${columnsSummary(answers, profile)}, tasks request ${memory}`;
}
