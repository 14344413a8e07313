// OpenID Connect sign-in: PKCE S256 challenge (RFC 7636 vector), the authorize URL, and the code exchange on return (state checked, form-encoded).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { authorizeUrl, challengeOf } from '../src/lib/pkce';

describe('PKCE', () => {
  it('derives the S256 challenge of RFC 7636 appendix B', async () => {
    expect(await challengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('builds the authorization request', () => {
    const url = new URL(authorizeUrl('https://kc.example/realms/accord/protocol/openid-connect/auth', { clientId: 'accord-dashboard', redirectUri: 'http://localhost:8080/', state: 's1', challenge: 'c1' }));
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'accord-dashboard',
      redirect_uri: 'http://localhost:8080/',
      scope: 'openid',
      state: 's1',
      code_challenge: 'c1',
      code_challenge_method: 'S256',
    });
  });
});

describe('OIDC redirect', () => {
  const config = {
    mode: 'oidc',
    issuer: 'https://kc.example/realms/accord',
    token_endpoint: 'https://kc.example/realms/accord/protocol/openid-connect/token',
    authorization_endpoint: 'https://kc.example/realms/accord/protocol/openid-connect/auth',
    end_session_endpoint: 'https://kc.example/realms/accord/protocol/openid-connect/logout',
    client_id: 'accord-dashboard',
  };
  let bodies: { url: string; contentType: string; body: string }[];

  beforeEach(() => {
    vi.resetModules();
    sessionStorage.clear();
    bodies = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string, init?: RequestInit) => {
        bodies.push({ url, contentType: String((init?.headers as Record<string, string>)?.['Content-Type'] ?? ''), body: String(init?.body ?? '') });
        if (url === '/api/v1/auth/config') return new Response(JSON.stringify(config));
        if (url === config.token_endpoint) return new Response(JSON.stringify({ access_token: 'kc-access', expires_in: 300, refresh_token: 'kc-refresh', id_token: 'kc-id' }));
        if (url === '/api/v1/me') return new Response(JSON.stringify({ name: 'alice', roles: ['auditor'] }));
        return new Response('{}', { status: 404 });
      }),
    );
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    history.replaceState(null, '', '/');
  });

  it('exchanges the code with the verifier, form-encoded, and cleans the address', async () => {
    sessionStorage.setItem('accord.pkce', JSON.stringify({ verifier: 'v-123', state: 'st-1', redirectUri: 'http://localhost:3000/', returnTo: '#/audit' }));
    history.replaceState(null, '', '/?code=abc&state=st-1');
    const auth = await import('../src/lib/auth');
    await auth.loadAuthConfig();
    expect(await auth.completeOidcRedirect()).toBe(true);
    const exchange = bodies.find((b) => b.url === config.token_endpoint)!;
    expect(exchange.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(exchange.body))).toEqual({
      grant_type: 'authorization_code',
      code: 'abc',
      redirect_uri: 'http://localhost:3000/',
      code_verifier: 'v-123',
      client_id: 'accord-dashboard',
    });
    expect(auth.accessToken()).toBe('kc-access');
    expect(auth.me.get()).toEqual({ name: 'alice', roles: ['auditor'] });
    expect(location.search).toBe('');
    expect(location.hash).toBe('#/audit');
    expect(sessionStorage.getItem('accord.pkce')).toBeNull();
  });

  it('refuses an answer whose state does not match', async () => {
    sessionStorage.setItem('accord.pkce', JSON.stringify({ verifier: 'v', state: 'expected', redirectUri: 'http://localhost:3000/', returnTo: '' }));
    history.replaceState(null, '', '/?code=abc&state=forged');
    const auth = await import('../src/lib/auth');
    await auth.loadAuthConfig();
    await expect(auth.completeOidcRedirect()).rejects.toThrow(/state/);
    expect(bodies.some((b) => b.url === config.token_endpoint)).toBe(false);
    expect(auth.accessToken()).toBeNull();
  });
});
