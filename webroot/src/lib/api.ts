// The Accord API client: bearer token on every call, one refresh-and-retry on 401, problem+json errors.
import { accessToken, refreshNow, signOutLocally } from './auth';
import { ApiError, jsonBody, problemOf } from './http';
import { auditQuery, resultsQuery, type AuditFilters, type ResultFilters } from './query';
import type {
  AuditPage,
  ChainStatus,
  Me,
  ResultPage,
  Rules,
  SimulatorStatus,
  Stats,
  TransactionDetail,
  User,
} from './types';

export interface RequestOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = accessToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(path, {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  });
}

/** Calls the API and returns the parsed JSON (null for an empty body); throws ApiError with the problem detail. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  let response = await send(path, options);
  if (response.status === 401 && accessToken()) {
    // the access token may have expired while the tab slept: refresh once and try again
    try {
      await refreshNow();
    } catch {
      signOutLocally('Your session has expired. Please sign in again.');
      throw new ApiError(401, 'Unauthorized', 'Your session has expired. Please sign in again.');
    }
    response = await send(path, options);
  }
  if (!response.ok) throw await problemOf(response);
  return jsonBody<T>(response);
}

const enc = encodeURIComponent;

export const Api = {
  me: () => api<Me>('/api/v1/me'),
  stats: () => api<Stats>('/api/v1/stats'),
  rules: () => api<Rules>('/api/v1/rules'),
  results: (filters: Partial<ResultFilters>, page: { limit?: number; cursor?: string | null } = {}, signal?: AbortSignal) => {
    const query = resultsQuery(filters, page);
    return api<ResultPage>(`/api/v1/results${query ? `?${query}` : ''}`, { signal });
  },
  transaction: (txnId: string) => api<TransactionDetail>(`/api/v1/transactions/${enc(txnId)}`),
  annotate: (txnId: string, text: string) =>
    api<unknown>(`/api/v1/transactions/${enc(txnId)}/annotations`, { method: 'POST', body: { text } }),
  resolve: (txnId: string, resolution: string, reason: string) =>
    api<unknown>(`/api/v1/transactions/${enc(txnId)}/resolution`, { method: 'POST', body: { resolution, reason } }),
  audit: (filters: Partial<AuditFilters>, page: { limit?: number; cursor?: string | null } = {}) => {
    const query = auditQuery(filters, page);
    return api<AuditPage>(`/api/v1/audit${query ? `?${query}` : ''}`);
  },
  verifyAudit: () => api<ChainStatus>('/api/v1/audit/verify'),
  simulator: () => api<SimulatorStatus>('/api/v1/simulator'),
  startSimulator: (scenario: string, rate: number, transactions: number) =>
    api<unknown>('/api/v1/simulator', { method: 'POST', body: { scenario, rate, transactions } }),
  stopSimulator: () => api<unknown>('/api/v1/simulator', { method: 'DELETE' }),
  users: () => api<{ items: User[] }>('/api/v1/users'),
  createUser: (username: string, password: string, roles: string[]) =>
    api<User>('/api/v1/users', { method: 'POST', body: { username, password, roles } }),
  updateUser: (username: string, change: { roles?: string[]; disabled?: boolean; password?: string }) =>
    api<User>(`/api/v1/users/${enc(username)}`, { method: 'PATCH', body: change }),
};
