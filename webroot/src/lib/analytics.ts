// Breakdowns for the analytics page, computed from pages of results: by type, by source pair, by minute, amount histogram.
import type { Result } from './types';

export function isBreakResult(r: Result): boolean {
  return r.status === 'MISMATCHED' || r.status === 'MISSING';
}

/** Breaks per discrepancy type (a result counts once per type it has). */
export function breaksByType(results: Result[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of results.filter(isBreakResult)) {
    for (const type of new Set(r.discrepancies.map((d) => d.type))) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return new Map([...counts].sort((a, b) => b[1] - a[1]));
}

/** The label of a discrepancy's source pair: "core→gateway", "missing: mobile", "repeat: gateway", or the single source. */
export function sourcePairLabel(d: { type: string; source_a: string; source_b?: string | null }): string {
  if (d.type === 'MISSING') return `missing: ${d.source_a}`;
  if (d.type === 'DUPLICATE' || d.source_a === d.source_b) return `repeat: ${d.source_a}`;
  return d.source_b ? `${d.source_a}→${d.source_b}` : d.source_a;
}

/** Discrepancies of breaks per source pair, most frequent first. */
export function breaksBySourcePair(results: Result[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of results.filter(isBreakResult)) {
    for (const d of r.discrepancies) {
      const label = sourcePairLabel(d);
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
  }
  return new Map([...counts].sort((a, b) => b[1] - a[1]));
}

export interface MinuteCounts {
  t: number;
  byStatus: Record<string, number>;
}

/** Results counted by the minute they were first seen, per status, oldest first, gaps filled with zeros. */
export function resultsByMinute(results: Result[]): MinuteCounts[] {
  const buckets = new Map<number, Record<string, number>>();
  for (const r of results) {
    const t = Date.parse(r.first_seen_at);
    if (Number.isNaN(t)) continue;
    const minute = Math.floor(t / 60000) * 60000;
    const bucket = buckets.get(minute) ?? {};
    bucket[r.status] = (bucket[r.status] ?? 0) + 1;
    buckets.set(minute, bucket);
  }
  if (buckets.size === 0) return [];
  const minutes = [...buckets.keys()].sort((a, b) => a - b);
  const out: MinuteCounts[] = [];
  const first = minutes[0];
  const last = minutes[minutes.length - 1];
  // fill gaps, but never more than a day of empty minutes
  if ((last - first) / 60000 <= 1440) {
    for (let t = first; t <= last; t += 60000) out.push({ t, byStatus: buckets.get(t) ?? {} });
  } else {
    for (const t of minutes) out.push({ t, byStatus: buckets.get(t)! });
  }
  return out;
}

export interface HistogramBin {
  label: string;
  from: number;
  to: number;
  count: number;
}

const STEPS = [1, 2, 5];

function edgesUpTo(max: number): number[] {
  const edges = [0];
  for (let exponent = -2; ; exponent++) {
    for (const step of STEPS) {
      const edge = Number((step * 10 ** exponent).toPrecision(3));
      edges.push(edge);
      if (edge > max) return edges;
    }
  }
}

function compact(n: number): string {
  if (n >= 1e9) return `${n / 1e9}B`;
  if (n >= 1e6) return `${n / 1e6}M`;
  if (n >= 1e3) return `${n / 1e3}k`;
  return String(n);
}

/**
 * A histogram of amounts (decimal strings) on 1-2-5 bins (0–0.01, …, 100–200, 200–500, …), so that
 * the usual long tail of payment amounts stays readable. Negative amounts get a bin of their own.
 * Parsing to a number is for plotting only.
 */
export function amountHistogram(amounts: (string | null | undefined)[]): HistogramBin[] {
  const values = amounts.map((a) => (a === null || a === undefined ? NaN : Number(a))).filter((n) => Number.isFinite(n));
  if (values.length === 0) return [];
  const negative = values.filter((v) => v < 0).length;
  const positives = values.filter((v) => v >= 0);
  const bins: HistogramBin[] = [];
  if (negative) bins.push({ label: '< 0', from: -Infinity, to: 0, count: negative });
  if (positives.length === 0) return bins;
  const max = Math.max(...positives);
  const min = Math.min(...positives);
  const edges = edgesUpTo(max);
  let started = false;
  for (let i = 0; i < edges.length - 1; i++) {
    const from = edges[i];
    const to = edges[i + 1];
    const count = positives.filter((v) => v >= from && v < to).length;
    if (!started && to <= min) continue; // skip empty bins below the smallest amount
    started = true;
    bins.push({ label: `${compact(from)}–${compact(to)}`, from, to, count });
  }
  return bins;
}

/** The currencies of the results, most frequent first. */
export function currencies(results: Result[]): string[] {
  const counts = new Map<string, number>();
  for (const r of results) if (r.currency) counts.set(r.currency, (counts.get(r.currency) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([c]) => c);
}
