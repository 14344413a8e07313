// The overview's live feed: items rendered newest first with the txn id as text and a link to the drill-down, growing as pushes arrive.
import { act, render, screen } from '@testing-library/preact';
import { describe, expect, it, vi } from 'vitest';
import { feed } from '../src/lib/live';
import { feedReducer } from '../src/lib/feed';
import { OverviewPage } from '../src/pages/Overview';
import type { ResultChange } from '../src/lib/types';

const change = (txn: string, status: ResultChange['status']): ResultChange => ({
  txn_id: txn,
  status,
  previous_status: null,
  version: 1,
  discrepancy_types: ['AMOUNT'],
  sources_seen: ['core', 'gateway'],
  sources_missing: [],
  amount: '1234.50',
  currency: 'EUR',
  updated_at: '2026-11-27T10:00:00Z',
});

// jsdom has no canvas: the charts are left out of this test
vi.mock('../src/components/Chart', () => ({ ChartView: () => null, PALETTE: [], STATUS_COLORS: {} }));

describe('Overview live feed', () => {
  it('shows pushed breaks newest first and grows without re-mounting', async () => {
    render(<OverviewPage />);
    expect(screen.getByTestId('live-feed-empty')).toBeTruthy();
    await act(() => feed.set((f) => feedReducer(f, [change('T/1', 'MISMATCHED'), change('T2', 'MATCHED')])));
    let items = screen.getAllByTestId('feed-item');
    expect(items.map((i) => i.textContent)).toEqual(['T/1']);
    expect(items[0].getAttribute('href')).toBe('#/transactions/T%2F1');
    await act(() => feed.set((f) => feedReducer(f, [change('T3', 'MISSING')])));
    items = screen.getAllByTestId('feed-item');
    expect(items.map((i) => i.textContent)).toEqual(['T3', 'T/1']);
    expect(screen.getByTestId('live-feed').textContent).toContain('1,234.50 EUR');
  });
});
