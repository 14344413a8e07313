// Analytics breakdowns: breaks by type and source pair, results per minute, amount histogram bins.
import { describe, expect, it } from 'vitest';
import { amountHistogram, breaksBySourcePair, breaksByType, resultsByMinute } from '../src/lib/analytics';
import type { Result } from '../src/lib/types';

function result(txn: string, status: Result['status'], discrepancies: Result['discrepancies'], over: Partial<Result> = {}): Result {
  return {
    txn_id: txn,
    status,
    sources_seen: ['core', 'gateway'],
    sources_missing: [],
    discrepancies,
    amount: '10.00',
    currency: 'EUR',
    first_seen_at: '2026-11-27T10:00:30Z',
    updated_at: '2026-11-27T10:00:31Z',
    version: 1,
    ...over,
  };
}

const results = [
  result('A', 'MISMATCHED', [
    { type: 'AMOUNT', source_a: 'core', source_b: 'gateway' },
    { type: 'AMOUNT', source_a: 'core', source_b: 'mobile' },
  ]),
  result('B', 'MISSING', [{ type: 'MISSING', source_a: 'mobile' }], { first_seen_at: '2026-11-27T10:02:10Z' }),
  result('C', 'MISMATCHED', [{ type: 'DUPLICATE', source_a: 'gateway', source_b: 'gateway' }]),
  result('D', 'MATCHED', []),
];

describe('breakdowns', () => {
  it('counts a break once per discrepancy type', () => {
    expect([...breaksByType(results)]).toEqual([
      ['AMOUNT', 1],
      ['MISSING', 1],
      ['DUPLICATE', 1],
    ]);
  });

  it('counts discrepancies per source pair', () => {
    expect(Object.fromEntries(breaksBySourcePair(results))).toEqual({
      'core→gateway': 1,
      'core→mobile': 1,
      'missing: mobile': 1,
      'repeat: gateway': 1,
    });
  });

  it('buckets results by first-seen minute, filling empty minutes', () => {
    const minutes = resultsByMinute(results);
    expect(minutes.map((m) => new Date(m.t).toISOString().slice(11, 16))).toEqual(['10:00', '10:01', '10:02']);
    expect(minutes[0].byStatus).toEqual({ MISMATCHED: 2, MATCHED: 1 });
    expect(minutes[1].byStatus).toEqual({});
    expect(minutes[2].byStatus).toEqual({ MISSING: 1 });
  });
});

describe('amountHistogram', () => {
  it('puts amounts on 1-2-5 bins from the smallest to the largest', () => {
    const bins = amountHistogram(['15.00', '150.00', '180.00', '1200.00', '-3.00', null]);
    expect(bins[0]).toMatchObject({ label: '< 0', count: 1 });
    const counts = Object.fromEntries(bins.slice(1).map((b) => [b.label, b.count]));
    expect(counts).toEqual({ '10–20': 1, '20–50': 0, '50–100': 0, '100–200': 2, '200–500': 0, '500–1k': 0, '1k–2k': 1 });
  });

  it('is empty without amounts', () => {
    expect(amountHistogram([])).toEqual([]);
  });
});
