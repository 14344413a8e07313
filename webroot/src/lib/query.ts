// Builds the query strings of GET /api/v1/results and /api/v1/audit from filter objects (multi-valued filters repeat the parameter).

export interface ResultFilters {
  status: string[];
  discrepancyType: string[];
  source: string;
  /** RFC 3339 instants (first seen at or after / before). */
  from: string;
  to: string;
  minAmount: string;
  maxAmount: string;
}

export const EMPTY_RESULT_FILTERS: ResultFilters = {
  status: [],
  discrepancyType: [],
  source: '',
  from: '',
  to: '',
  minAmount: '',
  maxAmount: '',
};

/** Pairs in a stable order; empty values are left out, arrays become one pair per value. */
export function resultParams(filters: Partial<ResultFilters>, page: { limit?: number; cursor?: string | null } = {}): URLSearchParams {
  const params = new URLSearchParams();
  for (const status of filters.status ?? []) params.append('status', status);
  for (const type of filters.discrepancyType ?? []) params.append('discrepancyType', type);
  const single: (keyof ResultFilters)[] = ['source', 'from', 'to', 'minAmount', 'maxAmount'];
  for (const key of single) {
    const value = (filters[key] as string | undefined)?.trim();
    if (value) params.append(key, value);
  }
  if (page.limit) params.append('limit', String(page.limit));
  if (page.cursor) params.append('cursor', page.cursor);
  return params;
}

/** `status=A&status=B&source=core&limit=100`, or '' when nothing is set. */
export function resultsQuery(filters: Partial<ResultFilters>, page: { limit?: number; cursor?: string | null } = {}): string {
  return resultParams(filters, page).toString();
}

/** The filters encoded in a query string (the inverse of resultsQuery, paging left out). */
export function parseResultFilters(query: string | URLSearchParams): ResultFilters {
  const params = typeof query === 'string' ? new URLSearchParams(query) : query;
  return {
    status: params.getAll('status'),
    discrepancyType: params.getAll('discrepancyType'),
    source: params.get('source') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    minAmount: params.get('minAmount') ?? '',
    maxAmount: params.get('maxAmount') ?? '',
  };
}

export interface AuditFilters {
  actor: string;
  action: string;
  outcome: string;
  from: string;
  to: string;
  resourceType?: string;
  resourceId?: string;
}

export const EMPTY_AUDIT_FILTERS: AuditFilters = { actor: '', action: '', outcome: '', from: '', to: '' };

export function auditQuery(filters: Partial<AuditFilters>, page: { limit?: number; cursor?: string | null } = {}): string {
  const params = new URLSearchParams();
  const keys: (keyof AuditFilters)[] = ['actor', 'action', 'resourceType', 'resourceId', 'outcome', 'from', 'to'];
  for (const key of keys) {
    const value = filters[key]?.trim();
    if (value) params.append(key, value);
  }
  if (page.limit) params.append('limit', String(page.limit));
  if (page.cursor) params.append('cursor', page.cursor);
  return params.toString();
}

/** A `datetime-local` input value (local wall time) as an RFC 3339 instant; '' stays ''. */
export function localInputToInstant(value: string): string {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** An RFC 3339 instant as a `datetime-local` input value in local wall time. */
export function instantToLocalInput(value: string): string {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** An exact decimal compared without floats: -1, 0 or 1; null when either is not a plain decimal. */
function compareDecimal(a: string, b: string): number | null {
  const parse = (v: string) => {
    const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(v.trim());
    return m ? BigInt(`${m[1]}${m[2]}${(m[3] ?? '').padEnd(20, '0').slice(0, 20)}`) : null;
  };
  const x = parse(a);
  const y = parse(b);
  if (x === null || y === null) return null;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Whether a pushed change would now appear under these filters (as far as a change tells:
 * status, discrepancy types, source, reference amount; a `to` in the past excludes new results).
 */
export function changeMatches(
  change: { status: string; discrepancy_types: string[]; sources_seen: string[]; amount?: string | null; updated_at: string },
  filters: ResultFilters,
): boolean {
  if (filters.status.length && !filters.status.includes(change.status)) return false;
  if (filters.discrepancyType.length && !change.discrepancy_types.some((t) => filters.discrepancyType.includes(t))) return false;
  if (filters.source && !change.sources_seen.includes(filters.source)) return false;
  if (filters.minAmount || filters.maxAmount) {
    if (!change.amount) return false;
    if (filters.minAmount && (compareDecimal(change.amount, filters.minAmount) ?? 0) < 0) return false;
    if (filters.maxAmount && (compareDecimal(change.amount, filters.maxAmount) ?? 0) > 0) return false;
  }
  if (filters.to && Date.parse(filters.to) <= Date.parse(change.updated_at)) return false;
  return true;
}
