/**
 * One database interface over the two engines Renkei runs on: PGlite (embedded,
 * in the data directory) and PostgreSQL (a server given by URL). Both speak the
 * same SQL; only connection handling and bulk COPY differ.
 */
export interface QueryResult<R> {
  rows: R[];
  affectedRows: number;
}

export interface Db {
  readonly engine: 'pglite' | 'postgres';
  /** A parameterized statement ($1, $2, …). */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
  /** Several statements without parameters (migrations, DDL). */
  exec(sql: string): Promise<void>;
  /** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * Bulk-loads rows given in PostgreSQL's text COPY format (tab-separated,
   * `\N` for null, one row per line; a string, or its UTF-8 bytes) into
   * `table (columns)`. Returns the row count.
   */
  copyFrom(table: string, columns: readonly string[], text: string | Uint8Array): Promise<number>;
  /** The rows of `query` in text COPY format (for exports and benchmarks; keep them bounded). */
  copyTo(query: string): Promise<string>;
  close(): Promise<void>;
}

/** Escapes one value for PostgreSQL's text COPY format. */
export function copyValue(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}

/** A PostgreSQL array literal of strings for a text COPY column (e.g. date[]). */
export function copyArray(values: readonly string[]): string {
  return `{${values.join(',')}}`;
}

/** One row in text COPY format, newline included. */
export function copyRow(values: ReadonlyArray<string | number | boolean | null | undefined>): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += '\t';
    line += copyValue(values[i]);
  }
  return line + '\n';
}
