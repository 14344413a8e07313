// The live feed of new breaks: pushed result changes folded into a capped, newest-first list.
import type { ResultChange } from './types';

export const FEED_CAP = 200;
export const BREAK_STATUSES = new Set(['MISMATCHED', 'MISSING']);

export interface FeedItem extends ResultChange {
  /** When the dashboard received it (ms since epoch). */
  receivedAt: number;
}

export function isBreak(change: ResultChange): boolean {
  return BREAK_STATUSES.has(change.status);
}

/**
 * Adds a batch of changes to the feed: each break goes on top (a later change of a transaction
 * already listed replaces its entry), anything that is not a break is ignored, and the list is cut
 * to `cap` items. Changes in a batch are taken in order, so the last one ends up first.
 */
export function feedReducer(feed: FeedItem[], changes: ResultChange[], cap = FEED_CAP, now = Date.now()): FeedItem[] {
  const breaks = changes.filter(isBreak);
  if (breaks.length === 0) return feed;
  const newest = new Map<string, FeedItem>();
  for (const change of breaks) {
    newest.delete(change.txn_id);
    newest.set(change.txn_id, { ...change, receivedAt: now });
  }
  const added = [...newest.values()].reverse();
  const kept = feed.filter((item) => !newest.has(item.txn_id));
  return [...added, ...kept].slice(0, cap);
}
