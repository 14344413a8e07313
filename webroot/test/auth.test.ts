// Token handling: sign-in keeps tokens in sessionStorage (never localStorage), refresh rotates to the newest refresh token, one refresh at a time.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

describe('auth', () => {
  beforeEach(() => {
    vi.resetModules();
    sessionStorage.clear();
    localStorage.clear();
  });
  afterEach(() => vi.unstubAllGlobals());

  it('signs in, refreshes with the newest refresh token, and shares one refresh between callers', async () => {
    let issued = 0;
    const calls: { url: string; body: any }[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        const body = init?.body ? JSON.parse(String(init.body)) : null;
        calls.push({ url, body });
        if (url === '/api/v1/auth/config') {
          return jsonResponse({ mode: 'embedded', issuer: 'accord', token_endpoint: '/api/v1/auth/token', authorization_endpoint: null, end_session_endpoint: null, client_id: 'accord-dashboard' });
        }
        if (url === '/api/v1/auth/token') {
          issued++;
          return jsonResponse({ access_token: `access-${issued}`, expires_in: 300, refresh_token: `refresh-${issued}`, roles: ['operator'] });
        }
        if (url === '/api/v1/me') return jsonResponse({ name: 'operator', roles: ['operator'] });
        return jsonResponse({ title: 'Not Found', detail: 'no such thing' }, 404);
      }),
    );
    const auth = await import('../src/lib/auth');
    await auth.loadAuthConfig();
    await auth.loginWithPassword('operator', 'secret-password');
    expect(auth.accessToken()).toBe('access-1');
    expect(auth.me.get()?.roles).toEqual(['operator']);
    expect(JSON.parse(sessionStorage.getItem('accord.session')!).refreshToken).toBe('refresh-1');
    expect(localStorage.length).toBe(0);

    await Promise.all([auth.refreshNow(), auth.refreshNow()]);
    const refreshes = calls.filter((c) => c.body?.grant_type === 'refresh_token');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0].body.refresh_token).toBe('refresh-1');
    expect(auth.accessToken()).toBe('access-2');

    await auth.refreshNow();
    expect(calls.filter((c) => c.body?.grant_type === 'refresh_token')[1].body.refresh_token).toBe('refresh-2');
    expect(JSON.parse(sessionStorage.getItem('accord.session')!).refreshToken).toBe('refresh-3');

    auth.signOutLocally();
    expect(sessionStorage.getItem('accord.session')).toBeNull();
    expect(auth.accessToken()).toBeNull();
  });

  it('shows the problem detail of a refused sign-in', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        new Response(JSON.stringify({ title: 'Unauthorized', status: 401, detail: 'sign-in failed' }), {
          status: 401,
          headers: { 'Content-Type': 'application/problem+json' },
        }),
      ),
    );
    const auth = await import('../src/lib/auth');
    await expect(auth.loginWithPassword('x', 'y')).rejects.toThrow('sign-in failed');
  });
});
