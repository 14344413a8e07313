// When to refresh an access token, and a scheduler that does it before expiry (retrying while time remains).

/** Milliseconds before expiry at which to refresh: a fifth of the lifetime, between 5 s and 60 s. */
export function refreshLeadMs(lifetimeSeconds: number): number {
  return Math.min(60, Math.max(5, lifetimeSeconds * 0.2)) * 1000;
}

/** Delay from `now` until the refresh of a token that expires at `expiresAt` with the given lifetime; never negative. */
export function refreshDelayMs(expiresAt: number, lifetimeSeconds: number, now = Date.now()): number {
  return Math.max(0, expiresAt - refreshLeadMs(lifetimeSeconds) - now);
}

export interface RefreshResult {
  expiresAt: number;
  lifetimeSeconds: number;
}

/**
 * Runs `refresh` ahead of every expiry. A failed refresh is retried after `retryMs` as long as the
 * token has not expired; after that `onExpired` is called once.
 */
export class RefreshScheduler {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly refresh: () => Promise<RefreshResult>,
    private readonly onExpired: (error: unknown) => void,
    private readonly retryMs = 5000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  schedule(expiresAt: number, lifetimeSeconds: number): void {
    this.cancel();
    this.timer = setTimeout(() => this.run(expiresAt), refreshDelayMs(expiresAt, lifetimeSeconds, this.now()));
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  get pending(): boolean {
    return this.timer !== null;
  }

  private async run(expiresAt: number): Promise<void> {
    this.timer = null;
    try {
      const next = await this.refresh();
      this.schedule(next.expiresAt, next.lifetimeSeconds);
    } catch (error) {
      const left = expiresAt - this.now();
      if (left > this.retryMs) {
        this.timer = setTimeout(() => this.run(expiresAt), this.retryMs);
      } else {
        this.onExpired(error);
      }
    }
  }
}
