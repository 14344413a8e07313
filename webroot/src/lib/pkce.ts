// OAuth 2.0 authorization code with PKCE (RFC 7636, S256): verifier, challenge, state and the authorize URL.

export function base64Url(bytes: Uint8Array): string {
  let binary = '';
  bytes.forEach((b) => (binary += String.fromCharCode(b)));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A random URL-safe string from `bytes` random bytes (43+ characters for 32 bytes). */
export function randomToken(bytes = 32): string {
  const buffer = new Uint8Array(bytes);
  crypto.getRandomValues(buffer);
  return base64Url(buffer);
}

/** BASE64URL(SHA-256(verifier)); needs WebCrypto (a secure context: HTTPS or localhost). */
export async function challengeOf(verifier: string): Promise<string> {
  if (!globalThis.crypto?.subtle) {
    throw new Error('Single sign-on needs a secure context (HTTPS or localhost) for PKCE.');
  }
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

export function authorizeUrl(
  endpoint: string,
  params: { clientId: string; redirectUri: string; state: string; challenge: string; scope?: string },
): string {
  const url = new URL(endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', params.clientId);
  url.searchParams.set('redirect_uri', params.redirectUri);
  url.searchParams.set('scope', params.scope ?? 'openid');
  url.searchParams.set('state', params.state);
  url.searchParams.set('code_challenge', params.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}
