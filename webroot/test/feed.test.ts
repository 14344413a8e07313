// The live-feed reducer: breaks prepended newest first, repeats moved up, cap kept, non-breaks ignored.
import { describe, expect, it } from 'vitest';
import { feedReducer, type FeedItem } from '../src/lib/feed';
import type { ResultChange } from '../src/lib/types';

function change(txn: string, status: ResultChange['status'], over: Partial<ResultChange> = {}): ResultChange {
  return {
    txn_id: txn,
    status,
    previous_status: null,
    version: 1,
    discrepancy_types: status === 'MISMATCHED' ? ['AMOUNT'] : status === 'MISSING' ? ['MISSING'] : [],
    sources_seen: ['core'],
    sources_missing: [],
    amount: '10.00',
    currency: 'EUR',
    updated_at: '2026-11-27T10:00:00Z',
    ...over,
  };
}

const ids = (feed: FeedItem[]) => feed.map((i) => i.txn_id);

describe('feedReducer', () => {
  it('prepends a new break', () => {
    let feed = feedReducer([], [change('A', 'MISMATCHED')]);
    feed = feedReducer(feed, [change('B', 'MISSING')]);
    expect(ids(feed)).toEqual(['B', 'A']);
  });

  it('puts the last break of a batch first', () => {
    expect(ids(feedReducer([], [change('A', 'MISMATCHED'), change('B', 'MISSING'), change('C', 'MISMATCHED')]))).toEqual(['C', 'B', 'A']);
  });

  it('ignores changes that are not breaks and returns the same list', () => {
    const feed = feedReducer([], [change('A', 'MISMATCHED')]);
    const after = feedReducer(feed, [change('B', 'MATCHED'), change('C', 'PENDING')]);
    expect(after).toBe(feed);
  });

  it('keeps only the newest `cap` items', () => {
    let feed: FeedItem[] = [];
    for (let i = 0; i < 250; i++) feed = feedReducer(feed, [change(`T${i}`, 'MISMATCHED')], 200);
    expect(feed).toHaveLength(200);
    expect(feed[0].txn_id).toBe('T249');
    expect(feed[199].txn_id).toBe('T50');
  });

  it('moves a transaction that breaks again to the top instead of listing it twice', () => {
    let feed = feedReducer([], [change('A', 'MISSING'), change('B', 'MISMATCHED')]);
    feed = feedReducer(feed, [change('A', 'MISMATCHED', { previous_status: 'MISSING', version: 2 })]);
    expect(ids(feed)).toEqual(['A', 'B']);
    expect(feed[0].status).toBe('MISMATCHED');
    expect(feed[0].version).toBe(2);
  });
});
