// Display formatting: instants, relative ages, counts, rates and exact decimal amounts.

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export function formatInstant(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

export function formatTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : timeOnly.format(date);
}

/** "12 s ago", "3 min ago", "2 h ago" */
export function formatAge(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined || Number.isNaN(n) ? '—' : integer.format(n);
}

export function formatRate(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return n >= 100 ? integer.format(n) : n.toFixed(1);
}

export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(digits)} %`;
}

/**
 * An exact decimal string with thousands separators, digits untouched (never through a float):
 * "-1234567.50" → "-1,234,567.50".
 */
export function formatAmount(amount: string | null | undefined, currency?: string | null): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(amount);
  const text = match ? `${match[1]}${match[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${match[3] ?? ''}` : amount;
  return currency ? `${text} ${currency}` : text;
}

/** Match rate: MATCHED over every settled result (MATCHED + MISMATCHED + MISSING). */
export function matchRate(byStatus: Record<string, number> | null | undefined): number | null {
  if (!byStatus) return null;
  const matched = byStatus.MATCHED ?? 0;
  const settled = matched + (byStatus.MISMATCHED ?? 0) + (byStatus.MISSING ?? 0);
  return settled === 0 ? null : matched / settled;
}

/** "PT30S" → "30 s", "PT5M" → "5 min" (falls back to the ISO text). */
export function formatDuration(iso: string | null | undefined): string {
  if (!iso) return '—';
  const match = /^(-?)PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(iso);
  if (!match) return iso;
  const parts = [match[2] && `${match[2]} h`, match[3] && `${match[3]} min`, match[4] && `${match[4]} s`].filter(Boolean);
  return `${match[1]}${parts.join(' ') || '0 s'}`;
}

/** One line for an audit row's details: a verdict change (from → to, version, types) or an API call (method, path, status, client). */
export function summariseDetails(details: Record<string, unknown>): string {
  if (!details) return '';
  if ('from' in details || 'to' in details) {
    const list = Array.isArray(details.discrepancy_types) ? (details.discrepancy_types as string[]) : [];
    const types = list.length ? ` [${list.join(', ')}]` : '';
    return `${details.from ?? 'new'} → ${details.to} v${details.version ?? '?'}${types}`;
  }
  const parts: string[] = [];
  if (details.method || details.path) parts.push(`${details.method ?? ''} ${details.path ?? ''}`.trim());
  if (details.status !== undefined) parts.push(`HTTP ${details.status}`);
  if (details.client) parts.push(`from ${details.client}`);
  if (parts.length) return parts.join(' · ');
  return JSON.stringify(details);
}
