// CSV export of results: RFC 4180 quoting, amounts kept as the exact decimal strings the API sends.
import type { Result } from './types';

export const RESULT_CSV_COLUMNS = [
  'txn_id',
  'status',
  'amount',
  'currency',
  'sources_seen',
  'sources_missing',
  'discrepancy_types',
  'first_seen_at',
  'updated_at',
  'version',
] as const;

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * One field: quoted when it holds a comma, quote, CR or LF (quotes doubled). Text that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe;
 * plain decimals such as "-12.50" are left exactly as they are.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = Array.isArray(value) ? value.join(';') : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !PLAIN_DECIMAL.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: unknown[]): string {
  return values.map(csvField).join(',');
}

export function resultCsvRow(result: Result): string {
  const types = [...new Set((result.discrepancies ?? []).map((d) => d.type))];
  return csvLine([
    result.txn_id,
    result.status,
    result.amount ?? '',
    result.currency ?? '',
    result.sources_seen,
    result.sources_missing,
    types,
    result.first_seen_at,
    result.updated_at,
    result.version,
  ]);
}

/** The whole file: header and one CRLF-terminated line per result. */
export function resultsToCsv(results: Result[]): string {
  return [csvLine([...RESULT_CSV_COLUMNS]), ...results.map(resultCsvRow)].join('\r\n') + '\r\n';
}

/**
 * Walks every page of a filtered listing (the fetchPage callback is given the cursor, null
 * first) and returns the CSV. onProgress gets the rows fetched so far; an aborted signal stops it.
 */
export async function exportAllPages(
  fetchPage: (cursor: string | null) => Promise<{ items: Result[]; next_cursor?: string | null }>,
  onProgress: (rows: number) => void = () => {},
  signal?: AbortSignal,
): Promise<string> {
  const lines = [csvLine([...RESULT_CSV_COLUMNS])];
  let cursor: string | null = null;
  let rows = 0;
  do {
    if (signal?.aborted) throw new DOMException('export cancelled', 'AbortError');
    const page = await fetchPage(cursor);
    for (const result of page.items) lines.push(resultCsvRow(result));
    rows += page.items.length;
    onProgress(rows);
    cursor = page.next_cursor ?? null;
  } while (cursor);
  return lines.join('\r\n') + '\r\n';
}

/** Offers text as a file download. */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
