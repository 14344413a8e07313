// Drill-down of one transaction: result, discrepancies, events side by side, history, notes, resolution workflow and its audit trail.
import { useEffect, useRef, useState } from 'preact/hooks';
import { EventColumns } from '../components/EventColumns';
import { Loading, Notice, ProblemMessage, Section, StatusBadge, TypeChip } from '../components/ui';
import { Api } from '../lib/api';
import { hasAnyRole, me } from '../lib/auth';
import { formatAmount, formatInstant, summariseDetails } from '../lib/format';
import { onResultChanges } from '../lib/live';
import { useStore } from '../lib/store';
import { RESOLUTION_KINDS, type AuditRow, type Rules, type TransactionDetail } from '../lib/types';

let cachedRules: Rules | null = null;

export function TransactionPage({ txnId }: { txnId: string }) {
  useStore(me); // roles may change on refresh
  const canWork = hasAnyRole('admin', 'operator');
  const canAudit = hasAnyRole('admin', 'auditor');

  const [detail, setDetail] = useState<TransactionDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [rules, setRules] = useState<Rules | null>(cachedRules);
  const [audit, setAudit] = useState<AuditRow[] | null>(null);
  const [auditError, setAuditError] = useState<unknown>(null);
  const [liveNote, setLiveNote] = useState('');
  const request = useRef(0);

  const load = async () => {
    const id = ++request.current;
    try {
      const next = await Api.transaction(txnId);
      if (id !== request.current) return;
      setDetail(next);
      setError(null);
    } catch (err) {
      if (id === request.current) setError(err);
    }
    if (canAudit) {
      try {
        const page = await Api.audit({ resourceType: 'transaction', resourceId: txnId }, { limit: 200 });
        if (id === request.current) {
          setAudit(page.items);
          setAuditError(null);
        }
      } catch (err) {
        if (id === request.current) setAuditError(err);
      }
    }
  };

  useEffect(() => {
    setDetail(null);
    setAudit(null);
    setError(null);
    setLiveNote('');
    load();
    if (!cachedRules) {
      Api.rules()
        .then((r) => {
          cachedRules = r;
          setRules(r);
        })
        .catch(() => {});
    }
    // reload when the verdict of this transaction changes while it is open
    return onResultChanges((changes) => {
      const mine = changes.find((c) => c.txn_id === txnId);
      if (mine) {
        setLiveNote(`Updated live: now ${mine.status} (version ${mine.version}).`);
        load();
      }
    });
  }, [txnId]);

  if (error && !detail) {
    return (
      <div class="page">
        <div class="page-head">
          <h1>
            Transaction <span class="mono">{txnId}</span>
          </h1>
          <a href="#/results">← Back to results</a>
        </div>
        <ProblemMessage error={error} />
      </div>
    );
  }
  if (!detail) return <Loading label={`Loading transaction ${txnId}…`} />;

  const result = detail.result;
  const isBreak = result.status === 'MISMATCHED' || result.status === 'MISSING';
  const order = rules?.sources ?? result.sources_seen;

  return (
    <div class="page">
      <div class="page-head">
        <p class="crumbs">
          <a href="#/results">Results</a> / transaction
        </p>
        <h1 class="txn-title">
          <span class="mono">{result.txn_id}</span> <StatusBadge status={result.status} />
        </h1>
        {liveNote && <Notice>{liveNote}</Notice>}
      </div>

      <div class="summary">
        <dl class="facts">
          <div>
            <dt>Reference amount</dt>
            <dd class="mono">{formatAmount(result.amount, result.currency)}</dd>
          </div>
          <div>
            <dt>Sources seen</dt>
            <dd>{result.sources_seen.join(', ') || '—'}</dd>
          </div>
          <div>
            <dt>Missing</dt>
            <dd>{result.sources_missing.join(', ') || '—'}</dd>
          </div>
          <div>
            <dt>First seen</dt>
            <dd>{formatInstant(result.first_seen_at)}</dd>
          </div>
          <div>
            <dt>Updated</dt>
            <dd>{formatInstant(result.updated_at)}</dd>
          </div>
          <div>
            <dt>Version</dt>
            <dd>{result.version}</dd>
          </div>
        </dl>
        {result.resolution && (
          <div class="resolution" data-testid="resolution" role="status">
            <strong>{result.resolution.resolution.replace('_', ' ')}</strong> by {result.resolution.resolved_by} at{' '}
            {formatInstant(result.resolution.resolved_at)}
            <p class="resolution-reason">{result.resolution.reason}</p>
          </div>
        )}
      </div>

      <Section title="Discrepancies" id="discrepancies">
        {result.discrepancies.length === 0 ? (
          <p class="muted">None: {result.status === 'PENDING' ? 'waiting for the other sources.' : 'every source agrees.'}</p>
        ) : (
          <div class="table-wrap">
            <table class="table" data-testid="discrepancies">
              <thead>
                <tr>
                  <th scope="col">Type</th>
                  <th scope="col">Reference</th>
                  <th scope="col">Compared</th>
                  <th scope="col">Reference value</th>
                  <th scope="col">Other value</th>
                  <th scope="col">Difference</th>
                </tr>
              </thead>
              <tbody>
                {result.discrepancies.map((d, i) => (
                  <tr key={i}>
                    <td>
                      <TypeChip type={d.type} />
                    </td>
                    <td>{d.type === 'MISSING' ? <span class="muted">absent:</span> : null} {d.source_a}</td>
                    <td>{d.source_b ?? '—'}</td>
                    <td class="mono">{d.value_a ?? '—'}</td>
                    <td class="mono">{d.value_b ?? '—'}</td>
                    <td class="mono">{d.difference ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      <Section title="Events side by side" id="events">
        <EventColumns
          events={detail.events}
          order={order}
          missing={result.sources_missing}
          options={{
            statusVocabularies: rules?.status_vocabularies,
            timestampSkew: rules?.timestamp_skew,
            amountToleranceAbsolute: rules?.amount_tolerance_absolute,
            amountToleranceRelative: rules?.amount_tolerance_relative,
          }}
        />
        {detail.conflicts.length > 0 && (
          <>
            <h3>Conflicting re-sends</h3>
            <p class="muted small">The same event id sent again with different content; kept aside, never compared.</p>
            <div class="table-wrap">
              <table class="table">
                <thead>
                  <tr>
                    <th scope="col">Source</th>
                    <th scope="col">Event id</th>
                    <th scope="col">Amount</th>
                    <th scope="col">Status</th>
                    <th scope="col">Account</th>
                    <th scope="col">Event time</th>
                    <th scope="col">Received</th>
                  </tr>
                </thead>
                <tbody>
                  {detail.conflicts.map((c, i) => (
                    <tr key={i}>
                      <td>{c.event.source}</td>
                      <td class="mono">{c.event.event_id}</td>
                      <td class="mono">{formatAmount(c.event.amount, c.event.currency)}</td>
                      <td>{c.event.status}</td>
                      <td class="mono">{c.event.account}</td>
                      <td>{formatInstant(c.event.timestamp)}</td>
                      <td>{formatInstant(c.received_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Section>

      <div class="grid-2">
        <Section title="History" id="history">
          {detail.history.length === 0 ? (
            <p class="muted">No change of verdict recorded.</p>
          ) : (
            <ol class="timeline">
              {detail.history.map((h, i) => (
                <li key={i}>
                  <span class="muted small">{formatInstant(h.at)}</span>{' '}
                  {h.from ? <StatusBadge status={h.from} /> : <span class="muted">new</span>} → <StatusBadge status={h.to} />{' '}
                  <span class="small">v{h.version}</span>{' '}
                  {h.discrepancy_types.map((t) => (
                    <TypeChip key={t} type={t} />
                  ))}
                </li>
              ))}
            </ol>
          )}
          {(detail.resolutions?.length ?? 0) > 0 && (
            <>
              <h3>Resolutions</h3>
              <ul class="plain-list">
                {detail.resolutions!.map((r, i) => (
                  <li key={i}>
                    <strong>{r.resolution}</strong> of version {r.result_version} by {r.resolved_by}, {formatInstant(r.resolved_at)}
                    {r.result_version !== result.version && <span class="muted"> (superseded by a later verdict)</span>}
                    <div class="small">{r.reason}</div>
                  </li>
                ))}
              </ul>
            </>
          )}
        </Section>

        <Section title="Notes" id="notes">
          {(detail.annotations?.length ?? 0) === 0 ? (
            <p class="muted">No notes yet.</p>
          ) : (
            <ul class="notes" data-testid="annotations">
              {detail.annotations!.map((a, i) => (
                <li key={i}>
                  <div class="note-head">
                    <strong>{a.author}</strong> <span class="muted small">{formatInstant(a.created_at)}</span>
                  </div>
                  <div class="note-text">{a.text}</div>
                </li>
              ))}
            </ul>
          )}
          {canWork && <AnnotateForm txnId={txnId} onDone={load} />}
        </Section>
      </div>

      {canWork && isBreak && !result.resolution && <ResolveForm txnId={txnId} onDone={load} />}

      {canAudit && (
        <Section title="Audit trail of this transaction" id="txn-audit">
          <ProblemMessage error={auditError} />
          {audit === null && !auditError ? (
            <Loading />
          ) : audit && audit.length === 0 ? (
            <p class="muted">No audit entry.</p>
          ) : (
            <div class="table-wrap">
              <table class="table" data-testid="txn-audit">
                <thead>
                  <tr>
                    <th scope="col" class="num">Seq</th>
                    <th scope="col">When</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Action</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Details</th>
                  </tr>
                </thead>
                <tbody>
                  {audit?.map((row) => (
                    <tr key={row.seq}>
                      <td class="num">{row.seq}</td>
                      <td class="nowrap">{formatInstant(row.occurred_at)}</td>
                      <td>{row.actor}</td>
                      <td class="mono">{row.action}</td>
                      <td>
                        <span class={`outcome outcome-${row.outcome}`}>{row.outcome}</span>
                      </td>
                      <td class="small">{summariseDetails(row.details)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Section>
      )}
    </div>
  );
}

function AnnotateForm({ txnId, onDone }: { txnId: string; onDone: () => void }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await Api.annotate(txnId, text.trim());
      setText('');
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form" onSubmit={submit}>
      <ProblemMessage error={error} />
      <div class="field">
        <label for="note-text">Add a note</label>
        <textarea id="note-text" rows={2} maxLength={4000} value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} data-testid="annotation-text" />
      </div>
      <button type="submit" class="btn" disabled={busy || !text.trim()} data-testid="annotate-button">
        {busy ? 'Saving…' : 'Add note'}
      </button>
    </form>
  );
}

function ResolveForm({ txnId, onDone }: { txnId: string; onDone: () => void }) {
  const [kind, setKind] = useState<string>('RESOLVED');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await Api.resolve(txnId, kind, reason.trim());
      setReason('');
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const tooShort = reason.trim().length < 3;
  return (
    <Section title="Resolve this break" id="resolve">
      <form class="form resolve-form" onSubmit={submit}>
        <ProblemMessage error={error} />
        <div class="field">
          <label for="resolve-kind">Resolution</label>
          <select id="resolve-kind" value={kind} onChange={(e) => setKind((e.currentTarget as HTMLSelectElement).value)} data-testid="resolve-kind">
            {RESOLUTION_KINDS.map((k) => (
              <option key={k} value={k}>
                {k.replace('_', ' ')}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="resolve-reason">Reason (at least 3 characters)</label>
          <textarea
            id="resolve-reason"
            rows={3}
            minLength={3}
            maxLength={2000}
            required
            value={reason}
            onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)}
            data-testid="resolve-reason"
          />
        </div>
        <p class="muted small">A resolution holds for the current verdict; if the verdict changes later the break re-opens.</p>
        <button type="submit" class="btn btn-primary" disabled={busy || tooShort} data-testid="resolve-button">
          {busy ? 'Resolving…' : 'Resolve'}
        </button>
      </form>
    </Section>
  );
}
