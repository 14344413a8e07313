// Token refresh scheduling: refresh ahead of expiry, reschedule with the new lifetime, retry, give up at expiry.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { refreshDelayMs, refreshLeadMs, RefreshScheduler } from '../src/lib/refresh';

describe('refreshLeadMs / refreshDelayMs', () => {
  it('refreshes a fifth of the lifetime early, between 5 s and 60 s', () => {
    expect(refreshLeadMs(300)).toBe(60_000);
    expect(refreshLeadMs(3600)).toBe(60_000);
    expect(refreshLeadMs(60)).toBe(12_000);
    expect(refreshLeadMs(10)).toBe(5_000);
  });

  it('counts from now and never goes negative', () => {
    const now = 1_000_000;
    expect(refreshDelayMs(now + 300_000, 300, now)).toBe(240_000);
    expect(refreshDelayMs(now + 3_000, 300, now)).toBe(0);
  });
});

describe('RefreshScheduler', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('refreshes before expiry and schedules the next refresh from the new token', async () => {
    let calls = 0;
    const refresh = vi.fn(async () => {
      calls++;
      return { expiresAt: Date.now() + 300_000, lifetimeSeconds: 300 };
    });
    const expired = vi.fn();
    const scheduler = new RefreshScheduler(refresh, expired);
    scheduler.schedule(300_000, 300);

    await vi.advanceTimersByTimeAsync(239_999);
    expect(calls).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toBe(1); // at 240 s, a minute before expiry
    await vi.advanceTimersByTimeAsync(240_000);
    expect(calls).toBe(2); // the next one from the new token's expiry
    expect(expired).not.toHaveBeenCalled();
    scheduler.cancel();
    expect(scheduler.pending).toBe(false);
  });

  it('retries a failed refresh while the token is still valid, then reports expiry', async () => {
    const refresh = vi.fn(async () => {
      throw new Error('network down');
    });
    const expired = vi.fn();
    const scheduler = new RefreshScheduler(refresh, expired, 5_000);
    scheduler.schedule(60_000, 60); // lead 12 s: first try at 48 s

    await vi.advanceTimersByTimeAsync(48_000);
    expect(refresh).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(refresh).toHaveBeenCalledTimes(2); // 53 s
    await vi.advanceTimersByTimeAsync(5_000);
    expect(refresh).toHaveBeenCalledTimes(3); // 58 s: 2 s left, no more retries
    expect(expired).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(refresh).toHaveBeenCalledTimes(3);
  });

  it('replaces a pending schedule instead of running twice', async () => {
    const refresh = vi.fn(async () => ({ expiresAt: Date.now() + 1_000_000, lifetimeSeconds: 1000 }));
    const scheduler = new RefreshScheduler(refresh, vi.fn());
    scheduler.schedule(100_000, 300);
    scheduler.schedule(200_000, 300);
    await vi.advanceTimersByTimeAsync(100_000);
    expect(refresh).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(40_000);
    expect(refresh).toHaveBeenCalledTimes(1);
    scheduler.cancel();
  });
});
