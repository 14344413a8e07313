// The live connection: registers both push addresses with the bearer token on open, again after a reconnect and after a token refresh; pushes reach the stores.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

interface Sent {
  type: 'register' | 'unregister';
  address: string;
  headers: Record<string, string>;
}

const instances: FakeBus[] = [];

class FakeBus {
  static OPEN = 1;
  state = 0;
  handlers: Record<string, ((error: unknown, message: unknown) => void)[]> = {};
  sent: Sent[] = [];
  reconnect = false;
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (e: unknown) => void = () => {};
  constructor(readonly url: string) {
    instances.push(this);
  }
  enableReconnect(on: boolean) {
    this.reconnect = on;
  }
  registerHandler(address: string, headers: Record<string, string>, cb: (error: unknown, message: unknown) => void) {
    if (!this.handlers[address]) {
      this.handlers[address] = [];
      this.sent.push({ type: 'register', address, headers });
    }
    this.handlers[address].push(cb);
  }
  unregisterHandler(address: string, headers: Record<string, string>, cb: (error: unknown, message: unknown) => void) {
    this.handlers[address] = (this.handlers[address] ?? []).filter((h) => h !== cb);
    if (this.handlers[address].length === 0) {
      delete this.handlers[address];
      this.sent.push({ type: 'unregister', address, headers });
    }
  }
  close() {
    this.state = 3;
  }
  // test helpers: what the SockJS socket would do
  open() {
    this.state = 1;
    this.handlers = {};
    this.onopen?.();
  }
  drop() {
    this.state = 3;
    this.onclose?.();
  }
  deliver(address: string, body: unknown) {
    (this.handlers[address] ?? []).forEach((h) => h(null, { body }));
  }
}

vi.mock('@vertx/eventbus-bridge-client.js', () => ({ default: FakeBus }));

describe('live connection', () => {
  beforeEach(() => {
    vi.resetModules();
    instances.length = 0;
    sessionStorage.clear();
    sessionStorage.setItem(
      'accord.session',
      JSON.stringify({ accessToken: 'token-1', refreshToken: 'r-1', expiresAt: Date.now() + 300_000, lifetimeSeconds: 300, roles: ['operator'] }),
    );
  });
  afterEach(() => vi.restoreAllMocks());

  it('registers with the token, re-registers after a reconnect and after a refresh, and feeds the stores', async () => {
    const live = await import('../src/lib/live');
    const auth = await import('../src/lib/auth');
    live.connectLive();
    const bus = instances[0];
    expect(bus.url).toBe('/eventbus');
    expect(bus.reconnect).toBe(true);
    expect(live.link.get().state).toBe('connecting');

    bus.open();
    expect(live.link.get().state).toBe('live');
    expect(bus.sent).toEqual([
      { type: 'register', address: 'accord.push.results', headers: { authorization: 'Bearer token-1' } },
      { type: 'register', address: 'accord.push.stats', headers: { authorization: 'Bearer token-1' } },
    ]);

    bus.deliver('accord.push.results', {
      changes: [
        { txn_id: 'T1', status: 'MISMATCHED', previous_status: null, version: 1, discrepancy_types: ['AMOUNT'], sources_seen: [], sources_missing: [], updated_at: '2026-11-27T10:00:00Z' },
        { txn_id: 'T2', status: 'MATCHED', previous_status: null, version: 1, discrepancy_types: [], sources_seen: [], sources_missing: [], updated_at: '2026-11-27T10:00:00Z' },
      ],
    });
    expect(live.feed.get().map((i) => i.txn_id)).toEqual(['T1']);
    bus.deliver('accord.push.stats', { by_status: { MATCHED: 3, MISMATCHED: 1 }, by_discrepancy_type: {}, by_source: {}, open: 2, events_per_second: 4.5, rejected: 0, conflicts: 0, at: '2026-11-27T10:00:01Z' });
    expect(live.stats.get()?.open).toBe(2);
    expect(live.statsHistory.get()).toHaveLength(1);

    // the server restarts: the socket drops, the client reconnects by itself and registers again
    bus.drop();
    expect(live.link.get().state).toBe('reconnecting');
    bus.sent = [];
    bus.open();
    expect(live.link.get().state).toBe('live');
    expect(bus.sent.filter((s) => s.type === 'register').map((s) => s.address)).toEqual(['accord.push.results', 'accord.push.stats']);

    // a refreshed token: registered again with the new one
    bus.sent = [];
    auth.session.set({ ...auth.session.get()!, accessToken: 'token-2' });
    const registers = bus.sent.filter((s) => s.type === 'register');
    expect(registers.map((s) => s.headers.authorization)).toEqual(['Bearer token-2', 'Bearer token-2']);

    live.disconnectLive();
    expect(live.link.get().state).toBe('offline');
    expect(live.feed.get()).toEqual([]);
  });
});
