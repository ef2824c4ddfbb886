/** One CSV writer for every finance export (API and CLI): RFC 4180, CRLF line ends, a header row. */

export type CsvValue = string | number | bigint | boolean | null;

export interface CsvColumn<Row> {
  readonly header: string;
  value(row: Row): CsvValue;
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
// Spreadsheets run a cell starting with one of these as a formula (CSV injection): text that
// starts so, e.g. a description someone else typed, is prefixed with ' to stay text.
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: CsvValue): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text) && !NUMBER.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/**
 * The header, then one line per row, as text chunks of up to `rowsPerChunk` lines: a consumer
 * that pulls (a stream piped to a response or a file) holds one chunk at a time.
 */
export async function* csvChunks<Row>(columns: readonly CsvColumn<Row>[], rows: AsyncIterable<Row>, rowsPerChunk = 500): AsyncGenerator<string> {
  yield csvLine(columns.map((c) => c.header));
  let chunk = '';
  let count = 0;
  for await (const row of rows) {
    chunk += csvLine(columns.map((c) => c.value(row)));
    if (++count === rowsPerChunk) {
      yield chunk;
      chunk = '';
      count = 0;
    }
  }
  if (chunk) yield chunk;
}

/** A JSON array, one element per line, produced as it is pulled. */
export async function* jsonArrayChunks<Row>(toJson: (row: Row) => unknown, rows: AsyncIterable<Row>, rowsPerChunk = 500): AsyncGenerator<string> {
  let chunk = '[';
  let count = 0;
  let first = true;
  for await (const row of rows) {
    chunk += `${first ? '\n' : ',\n'}${JSON.stringify(toJson(row))}`;
    first = false;
    if (++count === rowsPerChunk) {
      yield chunk;
      chunk = '';
      count = 0;
    }
  }
  yield `${chunk}\n]\n`;
}
