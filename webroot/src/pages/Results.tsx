// Results page: server-side filters kept in the address, keyset paging through a cursor stack, and CSV export of the whole filter.
import { useEffect, useRef, useState } from 'preact/hooks';
import { CheckboxGroup, FoldingPanel, Notice, Pager, ProblemMessage, Section, StatusBadge, TypeChip } from '../components/ui';
import { Api } from '../lib/api';
import { downloadText, exportAllPages } from '../lib/csv';
import { formatAmount, formatCount, formatInstant } from '../lib/format';
import { onResultChanges } from '../lib/live';
import {
  changeMatches,
  EMPTY_RESULT_FILTERS,
  instantToLocalInput,
  localInputToInstant,
  parseResultFilters,
  resultsQuery,
  type ResultFilters,
} from '../lib/query';
import { transactionHref, useRoute } from '../lib/router';
import { DISCREPANCY_TYPES, RESULT_STATUSES, type Result } from '../lib/types';

const PAGE_SIZES = [50, 100, 250, 500];
const DECIMAL = '^-?[0-9]{1,20}(\\.[0-9]{1,8})?$';

let knownSources: string[] | null = null;

function useSources(): string[] {
  const [sources, setSources] = useState<string[]>(knownSources ?? []);
  useEffect(() => {
    if (knownSources) return;
    Api.rules()
      .then((rules) => {
        knownSources = rules.sources ?? [];
        setSources(knownSources);
      })
      .catch(() => setSources([]));
  }, []);
  return sources;
}

export function ResultsPage() {
  const route = useRoute();
  const queryKey = route.query.toString();
  const applied = parseResultFilters(route.query);
  const pageSize = Number(route.query.get('limit')) || 100;
  const sources = useSources();

  const [draft, setDraft] = useState<ResultFilters>(applied);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<Result[] | null>(null);
  const [loadedQuery, setLoadedQuery] = useState<string | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [arrived, setArrived] = useState(0);
  const [exporting, setExporting] = useState<{ rows: number } | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);
  const exportAbort = useRef<AbortController | null>(null);
  const request = useRef(0);

  const load = async (cursor: string | null, stack: (string | null)[]) => {
    const id = ++request.current;
    setBusy(true);
    setError(null);
    try {
      const result = await Api.results(applied, { limit: pageSize, cursor });
      if (id !== request.current) return;
      setPage(result.items);
      setLoadedQuery(queryKey);
      setNext(result.next_cursor ?? null);
      setCursors(stack);
      setArrived(0);
    } catch (err) {
      if (id === request.current) setError(err);
    } finally {
      if (id === request.current) setBusy(false);
    }
  };

  // a new filter (the address changed): back to the first page
  useEffect(() => {
    setDraft(parseResultFilters(route.query));
    load(null, [null]);
  }, [queryKey]);

  // count results that newly match the filter after this page was loaded, so the user can reload on demand
  useEffect(
    () =>
      onResultChanges((changes) => {
        const fresh = changes.filter((c) => c.previous_status !== c.status && changeMatches(c, applied)).length;
        if (fresh) setArrived((n) => n + fresh);
      }),
    [queryKey],
  );

  const apply = (e: Event) => {
    e.preventDefault();
    const query = resultsQuery(draft, pageSize !== 100 ? { limit: pageSize } : {});
    const hash = `#/results${query ? `?${query}` : ''}`;
    if (location.hash === hash) load(null, [null]);
    else location.hash = hash;
  };

  const reset = () => {
    setDraft(EMPTY_RESULT_FILTERS);
    location.hash = '#/results';
  };

  const changePageSize = (size: number) => {
    const query = resultsQuery(applied, size !== 100 ? { limit: size } : {});
    location.hash = `#/results${query ? `?${query}` : ''}`;
  };

  const goNext = () => next && load(next, [...cursors, next]);
  const goPrevious = () => {
    if (cursors.length < 2) return;
    const stack = cursors.slice(0, -1);
    load(stack[stack.length - 1], stack);
  };

  const exportCsv = async () => {
    const controller = new AbortController();
    exportAbort.current = controller;
    setExportError(null);
    setExporting({ rows: 0 });
    try {
      const csv = await exportAllPages(
        (cursor) => Api.results(applied, { limit: 1000, cursor }, controller.signal),
        (rows) => setExporting({ rows }),
        controller.signal,
      );
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      downloadText(`accord-results-${stamp}.csv`, csv);
    } catch (err) {
      if ((err as Error)?.name !== 'AbortError') setExportError(err);
    } finally {
      setExporting(null);
      exportAbort.current = null;
    }
  };

  const activeCount =
    applied.status.length + applied.discrepancyType.length + [applied.source, applied.from, applied.to, applied.minAmount, applied.maxAmount].filter(Boolean).length;
  const set = <K extends keyof ResultFilters>(key: K, value: ResultFilters[K]) => setDraft({ ...draft, [key]: value });
  const inputValue = (e: Event) => (e.currentTarget as HTMLInputElement).value;

  return (
    <div class="page">
      <div class="page-head">
        <h1>Results</h1>
        <p class="muted">Newest first. Filters are applied by the server; the address keeps them, so a filtered view can be shared.</p>
      </div>

      <FoldingPanel title="Filters" note={activeCount ? `${activeCount} active` : 'none active'} testid="filters">
        <form class="filters" onSubmit={apply} aria-label="Result filters">
          <CheckboxGroup legend="Status" name="status" options={RESULT_STATUSES} selected={draft.status} onChange={(v) => set('status', v)} />
          <CheckboxGroup
            legend="Discrepancy type"
            name="discrepancyType"
            options={DISCREPANCY_TYPES}
            selected={draft.discrepancyType}
            onChange={(v) => set('discrepancyType', v)}
          />
          <div class="filter-fields">
            <div class="field">
              <label for="f-source">Source reported</label>
              <select id="f-source" value={draft.source} onChange={(e) => set('source', (e.currentTarget as HTMLSelectElement).value)}>
                <option value="">Any</option>
                {[...new Set([...sources, ...(draft.source ? [draft.source] : [])])].map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="f-from">First seen from (local time)</label>
              <input
                id="f-from"
                type="datetime-local"
                step={1}
                value={instantToLocalInput(draft.from)}
                onChange={(e) => set('from', localInputToInstant(inputValue(e)))}
              />
            </div>
            <div class="field">
              <label for="f-to">First seen before (local time)</label>
              <input
                id="f-to"
                type="datetime-local"
                step={1}
                value={instantToLocalInput(draft.to)}
                onChange={(e) => set('to', localInputToInstant(inputValue(e)))}
              />
            </div>
            <div class="field">
              <label for="f-min">Min amount</label>
              <input id="f-min" inputMode="decimal" pattern={DECIMAL} placeholder="e.g. 100.00" value={draft.minAmount} onInput={(e) => set('minAmount', inputValue(e))} />
            </div>
            <div class="field">
              <label for="f-max">Max amount</label>
              <input id="f-max" inputMode="decimal" pattern={DECIMAL} placeholder="e.g. 5000" value={draft.maxAmount} onInput={(e) => set('maxAmount', inputValue(e))} />
            </div>
          </div>
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" data-testid="apply-filters">
              Apply filters
            </button>
            <button type="button" class="btn" onClick={reset}>
              Clear
            </button>
          </div>
        </form>
      </FoldingPanel>

      <Section
        title="Matching results"
        id="results"
        actions={
          <>
            <label class="inline-field">
              <span>Rows per page</span>
              <select value={String(pageSize)} onChange={(e) => changePageSize(Number((e.currentTarget as HTMLSelectElement).value))}>
                {PAGE_SIZES.map((n) => (
                  <option key={n} value={String(n)}>
                    {n}
                  </option>
                ))}
              </select>
            </label>
            {exporting ? (
              <button type="button" class="btn" onClick={() => exportAbort.current?.abort()} data-testid="export-cancel">
                Cancel export ({formatCount(exporting.rows)} rows)
              </button>
            ) : (
              <button type="button" class="btn" onClick={exportCsv} data-testid="export-csv">
                Export CSV
              </button>
            )}
          </>
        }
      >
        <ProblemMessage error={exportError} title="Export failed" />
        <ProblemMessage error={error} />
        {arrived > 0 && cursors.length === 1 && (
          <Notice>
            {formatCount(arrived)} new or changed result{arrived === 1 ? '' : 's'} match{arrived === 1 ? 'es' : ''} these filters since this page was loaded.{' '}
            <button type="button" class="btn-link" onClick={() => load(null, [null])}>
              Show them
            </button>
          </Notice>
        )}
        <div class="table-wrap" aria-busy={busy}>
          <table class="table results" data-testid="results-table" data-loaded-query={loadedQuery ?? undefined}>
            <caption class="sr-only">Reconciliation results, page {cursors.length}</caption>
            <thead>
              <tr>
                <th scope="col">Transaction</th>
                <th scope="col">Status</th>
                <th scope="col">Discrepancies</th>
                <th scope="col" class="num">Amount</th>
                <th scope="col">Sources seen</th>
                <th scope="col">Missing</th>
                <th scope="col">First seen</th>
                <th scope="col">Updated</th>
                <th scope="col" class="num">Ver.</th>
              </tr>
            </thead>
            <tbody>
              {page?.length === 0 && (
                <tr>
                  <td colSpan={9} class="muted">
                    No result matches these filters.
                  </td>
                </tr>
              )}
              {page?.map((r) => (
                <tr key={r.txn_id} data-testid="result-row">
                  <td>
                    <a class="mono" href={transactionHref(r.txn_id)}>
                      {r.txn_id}
                    </a>
                  </td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td>
                    {[...new Set(r.discrepancies.map((d) => d.type))].map((t) => (
                      <TypeChip key={t} type={t} />
                    ))}
                  </td>
                  <td class="num mono">{formatAmount(r.amount, r.currency)}</td>
                  <td>{r.sources_seen.join(', ')}</td>
                  <td>{r.sources_missing.join(', ') || <span class="muted">—</span>}</td>
                  <td class="nowrap">{formatInstant(r.first_seen_at)}</td>
                  <td class="nowrap">{formatInstant(r.updated_at)}</td>
                  <td class="num">{r.version}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Pager
          label="Result pages"
          page={cursors.length}
          hasPrevious={cursors.length > 1}
          hasNext={!!next}
          onPrevious={goPrevious}
          onNext={goNext}
          busy={busy}
        />
      </Section>
    </div>
  );
}
