// The Results page: filters from the address become repeated query params, keyset paging with a cursor stack, CSV export of every page.
import { act, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Result } from '../src/lib/types';

const calls: { filters: Record<string, unknown>; page: { limit?: number; cursor?: string | null } }[] = [];

function row(txn: string, amount: string): Result {
  return {
    txn_id: txn,
    status: 'MISMATCHED',
    sources_seen: ['core', 'gateway'],
    sources_missing: [],
    discrepancies: [{ type: 'AMOUNT', source_a: 'core', source_b: 'gateway' }],
    amount,
    currency: 'EUR',
    first_seen_at: '2026-11-27T10:00:00Z',
    updated_at: '2026-11-27T10:00:01Z',
    version: 1,
  };
}

const pages: Record<string, { items: Result[]; next_cursor: string | null }> = {
  start: { items: [row('A', '100.10'), row('B,"quoted"', '-0.50')], next_cursor: 'p2' },
  p2: { items: [row('C', '7.00000001')], next_cursor: null },
};

vi.mock('../src/lib/api', () => ({
  Api: {
    rules: vi.fn(async () => ({ sources: ['core', 'gateway', 'mobile'] })),
    results: vi.fn(async (filters: Record<string, unknown>, page: { limit?: number; cursor?: string | null }) => {
      calls.push({ filters, page });
      return pages[page.cursor ?? 'start'];
    }),
  },
}));

describe('ResultsPage', () => {
  let blobs: Blob[];
  beforeEach(() => {
    calls.length = 0;
    blobs = [];
    location.hash = '#/results?status=MISMATCHED&status=MISSING&discrepancyType=AMOUNT';
    URL.createObjectURL = vi.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:test';
    }) as never;
    URL.revokeObjectURL = vi.fn();
    HTMLAnchorElement.prototype.click = vi.fn();
  });
  afterEach(() => {
    location.hash = '';
  });

  it('loads the filtered page, pages forward and back, and exports every page as CSV', async () => {
    const { ResultsPage } = await import('../src/pages/Results');
    render(<ResultsPage />);
    await waitFor(() => expect(screen.getAllByTestId('result-row')).toHaveLength(2));
    expect(calls[0].filters).toMatchObject({ status: ['MISMATCHED', 'MISSING'], discrepancyType: ['AMOUNT'] });
    expect(calls[0].page).toEqual({ limit: 100, cursor: null });

    await act(() => {
      fireEvent.click(screen.getByTestId('page-next'));
    });
    await waitFor(() => expect(screen.getAllByTestId('result-row')).toHaveLength(1));
    expect(calls.at(-1)!.page.cursor).toBe('p2');
    expect((screen.getByTestId('page-next') as HTMLButtonElement).disabled).toBe(true);

    await act(() => {
      fireEvent.click(screen.getByTestId('page-previous'));
    });
    await waitFor(() => expect(screen.getAllByTestId('result-row')).toHaveLength(2));
    expect(calls.at(-1)!.page.cursor).toBe(null);
    expect((screen.getByTestId('page-previous') as HTMLButtonElement).disabled).toBe(true);

    await act(() => {
      fireEvent.click(screen.getByTestId('export-csv'));
    });
    await waitFor(() => expect(blobs).toHaveLength(1));
    const exportCalls = calls.filter((c) => c.page.limit === 1000);
    expect(exportCalls.map((c) => c.page.cursor)).toEqual([null, 'p2']);
    expect(exportCalls[0].filters).toMatchObject({ status: ['MISMATCHED', 'MISSING'] });
    const lines = (await blobs[0].text()).split('\r\n');
    expect(lines[0]).toMatch(/^txn_id,status,amount,/);
    expect(lines[1]).toMatch(/^A,MISMATCHED,100\.10,EUR,/);
    expect(lines[2]).toMatch(/^"B,""quoted""",MISMATCHED,-0\.50,EUR,/);
    expect(lines[3]).toMatch(/^C,MISMATCHED,7\.00000001,EUR,/);
  });
});
