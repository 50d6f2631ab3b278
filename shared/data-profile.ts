/**
 * What a data file holds, as `flyte-pipeline new` reads it (generators/lib/read-data.ts) and the
 * questions' defaults look at it (shared/questions.ts): the types alone, the logic is in
 * generators/lib/dataset.ts.
 */

/** How the pipeline's pandas reads a value: a number, a boolean, a date-time (Parquet), or text. */
export type ValueType = 'number' | 'boolean' | 'datetime' | 'text';
/** One sampled value: null when missing, else its text (as written, for CSV) and type. */
export type Cell = null | { text: string; type: ValueType };

/** `id` columns are id-like (all distinct, or named so): left out by default. */
export type ColumnKind = 'numeric' | 'categorical' | 'date' | 'id';
export type ValueKind = Exclude<ColumnKind, 'id'>;

export interface ColumnProfile {
  name: string;
  /** `id` when id-like, else its valueKind. */
  kind: ColumnKind;
  /** What its values are, id-like or not: how the pipeline prepares it if it is kept. */
  valueKind: ValueKind;
  /** The sampled values, one per row read. */
  cells: Cell[];
}

export interface DataProfile {
  /** The file as the user named it, for messages. */
  shownAs: string;
  format: 'csv' | 'parquet';
  columns: ColumnProfile[];
  /** Rows read: all of them, or the first SAMPLE_ROWS (fewer for a very wide table). */
  rows: number;
  /** Every row was read, so counts are the file's own rather than a sample's. */
  complete: boolean;
  /** The file's rows, when known without reading them all (Parquet). */
  totalRows?: number;
  /**
   * The file's rows: counted when every row was read, from a Parquet file's metadata, else (a CSV
   * read in part) estimated from the file's size. Undefined where unknown (a table made in a test).
   */
  fileRows?: number;
}
