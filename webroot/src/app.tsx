// The application shell: start-up (auth config, OIDC redirect, session resume), sign-in gate, header, role-aware navigation and routes.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Forbidden, Loading, ProblemMessage } from './components/ui';
import { Api } from './lib/api';
import {
  authConfig,
  completeOidcRedirect,
  loadAuthConfig,
  logout,
  me,
  resumeSession,
  session,
} from './lib/auth';
import { applyStats, connectLive, disconnectLive, link, type LinkState } from './lib/live';
import { useRoute } from './lib/router';
import { useStore } from './lib/store';
import { AdminPage } from './pages/Admin';
import { AnalyticsPage } from './pages/Analytics';
import { AuditPage } from './pages/Audit';
import { LoginPage } from './pages/Login';
import { OverviewPage } from './pages/Overview';
import { ResultsPage } from './pages/Results';
import { TransactionPage } from './pages/Transaction';

interface NavItem {
  path: string;
  label: string;
  roles: string[];
}

const VIEWER_ROLES = ['admin', 'operator', 'auditor'];

export const NAV: NavItem[] = [
  { path: 'overview', label: 'Overview', roles: VIEWER_ROLES },
  { path: 'results', label: 'Results', roles: VIEWER_ROLES },
  { path: 'analytics', label: 'Analytics', roles: VIEWER_ROLES },
  { path: 'audit', label: 'Audit log', roles: ['admin', 'auditor'] },
  { path: 'admin', label: 'Admin', roles: ['admin'] },
];

export function visibleNav(roles: string[]): NavItem[] {
  return NAV.filter((item) => item.roles.some((role) => roles.includes(role)));
}

export function App() {
  const [booting, setBooting] = useState(true);
  const [bootError, setBootError] = useState<unknown>(null);
  const current = useStore(session);
  const who = useStore(me);

  const boot = async () => {
    setBooting(true);
    setBootError(null);
    try {
      await loadAuthConfig();
      const redirected = await completeOidcRedirect().catch((error) => {
        setBootError(error);
        return false;
      });
      if (!redirected && session.get()) await resumeSession();
    } catch (error) {
      setBootError(error);
    } finally {
      setBooting(false);
    }
  };

  useEffect(() => {
    boot();
  }, []);

  const signedIn = !!current && !!who;
  const viewer = signedIn && VIEWER_ROLES.some((role) => who!.roles?.includes(role));

  // the live connection lives as long as the session (of a role that may see it)
  useEffect(() => {
    if (!viewer) return;
    connectLive();
    Api.stats().then(applyStats).catch(() => {
      // the first pushed digest fills the overview a second later
    });
    return () => disconnectLive();
  }, [viewer]);

  if (booting) {
    return (
      <div class="center-page">
        <Loading label="Starting Accord…" />
      </div>
    );
  }
  if (!authConfig.get()) {
    return (
      <div class="center-page">
        <div class="login-card">
          <h1>Accord</h1>
          <ProblemMessage error={bootError ?? 'The sign-in configuration could not be loaded.'} />
          <button class="btn btn-primary" type="button" onClick={boot}>
            Try again
          </button>
        </div>
      </div>
    );
  }
  if (!signedIn) return <LoginPage error={bootError} />;
  return <Shell />;
}

function ConnectionIndicator() {
  const current = useStore(link);
  const labels: Record<LinkState, string> = {
    live: 'Live',
    connecting: 'Connecting…',
    reconnecting: 'Reconnecting…',
    denied: 'Live feed refused',
    offline: 'Offline',
  };
  return (
    <div class={`link link-${current.state}`} role="status" aria-live="polite" data-testid="connection-status" title={current.detail}>
      <span class="link-dot" aria-hidden="true" />
      {labels[current.state]}
    </div>
  );
}

function Shell() {
  const route = useRoute();
  const who = useStore(me)!;
  const roles = who.roles ?? [];
  const items = visibleNav(roles);
  const main = useRef<HTMLElement>(null);
  const section = route.segments[0] ?? 'overview';
  const [menuOpen, setMenuOpen] = useState(false);

  // move focus to the page on navigation, so keyboard and screen-reader users land on the new content
  const first = useRef(true);
  useEffect(() => {
    setMenuOpen(false);
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus({ preventScroll: false });
    window.scrollTo(0, 0);
  }, [section, route.segments[1]]);

  const active = section === 'transactions' ? 'results' : section;

  return (
    <div class="shell">
      <a class="skip-link" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <header class="topbar">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">
            ⇄
          </span>
          <span class="brand-name">Accord</span>
          <span class="brand-sub">Reconciliation operations</span>
        </div>
        <button
          type="button"
          class="btn menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="primary-nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <nav id="primary-nav" class={`nav ${menuOpen ? 'open' : ''}`} aria-label="Main">
          {items.map((item) => (
            <a
              key={item.path}
              href={`#/${item.path}`}
              class="nav-link"
              aria-current={active === item.path ? 'page' : undefined}
              data-testid={`nav-${item.path}`}
            >
              {item.label}
            </a>
          ))}
        </nav>
        <div class="topbar-right">
          <ConnectionIndicator />
          <div class="whoami" data-testid="whoami">
            <span class="whoami-name">{who.name}</span>
            <span class="whoami-roles">{roles.join(', ') || 'no role'}</span>
          </div>
          <button type="button" class="btn btn-quiet" onClick={logout} data-testid="logout">
            Log out
          </button>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} class="main">
        <Page section={section} roles={roles} />
      </main>
    </div>
  );
}

function Page({ section, roles }: { section: string; roles: string[] }) {
  const route = useRoute();
  const can = (...wanted: string[]) => wanted.some((r) => roles.includes(r));
  if (!can(...VIEWER_ROLES)) {
    return <Forbidden what="the dashboard (it needs the admin, operator or auditor role)" />;
  }
  switch (section) {
    case 'overview':
      return <OverviewPage />;
    case 'results':
      return <ResultsPage />;
    case 'transactions':
      return route.segments[1] ? <TransactionPage txnId={route.segments[1]} /> : <ResultsPage />;
    case 'analytics':
      return <AnalyticsPage />;
    case 'audit':
      return can('admin', 'auditor') ? <AuditPage /> : <Forbidden what="the audit log" />;
    case 'admin':
      return can('admin') ? <AdminPage /> : <Forbidden what="administration" />;
    default:
      return (
        <div class="panel">
          <div class="panel-body">
            <h1>Page not found</h1>
            <p>
              <a href="#/overview">Back to the overview</a>
            </p>
          </div>
        </div>
      );
  }
}
