// The drill-down: resolve controls by role, the API's problem detail shown on refusal, the resolution shown once made.
import { act, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../src/lib/http';
import type { TransactionDetail } from '../src/lib/types';

const detail = (resolved: boolean): TransactionDetail => ({
  result: {
    txn_id: 'T1',
    status: 'MISMATCHED',
    sources_seen: ['core', 'gateway'],
    sources_missing: [],
    discrepancies: [{ type: 'AMOUNT', source_a: 'core', source_b: 'gateway', value_a: '10.00', value_b: '10.50', difference: '0.50' }],
    amount: '10.00',
    currency: 'EUR',
    first_seen_at: '2026-11-27T10:00:00Z',
    updated_at: '2026-11-27T10:00:01Z',
    version: 1,
    resolution: resolved
      ? { result_version: 1, resolution: 'RESOLVED', reason: 'booked a correction', resolved_by: 'operator', resolved_at: '2026-11-27T10:05:00Z' }
      : null,
  },
  events: {
    core: [{ event: { event_id: 'c1', source: 'core', txn_id: 'T1', amount: '10.00', currency: 'EUR', status: 'POSTED', account: 'A1', timestamp: '2026-11-27T10:00:00Z' }, received_at: '2026-11-27T10:00:00Z', via: 'http' }],
    gateway: [{ event: { event_id: 'g1', source: 'gateway', txn_id: 'T1', amount: '10.50', currency: 'EUR', status: 'SETTLED', account: 'A1', timestamp: '2026-11-27T10:00:00Z' }, received_at: '2026-11-27T10:00:00Z', via: 'http' }],
  },
  conflicts: [],
  history: [{ at: '2026-11-27T10:00:01Z', from: null, to: 'MISMATCHED', version: 1, discrepancy_types: ['AMOUNT'] }],
  annotations: [],
  resolutions: [],
});

let resolved = false;
const resolve = vi.fn();

vi.mock('../src/lib/api', () => ({
  Api: {
    rules: vi.fn(async () => ({ sources: ['core', 'gateway'], status_vocabularies: {} })),
    transaction: vi.fn(async () => detail(resolved)),
    audit: vi.fn(async () => ({ items: [], next_cursor: null })),
    resolve: (...args: unknown[]) => resolve(...args),
  },
}));

async function renderAs(roles: string[]) {
  const { me } = await import('../src/lib/auth');
  me.set({ name: roles[0], roles });
  const { TransactionPage } = await import('../src/pages/Transaction');
  render(<TransactionPage txnId="T1" />);
  await waitFor(() => expect(screen.getByTestId('event-columns')).toBeTruthy());
}

describe('TransactionPage', () => {
  beforeEach(() => {
    resolved = false;
    resolve.mockReset();
  });

  it('gives an auditor no resolve or note controls', async () => {
    await renderAs(['auditor']);
    expect(screen.queryByTestId('resolve-button')).toBeNull();
    expect(screen.queryByTestId('resolve-reason')).toBeNull();
    expect(screen.queryByTestId('resolve-kind')).toBeNull();
    expect(screen.queryByTestId('annotate-button')).toBeNull();
  });

  it('lets an operator resolve, and shows the resolution', async () => {
    resolve.mockImplementation(async () => {
      resolved = true;
      return {};
    });
    await renderAs(['operator']);
    fireEvent.change(screen.getByTestId('resolve-kind'), { target: { value: 'WRITTEN_OFF' } });
    fireEvent.input(screen.getByTestId('resolve-reason'), { target: { value: 'below the write-off threshold' } });
    await act(() => {
      fireEvent.click(screen.getByTestId('resolve-button'));
    });
    expect(resolve).toHaveBeenCalledWith('T1', 'WRITTEN_OFF', 'below the write-off threshold');
    await waitFor(() => expect(screen.getByTestId('resolution').textContent).toContain('booked a correction'));
    expect(screen.queryByTestId('resolve-button')).toBeNull();
  });

  it("shows the problem's detail when the API refuses", async () => {
    resolve.mockRejectedValue(new ApiError(403, 'Forbidden', 'operation resolveTransaction is not open to roles [auditor]'));
    await renderAs(['operator']);
    fireEvent.input(screen.getByTestId('resolve-reason'), { target: { value: 'try anyway' } });
    await act(() => {
      fireEvent.click(screen.getByTestId('resolve-button'));
    });
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('not open to roles [auditor]'));
  });
});
