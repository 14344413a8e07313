// Sign-in state: the auth configuration, tokens (memory + sessionStorage), refresh before expiry, OIDC PKCE redirect, logout.
import { ApiError, jsonBody, problemOf } from './http';
import { authorizeUrl, challengeOf, randomToken } from './pkce';
import { RefreshScheduler, type RefreshResult } from './refresh';
import { createStore } from './store';
import type { AuthConfig, Me, TokenResponse } from './types';

export interface Session {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  /** ms since epoch */
  expiresAt: number;
  lifetimeSeconds: number;
  roles: string[];
}

const SESSION_KEY = 'accord.session';
const PKCE_KEY = 'accord.pkce';

export const authConfig = createStore<AuthConfig | null>(null);
export const session = createStore<Session | null>(loadSession());
export const me = createStore<Me | null>(null);
/** A message for the sign-in page (why the user was signed out). */
export const authNotice = createStore<string>('');

function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function saveSession(next: Session | null): void {
  try {
    if (next) sessionStorage.setItem(SESSION_KEY, JSON.stringify(next));
    else sessionStorage.removeItem(SESSION_KEY);
  } catch {
    // storage unavailable (private mode): the session lives in memory only
  }
  session.set(next);
}

export function accessToken(): string | null {
  return session.get()?.accessToken ?? null;
}

export function roles(): string[] {
  return me.get()?.roles ?? session.get()?.roles ?? [];
}

export function hasAnyRole(...wanted: string[]): boolean {
  const mine = roles();
  return wanted.some((role) => mine.includes(role));
}

export async function loadAuthConfig(): Promise<AuthConfig> {
  const response = await fetch('/api/v1/auth/config', { headers: { Accept: 'application/json' } });
  if (!response.ok) throw await problemOf(response);
  const config = await jsonBody<AuthConfig>(response);
  authConfig.set(config);
  return config;
}

function tokenEndpoint(): string {
  return authConfig.get()?.token_endpoint || '/api/v1/auth/token';
}

/** Calls the token endpoint: JSON for the embedded issuer, form-encoded for an OpenID provider. */
async function tokenCall(params: Record<string, string>): Promise<TokenResponse> {
  const config = authConfig.get();
  const oidc = config?.mode === 'oidc';
  const body = oidc
    ? new URLSearchParams({ ...params, client_id: config!.client_id })
    : JSON.stringify(params);
  const response = await fetch(tokenEndpoint(), {
    method: 'POST',
    headers: {
      'Content-Type': oidc ? 'application/x-www-form-urlencoded' : 'application/json',
      Accept: 'application/json',
    },
    body,
  });
  if (!response.ok) throw await problemOf(response);
  return jsonBody<TokenResponse>(response);
}

function sessionFrom(tokens: TokenResponse, previous: Session | null): Session {
  const lifetimeSeconds = Math.max(1, tokens.expires_in || 300);
  return {
    accessToken: tokens.access_token,
    // refresh tokens rotate: always keep the newest one we were given
    refreshToken: tokens.refresh_token ?? previous?.refreshToken,
    idToken: tokens.id_token ?? previous?.idToken,
    expiresAt: Date.now() + lifetimeSeconds * 1000,
    lifetimeSeconds,
    roles: tokens.roles ?? previous?.roles ?? [],
  };
}

let inFlightRefresh: Promise<RefreshResult> | null = null;

/** Exchanges the refresh token for new tokens; concurrent callers share one call (the token is single-use). */
export function refreshNow(): Promise<RefreshResult> {
  if (inFlightRefresh) return inFlightRefresh;
  inFlightRefresh = (async () => {
    const current = session.get();
    if (!current?.refreshToken) throw new ApiError(401, 'Unauthorized', 'Your session has expired. Please sign in again.');
    const tokens = await tokenCall({ grant_type: 'refresh_token', refresh_token: current.refreshToken });
    const next = sessionFrom(tokens, current);
    saveSession(next);
    return { expiresAt: next.expiresAt, lifetimeSeconds: next.lifetimeSeconds };
  })().finally(() => {
    inFlightRefresh = null;
  });
  return inFlightRefresh;
}

const scheduler = new RefreshScheduler(refreshNow, () => signOutLocally('Your session has expired. Please sign in again.'));

function startSession(next: Session): void {
  saveSession(next);
  scheduler.schedule(next.expiresAt, next.lifetimeSeconds);
}

/** Loads the caller's name and roles; the roles drive the navigation. */
export async function loadMe(): Promise<Me> {
  const token = accessToken();
  const response = await fetch('/api/v1/me', { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
  if (!response.ok) throw await problemOf(response);
  const who = await jsonBody<Me>(response);
  me.set(who);
  return who;
}

export async function loginWithPassword(username: string, password: string): Promise<void> {
  const tokens = await tokenCall({ grant_type: 'password', username, password });
  startSession(sessionFrom(tokens, null));
  authNotice.set('');
  await loadMe();
}

/** Sends the browser to the OpenID provider (authorization code + PKCE S256). */
export async function startOidcLogin(): Promise<void> {
  const config = authConfig.get();
  if (!config?.authorization_endpoint) throw new Error('The identity provider has no authorization endpoint.');
  const verifier = randomToken(48);
  const state = randomToken(16);
  const redirectUri = `${location.origin}/`;
  const challenge = await challengeOf(verifier);
  sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier, state, redirectUri, returnTo: location.hash }));
  location.assign(
    authorizeUrl(config.authorization_endpoint, { clientId: config.client_id, redirectUri, state, challenge, scope: 'openid profile' }),
  );
}

/**
 * Finishes an OIDC sign-in when the page is the provider's redirect (`?code=…&state=…`):
 * checks the state, exchanges the code with the verifier, and cleans the address bar.
 * Returns true when a redirect was handled.
 */
export async function completeOidcRedirect(): Promise<boolean> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return false;
  const stored = JSON.parse(sessionStorage.getItem(PKCE_KEY) ?? 'null') as
    | { verifier: string; state: string; redirectUri: string; returnTo: string }
    | null;
  sessionStorage.removeItem(PKCE_KEY);
  history.replaceState(null, '', `${location.pathname}${stored?.returnTo || '#/'}`);
  if (error) throw new Error(params.get('error_description') || `Sign-in refused: ${error}`);
  if (!stored || stored.state !== params.get('state')) throw new Error('Sign-in answer does not match the request (state). Please try again.');
  const tokens = await tokenCall({
    grant_type: 'authorization_code',
    code: code!,
    redirect_uri: stored.redirectUri,
    code_verifier: stored.verifier,
  });
  startSession(sessionFrom(tokens, null));
  authNotice.set('');
  await loadMe();
  return true;
}

/** Restores a session kept in sessionStorage (page reload): refreshes it if needed and reloads the roles. */
export async function resumeSession(): Promise<boolean> {
  const current = session.get();
  if (!current) return false;
  try {
    if (current.expiresAt - Date.now() < 5000) {
      await refreshNow();
    }
    const now = session.get()!;
    scheduler.schedule(now.expiresAt, now.lifetimeSeconds);
    await loadMe();
    return true;
  } catch {
    signOutLocally('Your session has expired. Please sign in again.');
    return false;
  }
}

/** Forgets the tokens in this tab. */
export function signOutLocally(notice = ''): void {
  scheduler.cancel();
  saveSession(null);
  me.set(null);
  authNotice.set(notice);
}

/** Logs out: clears the tokens and, with an OpenID provider, ends the provider's session too. */
export function logout(): void {
  const config = authConfig.get();
  const idToken = session.get()?.idToken;
  signOutLocally('');
  location.hash = '#/';
  if (config?.mode === 'oidc' && config.end_session_endpoint) {
    const url = new URL(config.end_session_endpoint);
    url.searchParams.set('client_id', config.client_id);
    url.searchParams.set('post_logout_redirect_uri', `${location.origin}/`);
    if (idToken) url.searchParams.set('id_token_hint', idToken);
    location.assign(url.toString());
  }
}
