// The results and audit query-string builders: repeated multi-value params, empty values left out, round trip.
import { describe, expect, it } from 'vitest';
import { auditQuery, changeMatches, EMPTY_RESULT_FILTERS, parseResultFilters, resultsQuery, localInputToInstant } from '../src/lib/query';

describe('resultsQuery', () => {
  it('repeats the parameter for each status and discrepancy type', () => {
    const q = resultsQuery({ status: ['MISMATCHED', 'MISSING'], discrepancyType: ['AMOUNT', 'STATUS'] });
    expect(q).toBe('status=MISMATCHED&status=MISSING&discrepancyType=AMOUNT&discrepancyType=STATUS');
    const params = new URLSearchParams(q);
    expect(params.getAll('status')).toEqual(['MISMATCHED', 'MISSING']);
  });

  it('maps every filter to its parameter and leaves empty ones out', () => {
    const q = resultsQuery(
      { status: [], source: 'gateway', from: '2026-11-27T10:00:00.000Z', to: '', minAmount: '10.50', maxAmount: ' ' },
      { limit: 1000, cursor: 'abc_-1' },
    );
    expect(q).toBe('source=gateway&from=2026-11-27T10%3A00%3A00.000Z&minAmount=10.50&limit=1000&cursor=abc_-1');
  });

  it('gives an empty string when nothing is set', () => {
    expect(resultsQuery({})).toBe('');
  });

  it('round-trips through parseResultFilters', () => {
    const filters = {
      status: ['MISSING'],
      discrepancyType: ['AMOUNT', 'CURRENCY'],
      source: 'core',
      from: '2026-11-27T10:00:00Z',
      to: '2026-11-28T10:00:00Z',
      minAmount: '-5',
      maxAmount: '100.00',
    };
    expect(parseResultFilters(resultsQuery(filters))).toEqual(filters);
  });
});

describe('auditQuery', () => {
  it('includes resource filters and paging', () => {
    expect(auditQuery({ actor: 'operator', action: 'api.resolveTransaction', outcome: 'success', resourceType: 'transaction', resourceId: 'T 1' }, { limit: 50 })).toBe(
      'actor=operator&action=api.resolveTransaction&resourceType=transaction&resourceId=T+1&outcome=success&limit=50',
    );
  });
});

describe('localInputToInstant', () => {
  it('turns local wall time into an ISO instant and keeps empty empty', () => {
    expect(localInputToInstant('')).toBe('');
    expect(localInputToInstant('2026-11-27T10:00:00')).toBe(new Date('2026-11-27T10:00:00').toISOString());
  });
});

describe('changeMatches', () => {
  const change = { status: 'MISMATCHED', discrepancy_types: ['AMOUNT'], sources_seen: ['core', 'gateway'], amount: '150.00', updated_at: '2026-11-27T10:00:00Z' };
  it('applies status, type, source and exact amount bounds', () => {
    expect(changeMatches(change, EMPTY_RESULT_FILTERS)).toBe(true);
    expect(changeMatches(change, { ...EMPTY_RESULT_FILTERS, status: ['MISSING'] })).toBe(false);
    expect(changeMatches(change, { ...EMPTY_RESULT_FILTERS, discrepancyType: ['STATUS', 'AMOUNT'] })).toBe(true);
    expect(changeMatches(change, { ...EMPTY_RESULT_FILTERS, source: 'mobile' })).toBe(false);
    expect(changeMatches(change, { ...EMPTY_RESULT_FILTERS, minAmount: '150', maxAmount: '150.000' })).toBe(true);
    expect(changeMatches(change, { ...EMPTY_RESULT_FILTERS, minAmount: '150.01' })).toBe(false);
    expect(changeMatches(change, { ...EMPTY_RESULT_FILTERS, to: '2026-11-27T09:00:00Z' })).toBe(false);
  });
});
