// Side-by-side comparison of the sources' events: which fields differ from the first source's event.
import type { StoredEvent, TransactionEvent } from './types';

/** The rows of the side-by-side table, in display order. */
export const EVENT_FIELDS = [
  'event_id',
  'amount',
  'currency',
  'status',
  'account',
  'timestamp',
  'channel',
  'counterparty',
  'reference',
] as const;

/** Fields that identify an event rather than describe the payment: never flagged as different. */
const IDENTITY_FIELDS = new Set(['event_id', 'source', 'txn_id']);

/** The fields Accord compares; differences elsewhere are shown but never make a break. */
export const COMPARED_FIELDS = new Set(['amount', 'currency', 'status', 'account', 'timestamp']);

export interface DiffOptions {
  /** Per source, its status words → canonical status (the rules' status_vocabularies). */
  statusVocabularies?: Record<string, Record<string, string>>;
  /** The rules' tolerances: ISO-8601 duration and decimal strings. */
  timestampSkew?: string;
  amountToleranceAbsolute?: string;
  amountToleranceRelative?: string;
}

/**
 * How a field differs from the reference: `beyond` a compared field outside tolerance (what makes
 * a break), `tolerated` a compared field within tolerance, `informational` a field Accord does not compare.
 */
export type DiffKind = 'beyond' | 'tolerated' | 'informational';

export interface SourceColumn {
  source: string;
  events: StoredEvent[];
}

/** The canonical status of a source's word when the rules know it, else the word itself. */
export function canonicalStatus(source: string, word: string | undefined, options: DiffOptions = {}): string | undefined {
  if (word === undefined) return undefined;
  const vocabulary = options.statusVocabularies?.[source];
  if (!vocabulary) return word;
  return vocabulary[word] ?? vocabulary[word.toUpperCase()] ?? word;
}

const SCALE = 18;

/** An exact decimal string as a BigInt scaled by 10^18; null when it is not a plain decimal. */
export function scaledDecimal(value: string): bigint | null {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) return null;
  const fraction = (match[3] ?? '').slice(0, SCALE).padEnd(SCALE, '0');
  const magnitude = BigInt(match[2] + fraction);
  return match[1] ? -magnitude : magnitude;
}

const abs = (n: bigint) => (n < 0n ? -n : n);

/** Whether two amounts agree within the absolute or relative tolerance, computed exactly. */
export function amountsWithinTolerance(reference: string, other: string, absolute = '0', relative = '0'): boolean {
  const a = scaledDecimal(reference);
  const b = scaledDecimal(other);
  const tolAbs = scaledDecimal(absolute) ?? 0n;
  const tolRel = scaledDecimal(relative) ?? 0n;
  if (a === null || b === null) return reference === other;
  const difference = abs(b - a);
  if (difference <= tolAbs) return true;
  // difference <= relative * |a|, both sides scaled by 10^18
  return difference * 10n ** BigInt(SCALE) <= tolRel * abs(a);
}

/** An RFC 3339 instant as whole epoch seconds and nanoseconds, exact; null when unreadable. */
export function parseInstant(value: string): { seconds: number; nanos: number } | null {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/i.exec(value.trim());
  if (!match) return null;
  const ms = Date.parse(`${match[1]}${match[3].toUpperCase()}`);
  if (Number.isNaN(ms)) return null;
  return { seconds: Math.floor(ms / 1000), nanos: Number((match[2] ?? '').slice(0, 9).padEnd(9, '0')) };
}

/** An ISO-8601 duration (PT5M, PT0.5S, P1DT2H) in milliseconds; null when unreadable. */
export function durationMs(iso: string | undefined): number | null {
  if (!iso) return null;
  const match = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso);
  if (!match) return null;
  const [d, h, m, sec] = match.slice(1).map((v) => Number(v ?? 0));
  return (((d * 24 + h) * 60 + m) * 60 + sec) * 1000;
}

function decimalEquals(a: string, b: string): boolean {
  const normalise = (v: string) => {
    const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(v.trim());
    if (!match) return v.trim();
    const integer = match[2].replace(/^0+(?=\d)/, '');
    const fraction = (match[3] ?? '').replace(/0+$/, '');
    const zero = /^0*$/.test(integer + fraction);
    return `${zero ? '' : match[1]}${integer}${fraction ? '.' + fraction : ''}`;
  };
  return normalise(a) === normalise(b);
}

/** Whether one field of two events means the same thing (exact decimals, instants, canonical statuses). */
export function sameValue(
  field: string,
  a: TransactionEvent,
  b: TransactionEvent,
  options: DiffOptions = {},
): boolean {
  const va = a[field];
  const vb = b[field];
  if (va === undefined && vb === undefined) return true;
  if (va === undefined || vb === undefined) return false;
  switch (field) {
    case 'amount':
      return decimalEquals(String(va), String(vb));
    case 'timestamp': {
      const ta = parseInstant(String(va));
      const tb = parseInstant(String(vb));
      return ta && tb ? ta.seconds === tb.seconds && ta.nanos === tb.nanos : va === vb;
    }
    case 'account':
      return String(va).replace(/\s+/g, '').toUpperCase() === String(vb).replace(/\s+/g, '').toUpperCase();
    case 'status':
      return canonicalStatus(a.source, String(va), options) === canonicalStatus(b.source, String(vb), options);
    case 'metadata':
      return JSON.stringify(sortKeys(va as Record<string, string>)) === JSON.stringify(sortKeys(vb as Record<string, string>));
    default:
      return String(va) === String(vb);
  }
}

function sortKeys(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map ?? {}).sort(([x], [y]) => x.localeCompare(y)));
}

/** The fields of `event` that differ from `reference` (identity fields excluded). */
export function differingFields(reference: TransactionEvent, event: TransactionEvent, options: DiffOptions = {}): Set<string> {
  const fields = new Set<string>([...EVENT_FIELDS, 'metadata']);
  const differing = new Set<string>();
  for (const field of fields) {
    if (IDENTITY_FIELDS.has(field)) continue;
    if (!sameValue(field, reference, event, options)) differing.add(field);
  }
  return differing;
}

/** Classifies a field already known to differ (see DiffKind). */
export function diffKind(field: string, reference: TransactionEvent, event: TransactionEvent, options: DiffOptions = {}): DiffKind {
  if (!COMPARED_FIELDS.has(field)) return 'informational';
  if (field === 'amount' && reference.amount !== undefined && event.amount !== undefined) {
    return amountsWithinTolerance(String(reference.amount), String(event.amount), options.amountToleranceAbsolute, options.amountToleranceRelative)
      ? 'tolerated'
      : 'beyond';
  }
  if (field === 'timestamp') {
    const skew = durationMs(options.timestampSkew);
    const a = parseInstant(String(reference.timestamp));
    const b = parseInstant(String(event.timestamp));
    if (skew !== null && a && b) {
      const apart = Math.abs((b.seconds - a.seconds) * 1000 + (b.nanos - a.nanos) / 1e6);
      return apart <= skew ? 'tolerated' : 'beyond';
    }
  }
  return 'beyond';
}

/**
 * The columns in display order: the sources in `order` first (those that reported, then absent
 * ones as empty columns), then any other source; each event is paired with the fields in which
 * it differs from the first event of the first column that has one.
 */
export function buildColumns(
  events: Record<string, StoredEvent[]>,
  order: string[] = [],
): SourceColumn[] {
  const sources = [...order.filter((s) => s in events), ...Object.keys(events).filter((s) => !order.includes(s))];
  return sources.map((source) => ({ source, events: events[source] ?? [] }));
}

export interface ColumnDiff {
  source: string;
  events: { stored: StoredEvent; differs: Set<string>; kinds: Map<string, DiffKind> }[];
}

/** Every event of every column against the first event of the first column that has one. */
export function diffColumns(columns: SourceColumn[], options: DiffOptions = {}): ColumnDiff[] {
  const reference = columns.find((c) => c.events.length > 0)?.events[0]?.event;
  return columns.map((column) => ({
    source: column.source,
    events: column.events.map((stored) => {
      const differs = reference && stored.event !== reference ? differingFields(reference, stored.event, options) : new Set<string>();
      const kinds = new Map([...differs].map((field) => [field, diffKind(field, reference!, stored.event, options)] as const));
      return { stored, differs, kinds };
    }),
  }));
}
