// CSV export: RFC 4180 quoting, exact amount strings, formula neutralising, walking every page.
import { describe, expect, it, vi } from 'vitest';
import { csvField, exportAllPages, resultsToCsv, RESULT_CSV_COLUMNS } from '../src/lib/csv';
import type { Result } from '../src/lib/types';

function result(over: Partial<Result> = {}): Result {
  return {
    txn_id: 'T1',
    status: 'MISMATCHED',
    sources_seen: ['core', 'gateway'],
    sources_missing: ['mobile'],
    discrepancies: [
      { type: 'AMOUNT', source_a: 'core', source_b: 'gateway', value_a: '100.00', value_b: '100.50', difference: '0.50' },
      { type: 'MISSING', source_a: 'mobile' },
    ],
    amount: '100.00',
    currency: 'EUR',
    first_seen_at: '2026-11-27T10:00:00Z',
    updated_at: '2026-11-27T10:00:03Z',
    version: 2,
    ...over,
  };
}

describe('csvField', () => {
  it('leaves plain values alone', () => {
    expect(csvField('abc')).toBe('abc');
    expect(csvField(42)).toBe('42');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
  });

  it('quotes commas, quotes and line breaks, doubling quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line1\nline2')).toBe('"line1\nline2"');
    expect(csvField('cr\r')).toBe('"cr\r"');
  });

  it('keeps decimal amounts exactly as sent, trailing zeros and sign included', () => {
    expect(csvField('100.10')).toBe('100.10');
    expect(csvField('-12.50')).toBe('-12.50');
    expect(csvField('0.00000001')).toBe('0.00000001');
    expect(csvField('12345678901234567890.12345678')).toBe('12345678901234567890.12345678');
  });

  it('neutralises text a spreadsheet would run as a formula', () => {
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField('@cmd')).toBe("'@cmd");
    expect(csvField('-x')).toBe("'-x");
    expect(csvField('=1,2')).toBe('"\'=1,2"');
  });

  it('joins arrays with semicolons', () => {
    expect(csvField(['core', 'gateway'])).toBe('core;gateway');
  });
});

describe('resultsToCsv', () => {
  it('writes a header and one CRLF line per result with amounts as strings', () => {
    const csv = resultsToCsv([result(), result({ txn_id: 'T,2', amount: '-0.10', currency: 'USD', discrepancies: [] })]);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(RESULT_CSV_COLUMNS.join(','));
    expect(lines[1]).toBe('T1,MISMATCHED,100.00,EUR,core;gateway,mobile,AMOUNT;MISSING,2026-11-27T10:00:00Z,2026-11-27T10:00:03Z,2');
    expect(lines[2]).toBe('"T,2",MISMATCHED,-0.10,USD,core;gateway,mobile,,2026-11-27T10:00:00Z,2026-11-27T10:00:03Z,2');
    expect(lines[3]).toBe('');
  });

  it('writes an empty field for a missing amount', () => {
    const csv = resultsToCsv([result({ amount: null, currency: null })]);
    expect(csv.split('\r\n')[1].split(',').slice(2, 4)).toEqual(['', '']);
  });
});

describe('exportAllPages', () => {
  it('follows next_cursor until the last page and reports progress', async () => {
    const pages: Record<string, { items: Result[]; next_cursor: string | null }> = {
      first: { items: [result({ txn_id: 'A' }), result({ txn_id: 'B' })], next_cursor: 'c2' },
      c2: { items: [result({ txn_id: 'C', amount: '1000000.000' })], next_cursor: null },
    };
    const fetchPage = vi.fn(async (cursor: string | null) => pages[cursor ?? 'first']);
    const progress: number[] = [];
    const csv = await exportAllPages(fetchPage, (n) => progress.push(n));
    expect(fetchPage.mock.calls.map((c) => c[0])).toEqual([null, 'c2']);
    expect(progress).toEqual([2, 3]);
    const rows = csv.trim().split('\r\n');
    expect(rows).toHaveLength(4);
    expect(rows[3]).toContain(',1000000.000,');
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const fetchPage = vi.fn(async () => {
      controller.abort();
      return { items: [result()], next_cursor: 'more' };
    });
    await expect(exportAllPages(fetchPage, () => {}, controller.signal)).rejects.toThrow(/cancelled/);
    expect(fetchPage).toHaveBeenCalledTimes(1);
  });
});
