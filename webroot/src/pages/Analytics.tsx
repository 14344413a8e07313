// Analytics page: Chart.js breakdowns of breaks (type, source pair, amount) and trends (results per minute, live throughput).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ChartView, PALETTE, STATUS_COLORS } from '../components/Chart';
import { Loading, ProblemMessage, Section } from '../components/ui';
import { Api } from '../lib/api';
import { amountHistogram, breaksBySourcePair, breaksByType, currencies, isBreakResult, resultsByMinute } from '../lib/analytics';
import { formatCount, formatTime } from '../lib/format';
import { changeMinutes, statsHistory } from '../lib/live';
import { useStore } from '../lib/store';
import { RESULT_STATUSES, type Result } from '../lib/types';

const PAGE = 1000;
const BREAK_PAGES = 5;
const ALL_PAGES = 3;

async function collect(filters: { status?: string[] }, pages: number): Promise<{ items: Result[]; truncated: boolean }> {
  const items: Result[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < pages; i++) {
    const page = await Api.results(filters, { limit: PAGE, cursor });
    items.push(...page.items);
    cursor = page.next_cursor ?? null;
    if (!cursor) return { items, truncated: false };
  }
  return { items, truncated: true };
}

const barOptions = (horizontal = false, stacked = false) => ({
  indexAxis: horizontal ? ('y' as const) : ('x' as const),
  plugins: { legend: { display: stacked } },
  scales: {
    x: { stacked, beginAtZero: true, ticks: { precision: 0, autoSkip: true, maxTicksLimit: 12 } },
    y: { stacked, beginAtZero: true, ticks: { precision: 0 } },
  },
});

export function AnalyticsPage() {
  const [breaks, setBreaks] = useState<{ items: Result[]; truncated: boolean } | null>(null);
  const [recent, setRecent] = useState<{ items: Result[]; truncated: boolean } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [currency, setCurrency] = useState('');
  const history = useStore(statsHistory);
  const minutes = useStore(changeMinutes);

  const load = async () => {
    setBusy(true);
    setError(null);
    try {
      const [b, r] = await Promise.all([collect({ status: ['MISMATCHED', 'MISSING'] }, BREAK_PAGES), collect({}, ALL_PAGES)]);
      setBreaks(b);
      setRecent(r);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    load();
  }, []);

  const breakItems = breaks?.items ?? [];
  const byType = useMemo(() => breaksByType(breakItems), [breaks]);
  const byPair = useMemo(() => breaksBySourcePair(breakItems), [breaks]);
  const currencyList = useMemo(() => currencies(breakItems.filter(isBreakResult)), [breaks]);
  const chosenCurrency = currency || currencyList[0] || '';
  const histogram = useMemo(
    () => amountHistogram(breakItems.filter((r) => !chosenCurrency || r.currency === chosenCurrency).map((r) => r.amount)),
    [breaks, chosenCurrency],
  );
  const perMinute = useMemo(() => resultsByMinute(recent?.items ?? []), [recent]);

  const typeData = useMemo(
    () => ({
      labels: [...byType.keys()],
      datasets: [{ label: 'Breaks', data: [...byType.values()], backgroundColor: PALETTE[1] }],
    }),
    [byType],
  );
  const pairData = useMemo(
    () => ({
      labels: [...byPair.keys()],
      datasets: [{ label: 'Discrepancies', data: [...byPair.values()], backgroundColor: PALETTE[0] }],
    }),
    [byPair],
  );
  const minuteData = useMemo(
    () => ({
      labels: perMinute.map((m) => formatTime(m.t).slice(0, 5)),
      datasets: RESULT_STATUSES.map((status) => ({
        label: status,
        data: perMinute.map((m) => m.byStatus[status] ?? 0),
        backgroundColor: STATUS_COLORS[status],
      })),
    }),
    [perMinute],
  );
  const histogramData = useMemo(
    () => ({
      labels: histogram.map((b) => b.label),
      datasets: [{ label: `Breaks${chosenCurrency ? ` in ${chosenCurrency}` : ''}`, data: histogram.map((b) => b.count), backgroundColor: PALETTE[2] }],
    }),
    [histogram],
  );
  const liveWindow = history.slice(-600);
  const liveData = useMemo(
    () => ({
      labels: liveWindow.map((s) => formatTime(s.t)),
      datasets: [
        { label: 'Events/s', data: liveWindow.map((s) => s.eventsPerSecond), borderColor: PALETTE[0], backgroundColor: PALETTE[0], yAxisID: 'y', pointRadius: 0, borderWidth: 2 },
        { label: 'Pending', data: liveWindow.map((s) => s.open), borderColor: PALETTE[2], backgroundColor: PALETTE[2], yAxisID: 'y1', pointRadius: 0, borderWidth: 2, borderDash: [6, 3] },
      ],
    }),
    [history],
  );
  const liveOptions = useMemo(
    () => ({
      interaction: { mode: 'index' as const, intersect: false },
      scales: {
        x: { ticks: { maxTicksLimit: 8 } },
        y: { beginAtZero: true, position: 'left' as const, title: { display: true, text: 'events/s' } },
        y1: { beginAtZero: true, position: 'right' as const, grid: { drawOnChartArea: false }, title: { display: true, text: 'pending' } },
      },
    }),
    [],
  );
  const changesData = useMemo(
    () => ({
      labels: minutes.map((m) => formatTime(m.t).slice(0, 5)),
      datasets: [
        { label: 'New results', data: minutes.map((m) => m.created), backgroundColor: PALETTE[0] },
        { label: 'New breaks', data: minutes.map((m) => m.breaks), backgroundColor: PALETTE[1] },
        { label: 'Matched', data: minutes.map((m) => m.matched), backgroundColor: PALETTE[3] },
      ],
    }),
    [minutes],
  );
  const groupedOptions = useMemo(() => ({ ...barOptions(false, false), plugins: { legend: { display: true } } }), []);

  const describe = (map: Map<string, number>) =>
    [...map].slice(0, 8).map(([k, v]) => `${k}: ${v}`).join(', ') || 'no data';

  return (
    <div class="page">
      <div class="page-head">
        <h1>Analytics</h1>
        <p class="muted">
          {breaks
            ? `Breakdowns of the ${formatCount(breakItems.length)} most recent breaks${breaks.truncated ? ` (first ${BREAK_PAGES} pages)` : ''}; trend of the ${formatCount(recent?.items.length ?? 0)} most recent results.`
            : 'Loading pages of results…'}{' '}
          <button type="button" class="btn btn-small" onClick={load} disabled={busy}>
            {busy ? 'Loading…' : 'Reload'}
          </button>
        </p>
      </div>
      <ProblemMessage error={error} />
      {!breaks && !error && <Loading />}

      <div class="grid-2">
        <Section title="Breaks by discrepancy type" id="chart-type">
          <ChartView type="bar" data={typeData} options={barOptions()} label={`Breaks by discrepancy type: ${describe(byType)}`} testid="chart-by-type" />
        </Section>
        <Section title="Breaks by source pair" id="chart-pair">
          <ChartView
            type="bar"
            data={pairData}
            options={barOptions(true)}
            label={`Discrepancies by source pair (reference → compared): ${describe(byPair)}`}
            testid="chart-by-pair"
          />
        </Section>
      </div>

      <div class="grid-2">
        <Section title="Results by first-seen minute" id="chart-minute">
          <ChartView
            type="bar"
            data={minuteData}
            options={barOptions(false, true)}
            label={`Results per minute of first sight, by status, over ${perMinute.length} minutes`}
            testid="chart-by-minute"
          />
        </Section>
        <Section
          title="Amount distribution of breaks"
          id="chart-amount"
          actions={
            currencyList.length > 1 ? (
              <label class="inline-field">
                <span>Currency</span>
                <select value={chosenCurrency} onChange={(e) => setCurrency((e.currentTarget as HTMLSelectElement).value)}>
                  {currencyList.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </label>
            ) : null
          }
        >
          <ChartView
            type="bar"
            data={histogramData}
            options={barOptions()}
            label={`Histogram of break amounts${chosenCurrency ? ` in ${chosenCurrency}` : ''}: ${histogram.map((b) => `${b.label}: ${b.count}`).join(', ')}`}
            testid="chart-amounts"
          />
        </Section>
      </div>

      <div class="grid-2">
        <Section title="Live throughput and pending (since sign-in)" id="chart-live">
          {liveWindow.length < 2 ? (
            <p class="muted">The live digest arrives once a second; the line builds up while this dashboard is open.</p>
          ) : null}
          <ChartView type="line" data={liveData} options={liveOptions} label="Events per second and pending transactions, one point per second" testid="chart-live" />
        </Section>
        <Section title="Live changes per minute (since sign-in)" id="chart-changes">
          <ChartView type="bar" data={changesData} options={groupedOptions} label="Pushed result changes per minute: new results, new breaks, matches" testid="chart-changes" />
        </Section>
      </div>
    </div>
  );
}
