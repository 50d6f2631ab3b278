/**
 * Reads the header and the first rows of the user's table, never the whole file: a CSV's first
 * 4 MB (csv-parse, on that prefix), a Parquet file's footer and first row group(s) (hyparquet,
 * reading byte ranges). What it cannot read is one UserError saying why and what to do. The
 * inference itself is dataset.ts's.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { decompress as zstdDecompress } from 'fzstd';
import { parquetMetadataAsync, parquetReadObjects, parquetSchema, type AsyncBuffer, type Compressors, type FileMetaData } from 'hyparquet';
import { SAMPLE_ROWS, cellFromCsv, profileTable, type Cell, type DataProfile, type Table } from './dataset.js';
import { UserError } from '../../shared/errors.js';
import { dataFormatOf, shown } from '../../shared/validators.js';

/** A CSV's rows are read from this much of its start. */
export const CSV_SAMPLE_BYTES = 4 * 1024 * 1024;
/** At most this many values are kept (rows x columns): a very wide table is sampled on fewer rows. */
export const MAX_CELLS = 2_000_000;

/** What a file is, by its first bytes, when it is not the table its name says. */
const SIGNATURES: ReadonlyArray<readonly [string, number[]]> = [
  ['a Parquet file', [0x50, 0x41, 0x52, 0x31]],
  ['a PNG image', [0x89, 0x50, 0x4e, 0x47]],
  ['a JPEG image', [0xff, 0xd8, 0xff]],
  ['a GIF image', [0x47, 0x49, 0x46, 0x38]],
  ['a PDF document', [0x25, 0x50, 0x44, 0x46]],
  ['a ZIP archive (an Excel .xlsx workbook?)', [0x50, 0x4b, 0x03, 0x04]],
  ['an Excel .xls workbook', [0xd0, 0xcf, 0x11, 0xe0]],
  ['gzip-compressed', [0x1f, 0x8b]],
];

function signatureOf(head: Buffer): string | undefined {
  return SIGNATURES.find(([, bytes]) => bytes.every((byte, index) => head[index] === byte))?.[0];
}

/** Reads `length` bytes at `position` (fewer at the end of the file). */
function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let offset = 0;
  while (offset < length) {
    const read = readSync(fd, buffer, offset, length - offset, position + offset);
    if (read === 0) break;
    offset += read;
  }
  return buffer.subarray(0, offset);
}

/** Opens a regular file for reading, refusing (without blocking on) a FIFO, a device or a folder. */
function openTable(path: string, shownAs: string): { fd: number; size: number } {
  const fix = 'pass --data an existing CSV or Parquet file (or an s3:// URI)';
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new UserError(`cannot read the training data ${shownAs}: permission denied`, `make it readable (chmod u+r ${shownAs}), or ${fix}`);
    const reason = code === 'ENOENT' ? 'it does not exist' : code === 'ENOTDIR' ? 'a folder on its path is a file' : (error as Error).message;
    throw new UserError(`cannot read the training data ${shownAs}: ${reason}`, fix);
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    throw new UserError(`the training data ${shownAs} is ${stat.isDirectory() ? 'a folder' : 'not a regular file'}`, fix);
  }
  if (stat.size === 0) {
    closeSync(fd);
    throw new UserError(`the training data ${shownAs} is empty (0 bytes)`, 'pass --data a table with a header and rows');
  }
  return { fd, size: stat.size };
}

/**
 * The profile of the table in `path`, from its header and first rows. `shownAs` names it in
 * messages (the path as the user gave it).
 */
export async function readDataProfile(path: string, shownAs: string): Promise<DataProfile> {
  const format = dataFormatOf(path);
  const { fd, size } = openTable(path, shownAs);
  try {
    const head = readAt(fd, 0, Math.min(size, 8192));
    if (format === 'parquet') return profileTable(await readParquet(fd, size, head, shownAs));
    return profileTable(readCsv(fd, size, head, shownAs));
  } finally {
    closeSync(fd);
  }
}

function notCsv(shownAs: string, what: string): UserError {
  const parquet = what === 'a Parquet file';
  return new UserError(`${shownAs} is not CSV text: it is ${what}`, parquet ? `rename it to end in .parquet, then pass that` : 'export the table as CSV (UTF-8, comma-separated) or Parquet, and pass --data that file');
}

/** The line (1-based) of the first byte sequence that is not UTF-8. */
function firstBadUtf8Line(text: Buffer): number {
  let line = 1;
  let start = 0;
  for (let index = 0; index <= text.length; index += 1) {
    if (index === text.length || text[index] === 0x0a) {
      if (!isUtf8(text.subarray(start, index))) return line;
      line += 1;
      start = index + 1;
    }
  }
  return line;
}

export function readCsv(fd: number, size: number, head: Buffer, shownAs: string): Table {
  const signature = signatureOf(head);
  if (signature) throw notCsv(shownAs, signature);
  if (head.includes(0)) throw notCsv(shownAs, 'binary data (it holds NUL bytes)');
  let text = readAt(fd, 0, Math.min(size, CSV_SAMPLE_BYTES));
  const cut = size > text.length;
  if (cut) {
    // Whole lines only: the last one read is likely cut short.
    const end = text.lastIndexOf(0x0a);
    if (end === -1) throw new UserError(`${shownAs} has a first line longer than ${CSV_SAMPLE_BYTES / 1024 / 1024} MB: it is not a table of rows`, 'export the table as CSV, one row a line, and pass --data that file');
    text = text.subarray(0, end + 1);
  }
  if (!isUtf8(text)) {
    throw new UserError(`${shownAs} is not UTF-8 text (line ${firstBadUtf8Line(text)})`, 'save it as UTF-8 CSV (Excel: "CSV UTF-8"; pandas: to_csv writes UTF-8), then pass it again');
  }
  const records: string[][] = [];
  /** Where each record ends in the file (bytes): the rows' share of it says how many rows the file holds. */
  const recordEnds: number[] = [];
  /** The line the last whole record ended on. */
  let lastLine = 0;
  try {
    parseCsv(text, {
      bom: true,
      relax_quotes: true,
      relax_column_count_less: true,
      skip_empty_lines: true,
      // One record more than needed says whether there were more.
      to: SAMPLE_ROWS + 2,
      on_record: (record: string[], context: { lines: number; bytes: number }) => {
        records.push(record);
        recordEnds.push(context.bytes);
        lastLine = context.lines;
        return null;
      },
    });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const line = /line (\d+)/.exec(message)?.[1];
    // A quoted field cut at the end of the prefix read: the rows before it are whole.
    if (!(cut && code === 'CSV_QUOTE_NOT_CLOSED')) {
      if (code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
        // "a;b" then "0,5;1,5" (decimal commas): the separator, not the row, is the cause.
        if (records[0]?.length === 1) throwOtherSeparator(shownAs, records[0][0]);
        const fields = /got (\d+)/.exec(message)?.[1];
        throw new UserError(
          `${shownAs} line ${line ?? '?'} has ${fields ?? 'more'} fields, and its header ${records[0]?.length ?? '?'}`,
          'quote the fields that hold commas ("a, b"), or remove the extra fields from that line',
        );
      }
      if (code === 'CSV_QUOTE_NOT_CLOSED') throw new UserError(`${shownAs} cannot be read as CSV: a quote opened on line ${lastLine + 1} is never closed`, 'close that quote (a quote inside a quoted field is written "")');
      throw new UserError(`${shownAs} cannot be read as CSV: ${message.split('\n')[0]}`, 'export the table as CSV (UTF-8, comma-separated), and pass --data that file');
    }
  }
  const [header = [], ...rows] = records;
  const complete = !cut && rows.length <= SAMPLE_ROWS;
  const kept = rows.slice(0, Math.min(SAMPLE_ROWS, Math.floor(MAX_CELLS / Math.max(header.length, 1))));
  if (header.length === 1 && kept.length > 0) throwOtherSeparator(shownAs, header[0]);
  const whole = complete && kept.length === rows.length;
  return {
    shownAs,
    format: 'csv',
    ...columnsOf(header, kept.map((row) => row.map(cellFromCsv)), shownAs),
    rows: kept.length,
    complete: whole,
    fileRows: whole ? kept.length : estimatedCsvRows(size, recordEnds, kept.length),
  };
}

/**
 * The rows of a CSV read in part: the bytes after its header, at the bytes per row of the rows
 * read (`recordEnds[0]` is where the header ends, `recordEnds[n]` where the n-th row does).
 */
export function estimatedCsvRows(size: number, recordEnds: readonly number[], rows: number): number {
  if (rows === 0) return 0;
  const headerEnd = recordEnds[0] ?? 0;
  const bytesPerRow = ((recordEnds[rows] ?? size) - headerEnd) / rows;
  return bytesPerRow > 0 ? Math.max(rows, Math.round((size - headerEnd) / bytesPerRow)) : rows;
}

/** The header as pandas names it (an empty name is `Unnamed: i`), each name once, and the cells by column. */
function columnsOf(names: readonly string[], rows: readonly Cell[][], shownAs: string): { header: string[]; columns: Cell[][] } {
  const header = names.map((name, index) => (name === '' ? `Unnamed: ${index}` : name));
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) throw new UserError(`${shownAs} has two columns named ${shown(name, 40)}`, 'give each column its own name, then pass it again');
    seen.add(name);
  }
  return { header, columns: header.map((_name, index) => rows.map((row) => row[index] ?? null)) };
}

/** Decompressors beyond hyparquet's own snappy: gzip and brotli from Node, zstd (Polars' default) from fzstd. */
const COMPRESSORS: Compressors = {
  GZIP: (input) => new Uint8Array(gunzipSync(input)),
  BROTLI: (input) => new Uint8Array(brotliDecompressSync(input)),
  ZSTD: (input) => zstdDecompress(input),
};
const READABLE_CODECS = new Set(['UNCOMPRESSED', 'SNAPPY', ...Object.keys(COMPRESSORS)]);

/** A Parquet value as the pipeline's pandas reads it. */
export function cellFromParquet(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isNaN(value) ? null : { text: String(value), type: 'number' };
  if (typeof value === 'bigint') return { text: value.toString(), type: 'number' };
  if (typeof value === 'boolean') return { text: String(value), type: 'boolean' };
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    const iso = value.toISOString();
    return { text: iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso, type: 'datetime' };
  }
  if (typeof value === 'string') return { text: value, type: 'text' };
  if (value instanceof Uint8Array) return { text: Buffer.from(value).toString('latin1'), type: 'text' };
  return { text: JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'bigint' ? inner.toString() : inner)) ?? '', type: 'text' };
}

function pandasIndexColumns(metadata: FileMetaData): string[] {
  const pandas = metadata.key_value_metadata?.find((entry) => entry.key === 'pandas')?.value;
  try {
    const columns = pandas ? (JSON.parse(pandas) as { index_columns?: unknown }).index_columns : undefined;
    return Array.isArray(columns) ? columns.filter((column): column is string => typeof column === 'string') : [];
  } catch {
    return [];
  }
}

async function readParquet(fd: number, size: number, head: Buffer, shownAs: string): Promise<Table> {
  const tail = readAt(fd, Math.max(0, size - 4), 4);
  if (head.subarray(0, 4).toString('latin1') !== 'PAR1' || tail.toString('latin1') !== 'PAR1') {
    const what = signatureOf(head);
    const looksLikeText = !head.includes(0) && isUtf8(head.subarray(0, Math.max(0, head.lastIndexOf(0x0a))));
    throw new UserError(
      `${shownAs} is not a Parquet file: ${what ? `it is ${what}` : looksLikeText ? 'it looks like text (CSV?)' : 'it has no PAR1 marker at its start and end'}`,
      looksLikeText ? 'if it is CSV, rename it to end in .csv, then pass that' : 'pass --data a Parquet file (pandas: to_parquet) or a CSV file',
    );
  }
  const file: AsyncBuffer = {
    byteLength: size,
    slice: (start, end = size) => {
      const bytes = readAt(fd, start, end - start);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
  const unreadable = (error: unknown) => new UserError(`${shownAs} cannot be read as Parquet: ${(error as Error).message.split('\n')[0]}`, 'write it again with pandas (to_parquet) or pyarrow, or pass a CSV file');
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw unreadable(error);
  }
  // pandas reads the columns it saved its index as (index_columns in its metadata) back as the index, not as data.
  const index = new Set(pandasIndexColumns(metadata));
  const header = parquetSchema(metadata)
    .children.map((child) => child.element.name)
    .filter((name) => !index.has(name));
  const totalRows = Number(metadata.num_rows);
  const rowEnd = Math.min(totalRows, SAMPLE_ROWS, Math.floor(MAX_CELLS / Math.max(header.length, 1)));
  let groupStart = 0;
  for (const group of metadata.row_groups) {
    if (groupStart >= rowEnd) break;
    groupStart += Number(group.num_rows);
    const codec = group.columns.map((column) => column.meta_data?.codec).find((candidate) => candidate !== undefined && !READABLE_CODECS.has(candidate));
    if (codec) {
      throw new UserError(`${shownAs} is compressed with ${codec}, which flyte-pipeline cannot read to look at its columns`, 'write it with snappy (pandas\' default), zstd or gzip compression, or pass a CSV file');
    }
  }
  let objects: Array<Record<string, unknown>> = [];
  if (rowEnd > 0) {
    try {
      objects = await parquetReadObjects({ file, metadata, rowEnd, compressors: COMPRESSORS, useOffsetIndex: true });
    } catch (error) {
      throw unreadable(error);
    }
  }
  const rows = objects.slice(0, rowEnd).map((row) => header.map((name) => cellFromParquet(row[name])));
  return { shownAs, format: 'parquet', ...columnsOf(header, rows, shownAs), rows: rows.length, complete: rows.length === totalRows, totalRows, fileRows: totalRows };
}

/** A one-field header that holds ";", a tab or "|": the file is separated by that, not by commas. */
function throwOtherSeparator(shownAs: string, header: string): void {
  const separator = [';', '\t', '|'].find((candidate) => header.includes(candidate));
  if (separator) {
    throw new UserError(
      `${shownAs} has one column, ${shown(header, 40)}: its fields look separated by ${separator === '\t' ? 'tabs' : `"${separator}"`}, not commas`,
      'save it comma-separated (pandas reads a CSV with commas between fields), then pass it again',
    );
  }
}
