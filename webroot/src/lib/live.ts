// The live connection: SockJS event-bus bridge, authenticated registrations, reconnects, and the pushed state (stats, break feed, trend).
import EventBus from '@vertx/eventbus-bridge-client.js';
import { accessToken, refreshNow, session } from './auth';
import { feedReducer, type FeedItem } from './feed';
import { createStore } from './store';
import type { ResultChange, Stats } from './types';

export const RESULTS_ADDRESS = 'accord.push.results';
export const STATS_ADDRESS = 'accord.push.stats';

export type LinkState = 'offline' | 'connecting' | 'live' | 'reconnecting' | 'denied';

export interface Link {
  state: LinkState;
  /** ms since epoch of the last state change */
  since: number;
  detail?: string;
}

export interface StatsSample {
  t: number;
  eventsPerSecond: number;
  open: number;
  breaks: number;
  matched: number;
  total: number;
}

export interface MinuteBucket {
  /** start of the minute, ms since epoch */
  t: number;
  created: number;
  breaks: number;
  matched: number;
}

const HISTORY_CAP = 3600;
const MINUTES_CAP = 24 * 60;

export const link = createStore<Link>({ state: 'offline', since: Date.now() });
export const stats = createStore<Stats | null>(null);
export const statsHistory = createStore<StatsSample[]>([]);
export const feed = createStore<FeedItem[]>([]);
/** Pushed changes counted by the minute of their update: new results, new breaks, matches. */
export const changeMinutes = createStore<MinuteBucket[]>([]);

const changeListeners = new Set<(changes: ResultChange[]) => void>();

/** Calls `listener` with every pushed batch of result changes; returns the unsubscribe function. */
export function onResultChanges(listener: (changes: ResultChange[]) => void): () => void {
  changeListeners.add(listener);
  return () => changeListeners.delete(listener);
}

function setLink(state: LinkState, detail?: string): void {
  const current = link.get();
  if (current.state !== state || current.detail !== detail) link.set({ state, since: Date.now(), detail });
}

/** Applies a stats digest (pushed or fetched once at start) to the stores. */
export function applyStats(next: Stats): void {
  stats.set(next);
  const byStatus = next.by_status ?? {};
  const breaks = (byStatus.MISMATCHED ?? 0) + (byStatus.MISSING ?? 0);
  const total = Object.values(byStatus).reduce((sum, n) => sum + (n ?? 0), 0);
  const sample: StatsSample = {
    t: next.at ? Date.parse(next.at) : Date.now(),
    eventsPerSecond: next.events_per_second ?? 0,
    open: next.open ?? 0,
    breaks,
    matched: byStatus.MATCHED ?? 0,
    total,
  };
  statsHistory.set((history) => [...history, sample].slice(-HISTORY_CAP));
}

/** Folds a batch of pushed changes into the per-minute trend. */
export function bucketChanges(buckets: MinuteBucket[], changes: ResultChange[]): MinuteBucket[] {
  const next = buckets.map((b) => ({ ...b }));
  for (const change of changes) {
    const at = Date.parse(change.updated_at);
    const minute = Math.floor((Number.isNaN(at) ? Date.now() : at) / 60000) * 60000;
    let bucket = next.find((b) => b.t === minute);
    if (!bucket) {
      bucket = { t: minute, created: 0, breaks: 0, matched: 0 };
      next.push(bucket);
      next.sort((a, b) => a.t - b.t);
    }
    if (!change.previous_status) bucket.created++;
    if ((change.status === 'MISMATCHED' || change.status === 'MISSING') && change.previous_status !== change.status) bucket.breaks++;
    if (change.status === 'MATCHED' && change.previous_status !== 'MATCHED') bucket.matched++;
  }
  return next.slice(-MINUTES_CAP);
}

function onChanges(changes: ResultChange[]): void {
  if (!Array.isArray(changes) || changes.length === 0) return;
  feed.set((current) => feedReducer(current, changes));
  changeMinutes.set((current) => bucketChanges(current, changes));
  changeListeners.forEach((listener) => listener(changes));
}

interface BusMessage {
  body: unknown;
}
type BusError = { failureCode?: number; failureType?: string; message?: string } | null;
type Handler = (error: BusError, message: BusMessage) => void;

let bus: EventBus | null = null;
let registeredWith: string | null = null;
let unsubscribeSession: (() => void) | null = null;
let deniedRetry: ReturnType<typeof setTimeout> | null = null;
/** Refusals since the last delivered message: one retry with a fresh token, then stay refused. */
let denials = 0;

const resultsHandler: Handler = (error, message) => {
  if (error) return handleBusError(error);
  const body = message.body as { changes?: ResultChange[] };
  onChanges(body?.changes ?? []);
};

const statsHandler: Handler = (error, message) => {
  if (error) return handleBusError(error);
  applyStats(message.body as Stats);
  denials = 0;
  if (link.get().state !== 'live') setLink('live');
};

function authHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

function register(eb: EventBus): void {
  const token = accessToken();
  if (!token) return;
  eb.registerHandler(RESULTS_ADDRESS, authHeaders(token), resultsHandler);
  eb.registerHandler(STATS_ADDRESS, authHeaders(token), statsHandler);
  registeredWith = token;
}

/** A new access token: register again so the bridge sees a valid one. */
function reregister(): void {
  const eb = bus;
  const token = accessToken();
  if (!eb || eb.state !== EventBus.OPEN || !token || token === registeredWith) return;
  try {
    const old = authHeaders(token);
    eb.unregisterHandler(RESULTS_ADDRESS, old, resultsHandler);
    eb.unregisterHandler(STATS_ADDRESS, old, statsHandler);
    register(eb);
  } catch {
    // the socket closed in between; onopen registers again
  }
}

function handleBusError(error: BusError | { type?: string; body?: unknown }): void {
  const text = JSON.stringify(error ?? {});
  if (/access_denied|not_logged_in|unauthori[sz]ed|forbidden/i.test(text)) {
    denials++;
    if (denials > 1) {
      setLink('denied', 'The live feed refused this session (its role may not see it).');
      return;
    }
    setLink('denied', 'The live feed refused the session; retrying with a fresh token.');
    if (deniedRetry) return;
    deniedRetry = setTimeout(async () => {
      deniedRetry = null;
      try {
        await refreshNow();
      } catch {
        return; // the session is over: the app goes back to the sign-in page
      }
      // force a fresh registration on the same socket
      registeredWith = null;
      const eb = bus;
      if (eb && eb.state === EventBus.OPEN) {
        eb.handlers = {};
        register(eb);
      }
    }, 3000);
  }
}

/** Opens the live connection (idempotent); it reconnects by itself after the server restarts. */
export function connectLive(url = '/eventbus'): void {
  if (bus) return;
  setLink('connecting');
  const eb = new EventBus(url, { vertxbus_reconnect_delay_max: 10000, vertxbus_ping_interval: 5000 });
  eb.enableReconnect(true);
  eb.onopen = () => {
    registeredWith = null;
    denials = 0;
    try {
      register(eb);
      setLink('live');
    } catch (error) {
      handleBusError({ message: String(error) });
    }
  };
  eb.onclose = () => {
    if (bus === eb) setLink('reconnecting', 'Connection lost; reconnecting…');
  };
  eb.onerror = (error: unknown) => handleBusError(error as BusError);
  bus = eb;
  unsubscribeSession = session.subscribe(() => reregister());
}

/** Closes the live connection (sign-out) and forgets the pushed state. */
export function disconnectLive(): void {
  const eb = bus;
  bus = null;
  registeredWith = null;
  unsubscribeSession?.();
  unsubscribeSession = null;
  if (deniedRetry) clearTimeout(deniedRetry);
  deniedRetry = null;
  if (eb) {
    try {
      eb.close();
    } catch {
      // already closed
    }
  }
  setLink('offline');
  stats.set(null);
  statsHistory.set([]);
  feed.set([]);
  changeMinutes.set([]);
}
