// Hash routing: the current route (path segments + query) as a store, and helpers to build links.
import { createStore, useStore } from './store';

export interface Route {
  /** e.g. ['transactions', 'T1'] for #/transactions/T1 */
  segments: string[];
  query: URLSearchParams;
  raw: string;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [path, query = ''] = raw.split('?', 2);
  const segments = path.split('/').filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return { segments, query: new URLSearchParams(query), raw };
}

const routeStore = createStore<Route>(parseHash(typeof location === 'undefined' ? '' : location.hash));

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => routeStore.set(parseHash(location.hash)));
}

export function useRoute(): Route {
  return useStore(routeStore);
}

/** `#/transactions/<id>` with the id encoded. */
export function transactionHref(txnId: string): string {
  return `#/transactions/${encodeURIComponent(txnId)}`;
}

export function navigate(hash: string): void {
  if (location.hash !== hash) location.hash = hash;
}

/** Replaces the query part of the current hash without adding a history entry per keystroke. */
export function replaceQuery(path: string, query: string): void {
  const next = `#${path}${query ? `?${query}` : ''}`;
  if (location.hash !== next) {
    history.replaceState(null, '', next);
    routeStore.set(parseHash(next));
  }
}
