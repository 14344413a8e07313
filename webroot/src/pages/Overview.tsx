// Overview page: live throughput, match rate, breaks by type, pending, per-source volume and last-seen, and the live feed of new breaks.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ChartView } from '../components/Chart';
import { Section, StatTile, StatusBadge, TypeChip } from '../components/ui';
import { FEED_CAP } from '../lib/feed';
import { formatAge, formatAmount, formatCount, formatPercent, formatRate, formatTime, matchRate } from '../lib/format';
import { feed, link, stats, statsHistory } from '../lib/live';
import { resultsQuery } from '../lib/query';
import { transactionHref } from '../lib/router';
import { useStore } from '../lib/store';
import { DISCREPANCY_TYPES } from '../lib/types';

/** Re-renders every second so that ages ("12 s ago") stay true between pushes. */
function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function OverviewPage() {
  const current = useStore(stats);
  const history = useStore(statsHistory);
  const items = useStore(feed);
  const connection = useStore(link);
  const now = useNow();

  const byStatus = current?.by_status ?? {};
  const breaks = (byStatus.MISMATCHED ?? 0) + (byStatus.MISSING ?? 0);
  const total = Object.values(byStatus).reduce((s, n) => s + n, 0);
  const byType = current?.by_discrepancy_type ?? {};
  const typeRows = [...DISCREPANCY_TYPES, ...Object.keys(byType).filter((t) => !DISCREPANCY_TYPES.includes(t as never))]
    .map((type) => ({ type, count: byType[type] ?? 0 }))
    .sort((a, b) => b.count - a.count);
  const maxType = Math.max(1, ...typeRows.map((r) => r.count));
  const sources = Object.keys({ ...(current?.by_source ?? {}), ...(current?.last_seen_by_source ?? {}) }).sort();

  const recent = history.slice(-300);
  const rateChart = useMemo(
    () => ({
      labels: recent.map((s) => formatTime(s.t)),
      datasets: [
        {
          label: 'Events per second',
          data: recent.map((s) => s.eventsPerSecond),
          borderColor: '#1f5fa8',
          backgroundColor: 'rgba(31,95,168,0.12)',
          fill: true,
          pointRadius: 0,
          borderWidth: 2,
          tension: 0.25,
        },
      ],
    }),
    [history],
  );
  const rateOptions = useMemo(
    () => ({
      plugins: { legend: { display: false } },
      scales: {
        x: { ticks: { maxTicksLimit: 6, autoSkip: true } },
        y: { beginAtZero: true, title: { display: true, text: 'events/s' } },
      },
    }),
    [],
  );

  return (
    <div class="page">
      <div class="page-head">
        <h1>Overview</h1>
        <p class="muted">
          {current?.at ? `Figures as of ${formatTime(current.at)}` : connection.state === 'live' ? 'Waiting for the first digest…' : 'Waiting for the live connection…'}
        </p>
      </div>

      <div class="tiles" aria-label="Key figures">
        <StatTile label="Events / s" value={formatRate(current?.events_per_second)} hint="stored, last 10 s" testid="tile-eps" />
        <StatTile
          label="Match rate"
          value={formatPercent(matchRate(byStatus))}
          hint={`${formatCount(byStatus.MATCHED ?? 0)} matched of ${formatCount((byStatus.MATCHED ?? 0) + breaks)} settled`}
          testid="tile-match-rate"
        />
        <StatTile
          label="Breaks"
          value={formatCount(breaks)}
          hint={`${formatCount(byStatus.MISMATCHED ?? 0)} mismatched · ${formatCount(byStatus.MISSING ?? 0)} missing`}
          testid="tile-breaks"
        />
        <StatTile label="Pending" value={formatCount(current?.open)} hint="waiting for a source" testid="tile-open" />
        <StatTile label="Results" value={formatCount(total)} hint={`${formatCount(current?.rejected)} rejected · ${formatCount(current?.conflicts)} conflicts`} />
      </div>

      <div class="grid-2">
        <Section title="Throughput" id="throughput">
          <ChartView type="line" data={rateChart} options={rateOptions} height={180} label={`Events per second over the last ${recent.length} seconds; now ${formatRate(current?.events_per_second)}`} />
        </Section>

        <Section title="Breaks by discrepancy type" id="by-type">
          <table class="table bars">
            <caption class="sr-only">Number of results having each type of discrepancy</caption>
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col" class="num">Count</th>
                <th scope="col" class="bar-col">
                  <span class="sr-only">Share</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {typeRows.map((row) => (
                <tr key={row.type}>
                  <th scope="row">
                    <a href={`#/results?${resultsQuery({ discrepancyType: [row.type] })}`}>{row.type}</a>
                  </th>
                  <td class="num">{formatCount(row.count)}</td>
                  <td class="bar-col" aria-hidden="true">
                    <span class="bar" style={{ width: `${(row.count / maxType) * 100}%` }} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      </div>

      <div class="grid-2">
        <Section title="Sources" id="sources">
          <table class="table">
            <caption class="sr-only">Events received per source and when each source was last heard from</caption>
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col" class="num">Events</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {sources.length === 0 && (
                <tr>
                  <td colSpan={3} class="muted">
                    No source has reported yet.
                  </td>
                </tr>
              )}
              {sources.map((source) => {
                const seen = current?.last_seen_by_source?.[source];
                const stale = seen ? now - Date.parse(seen) > 60000 : true;
                return (
                  <tr key={source}>
                    <th scope="row">{source}</th>
                    <td class="num">{formatCount(current?.by_source?.[source] ?? 0)}</td>
                    <td>
                      <span class={stale ? 'stale' : ''} title={seen ?? ''}>
                        {formatAge(seen, now)}
                      </span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </Section>

        <Section
          title="Live feed of new breaks"
          id="feed"
          actions={<span class="muted small">{items.length === FEED_CAP ? `latest ${FEED_CAP}` : `${items.length} since sign-in`}</span>}
        >
          {items.length === 0 ? (
            <p class="muted" data-testid="live-feed-empty">
              No new breaks since you signed in. New mismatched or missing transactions appear here as they happen.
            </p>
          ) : null}
          <ol class="feed" data-testid="live-feed" aria-label="New breaks, newest first">
            {items.map((item) => (
              <li key={item.txn_id} class="feed-row">
                <a href={transactionHref(item.txn_id)} data-testid="feed-item" class="mono feed-txn">
                  {item.txn_id}
                </a>
                <StatusBadge status={item.status} />
                <span class="feed-types">
                  {item.discrepancy_types.map((t) => (
                    <TypeChip key={t} type={t} />
                  ))}
                </span>
                <span class="num feed-amount">{formatAmount(item.amount, item.currency)}</span>
                <span class="muted small feed-time">{formatTime(item.updated_at)}</span>
              </li>
            ))}
          </ol>
        </Section>
      </div>
    </div>
  );
}
