// Sign-in page: a username/password form for the embedded issuer, or single sign-on (OIDC + PKCE).
import { useState } from 'preact/hooks';
import { ProblemMessage, Notice } from '../components/ui';
import { authConfig, authNotice, loginWithPassword, startOidcLogin } from '../lib/auth';
import { useStore } from '../lib/store';

export function LoginPage({ error: bootError }: { error?: unknown }) {
  const config = useStore(authConfig);
  const notice = useStore(authNotice);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(bootError ?? null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await loginWithPassword(username.trim(), password);
      setPassword('');
      if (!location.hash || location.hash === '#/' || location.hash === '#') location.hash = '#/overview';
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const sso = async () => {
    setBusy(true);
    setError(null);
    try {
      await startOidcLogin();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <div class="center-page">
      <main class="login-card" aria-labelledby="login-title">
        <div class="brand login-brand">
          <span class="brand-mark" aria-hidden="true">
            ⇄
          </span>
          <span class="brand-name">Accord</span>
        </div>
        <h1 id="login-title">Sign in</h1>
        <p class="muted">Reconciliation operations dashboard</p>
        {notice && <Notice kind="warning">{notice}</Notice>}
        <ProblemMessage error={error} />
        {config?.mode === 'oidc' ? (
          <button type="button" class="btn btn-primary btn-block" onClick={sso} disabled={busy} data-testid="sso-login">
            {busy ? 'Redirecting…' : 'Sign in with single sign-on'}
          </button>
        ) : (
          <form onSubmit={submit} class="form" data-testid="login-form">
            <div class="field">
              <label for="login-username">Username</label>
              <input
                id="login-username"
                name="username"
                autoComplete="username"
                required
                value={username}
                onInput={(e) => setUsername((e.currentTarget as HTMLInputElement).value)}
              />
            </div>
            <div class="field">
              <label for="login-password">Password</label>
              <input
                id="login-password"
                name="password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)}
              />
            </div>
            <button type="submit" class="btn btn-primary btn-block" disabled={busy} data-testid="login-submit">
              {busy ? 'Signing in…' : 'Sign in'}
            </button>
          </form>
        )}
      </main>
    </div>
  );
}
