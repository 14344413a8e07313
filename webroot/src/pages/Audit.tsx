// Audit log page: filtered, cursor-paged audit trail and the hash-chain check badge.
import { useEffect, useRef, useState } from 'preact/hooks';
import { FoldingPanel, Pager, ProblemMessage, Section } from '../components/ui';
import { Api } from '../lib/api';
import { formatCount, formatInstant, summariseDetails } from '../lib/format';
import { EMPTY_AUDIT_FILTERS, instantToLocalInput, localInputToInstant, type AuditFilters } from '../lib/query';
import { transactionHref } from '../lib/router';
import type { AuditRow, ChainStatus } from '../lib/types';

const LIMIT = 100;

export function ChainBadge() {
  const [status, setStatus] = useState<ChainStatus | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const check = async () => {
    setBusy(true);
    setError(null);
    try {
      setStatus(await Api.verifyAudit());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    check();
  }, []);
  const text = busy && !status
    ? 'Checking chain…'
    : error
      ? 'Chain check failed'
      : status?.intact
        ? `Chain intact · ${formatCount(status.rows_checked)} rows`
        : status
          ? `Chain BROKEN at row ${status.first_broken?.seq ?? '?'}`
          : '…';
  const kind = error ? 'unknown' : status ? (status.intact ? 'intact' : 'broken') : 'unknown';
  return (
    <div class="chain">
      <span class={`chain-status chain-${kind}`} data-testid="chain-status" data-intact={status ? String(status.intact) : undefined} role="status">
        <span aria-hidden="true">{kind === 'intact' ? '✔' : kind === 'broken' ? '✖' : '…'}</span> {text}
      </span>
      {status && !status.intact && status.first_broken && <span class="chain-reason">{status.first_broken.reason}</span>}
      <ProblemMessage error={error} />
      <button type="button" class="btn btn-small" onClick={check} disabled={busy}>
        {busy ? 'Checking…' : 'Verify again'}
      </button>
    </div>
  );
}

export function AuditPage() {
  const [draft, setDraft] = useState<AuditFilters>(EMPTY_AUDIT_FILTERS);
  const [applied, setApplied] = useState<AuditFilters>(EMPTY_AUDIT_FILTERS);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [rows, setRows] = useState<AuditRow[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const request = useRef(0);

  const load = async (filters: AuditFilters, cursor: string | null, stack: (string | null)[]) => {
    const id = ++request.current;
    setBusy(true);
    setError(null);
    try {
      const page = await Api.audit(filters, { limit: LIMIT, cursor });
      if (id !== request.current) return;
      setRows(page.items);
      setNext(page.next_cursor ?? null);
      setCursors(stack);
    } catch (err) {
      if (id === request.current) setError(err);
    } finally {
      if (id === request.current) setBusy(false);
    }
  };

  useEffect(() => {
    load(applied, null, [null]);
  }, []);

  const apply = (e: Event) => {
    e.preventDefault();
    setApplied(draft);
    load(draft, null, [null]);
  };
  const clear = () => {
    setDraft(EMPTY_AUDIT_FILTERS);
    setApplied(EMPTY_AUDIT_FILTERS);
    load(EMPTY_AUDIT_FILTERS, null, [null]);
  };
  const activeCount = [applied.actor, applied.action, applied.outcome, applied.from, applied.to].filter(Boolean).length;
  const set = (key: keyof AuditFilters, value: string) => setDraft({ ...draft, [key]: value });
  const value = (e: Event) => (e.currentTarget as HTMLInputElement).value;

  return (
    <div class="page">
      <div class="page-head page-head-row">
        <div>
          <h1>Audit log</h1>
          <p class="muted">Every API call and every change of a result, newest first. Each row carries the hash of its predecessor.</p>
        </div>
        <ChainBadge />
      </div>

      <FoldingPanel title="Filters" note={activeCount ? `${activeCount} active` : 'none active'} testid="audit-filters">
        <form class="filters" onSubmit={apply} aria-label="Audit filters">
          <div class="filter-fields">
            <div class="field">
              <label for="a-actor">Actor</label>
              <input id="a-actor" value={draft.actor} onInput={(e) => set('actor', value(e))} placeholder="e.g. operator" data-testid="audit-actor" />
            </div>
            <div class="field">
              <label for="a-action">Action</label>
              <input id="a-action" value={draft.action} onInput={(e) => set('action', value(e))} placeholder="e.g. api.resolveTransaction" list="audit-actions" data-testid="audit-action" />
              <datalist id="audit-actions">
                {['api.resolveTransaction', 'api.annotateTransaction', 'api.getTransaction', 'api.listResults', 'result.changed', 'bridge.register', 'api.issueToken'].map((a) => (
                  <option key={a} value={a} />
                ))}
              </datalist>
            </div>
            <div class="field">
              <label for="a-outcome">Outcome</label>
              <select id="a-outcome" value={draft.outcome} onChange={(e) => set('outcome', (e.currentTarget as HTMLSelectElement).value)} data-testid="audit-outcome">
                <option value="">Any</option>
                <option value="success">success</option>
                <option value="denied">denied</option>
                <option value="error">error</option>
              </select>
            </div>
            <div class="field">
              <label for="a-from">From (local time)</label>
              <input id="a-from" type="datetime-local" step={1} value={instantToLocalInput(draft.from)} onChange={(e) => set('from', localInputToInstant(value(e)))} />
            </div>
            <div class="field">
              <label for="a-to">To (local time)</label>
              <input id="a-to" type="datetime-local" step={1} value={instantToLocalInput(draft.to)} onChange={(e) => set('to', localInputToInstant(value(e)))} />
            </div>
          </div>
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" data-testid="audit-apply">
              Apply filters
            </button>
            <button type="button" class="btn" onClick={clear}>
              Clear
            </button>
          </div>
        </form>
      </FoldingPanel>

      <Section title="Entries" id="audit-entries">
        <ProblemMessage error={error} />
        <div class="table-wrap" aria-busy={busy}>
          <table class="table" data-testid="audit-table">
            <caption class="sr-only">Audit entries, page {cursors.length}</caption>
            <thead>
              <tr>
                <th scope="col" class="num">Seq</th>
                <th scope="col">When</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Resource</th>
                <th scope="col">Outcome</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {rows?.length === 0 && (
                <tr>
                  <td colSpan={7} class="muted">
                    No entry matches these filters.
                  </td>
                </tr>
              )}
              {rows?.map((row) => (
                <tr key={row.seq} data-testid="audit-row">
                  <td class="num">{row.seq}</td>
                  <td class="nowrap">{formatInstant(row.occurred_at)}</td>
                  <td data-testid="audit-actor-cell">{row.actor}</td>
                  <td class="mono" data-testid="audit-action-cell">
                    {row.action}
                  </td>
                  <td>
                    {row.resource_type === 'transaction' ? (
                      <a class="mono" href={transactionHref(row.resource_id)}>
                        {row.resource_id}
                      </a>
                    ) : (
                      <span class="mono">
                        {row.resource_type}:{row.resource_id}
                      </span>
                    )}
                  </td>
                  <td>
                    <span class={`outcome outcome-${row.outcome}`}>{row.outcome}</span>
                  </td>
                  <td class="small">{summariseDetails(row.details)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <Pager
          label="Audit pages"
          page={cursors.length}
          hasPrevious={cursors.length > 1}
          hasNext={!!next}
          busy={busy}
          onPrevious={() => {
            const stack = cursors.slice(0, -1);
            load(applied, stack[stack.length - 1], stack);
          }}
          onNext={() => next && load(applied, next, [...cursors, next])}
        />
      </Section>
    </div>
  );
}
