// The sources' raw events side by side, one column per event, fields that differ from the first source highlighted.
import { buildColumns, canonicalStatus, diffColumns, EVENT_FIELDS, type DiffKind, type DiffOptions } from '../lib/diff';
import { formatInstant } from '../lib/format';
import type { StoredEvent } from '../lib/types';

const LABELS: Record<string, string> = {
  event_id: 'Event id',
  amount: 'Amount',
  currency: 'Currency',
  status: 'Status',
  account: 'Account',
  timestamp: 'Event time',
  channel: 'Channel',
  counterparty: 'Counterparty',
  reference: 'Reference',
  metadata: 'Metadata',
};

interface Column {
  key: string;
  source: string;
  heading: string;
  stored: StoredEvent | null;
  differs: Set<string>;
  kinds: Map<string, DiffKind>;
  note?: string;
}

const FLAGS: Record<DiffKind, string> = {
  beyond: 'differs',
  tolerated: 'within tolerance',
  informational: 'differs · not compared',
};

export function EventColumns({
  events,
  order,
  missing,
  options,
}: {
  events: Record<string, StoredEvent[]>;
  /** Source order (the rules' sources, reference first). */
  order: string[];
  /** Expected sources that never reported. */
  missing: string[];
  options: DiffOptions;
}) {
  const diffed = diffColumns(buildColumns(events, order), options);
  const columns: Column[] = [];
  for (const column of diffed) {
    column.events.forEach((entry, index) =>
      columns.push({
        key: `${column.source}-${index}`,
        source: column.source,
        heading: index === 0 ? column.source : `${column.source} #${index + 1}`,
        stored: entry.stored,
        differs: entry.differs,
        kinds: entry.kinds,
        note: index > 0 ? 'repeat report' : undefined,
      }),
    );
  }
  for (const source of missing) {
    if (!(source in events)) columns.push({ key: `${source}-missing`, source, heading: source, stored: null, differs: new Set(), kinds: new Map(), note: 'never reported' });
  }
  if (columns.length === 0) return <p class="muted">No event has been stored for this transaction.</p>;

  const hasMetadata = columns.some((c) => c.stored?.event.metadata && Object.keys(c.stored.event.metadata).length > 0);
  const fields: string[] = [...EVENT_FIELDS, ...(hasMetadata ? ['metadata'] : [])];
  const reference = columns.find((c) => c.stored)?.key;

  return (
    <div class="table-wrap">
      <table class="table side-by-side" data-testid="event-columns">
        <caption class="sr-only">
          Each source's event in its own column; values that differ from the first source ({columns[0]?.source}) are marked: "differs" beyond
          tolerance, "within tolerance", or "not compared" for fields Accord does not reconcile.
        </caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            {columns.map((c) => (
              <th scope="col" key={c.key} data-testid="event-column">
                <span class="col-source">{c.heading}</span>
                {c.key === reference && <span class="col-note">reference</span>}
                {c.note && <span class={`col-note ${c.stored ? '' : 'col-missing'}`}>{c.note}</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {fields.map((field) => (
            <tr key={field}>
              <th scope="row">{LABELS[field] ?? field}</th>
              {columns.map((c) => {
                if (!c.stored) {
                  return (
                    <td key={c.key} class="cell-missing">
                      —
                    </td>
                  );
                }
                const kind = c.kinds.get(field);
                return (
                  <td
                    key={c.key}
                    class={kind ? (kind === 'beyond' ? 'cell-diff' : 'cell-diff cell-diff-soft') : ''}
                    data-field={field}
                    data-differs={kind ? 'true' : undefined}
                    data-diff-kind={kind}
                  >
                    <FieldValue field={field} stored={c.stored} options={options} />
                    {kind && <span class="diff-flag">{FLAGS[kind]}</span>}
                  </td>
                );
              })}
            </tr>
          ))}
          <tr class="meta-row">
            <th scope="row">Received</th>
            {columns.map((c) => (
              <td key={c.key}>{c.stored ? formatInstant(c.stored.received_at) : '—'}</td>
            ))}
          </tr>
          <tr class="meta-row">
            <th scope="row">Via</th>
            {columns.map((c) => (
              <td key={c.key}>{c.stored?.via ?? '—'}</td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
}

function FieldValue({ field, stored, options }: { field: string; stored: StoredEvent; options: DiffOptions }) {
  const event = stored.event;
  const value = event[field];
  if (value === undefined || value === null || value === '') return <span class="muted">—</span>;
  if (field === 'status') {
    const canonical = canonicalStatus(event.source, String(value), options);
    return (
      <span class="mono">
        {String(value)}
        {canonical && canonical !== value && <span class="muted"> ({canonical})</span>}
      </span>
    );
  }
  if (field === 'metadata') {
    return (
      <dl class="kv">
        {Object.entries(value as Record<string, string>).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    );
  }
  return <span class="mono">{String(value)}</span>;
}
