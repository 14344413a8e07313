// Small shared pieces of the interface: status badges, problem messages, stat tiles, checkbox groups, pagers.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { messageOf } from '../lib/http';

export function StatusBadge({ status }: { status: string | null | undefined }) {
  const value = status ?? '—';
  return <span class={`badge status-${value.toLowerCase()}`}>{value}</span>;
}

export function TypeChip({ type }: { type: string }) {
  return <span class="chip">{type}</span>;
}

/** An error as the user sees it: the problem+json detail, announced to assistive technology. */
export function ProblemMessage({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <div class="problem" role="alert">
      {title && <strong>{title}: </strong>}
      {messageOf(error)}
    </div>
  );
}

export function Notice({ children, kind = 'info' }: { children: ComponentChildren; kind?: 'info' | 'success' | 'warning' }) {
  return (
    <div class={`notice notice-${kind}`} role="status">
      {children}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p class="loading" role="status" aria-live="polite">
      {label}
    </p>
  );
}

export function StatTile({ label, value, hint, testid }: { label: string; value: ComponentChildren; hint?: ComponentChildren; testid?: string }) {
  return (
    <div class="tile" data-testid={testid}>
      <div class="tile-label">{label}</div>
      <div class="tile-value">{value}</div>
      {hint && <div class="tile-hint">{hint}</div>}
    </div>
  );
}

export function Section({ title, actions, children, id }: { title: string; actions?: ComponentChildren; children: ComponentChildren; id?: string }) {
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section class="panel" aria-labelledby={headingId} id={id}>
      <div class="panel-head">
        <h2 id={headingId}>{title}</h2>
        {actions && <div class="panel-actions">{actions}</div>}
      </div>
      <div class="panel-body">{children}</div>
    </section>
  );
}

/** A fieldset of checkboxes for a multi-valued filter. */
export function CheckboxGroup({
  legend,
  name,
  options,
  selected,
  onChange,
}: {
  legend: string;
  name: string;
  options: string[];
  selected: string[];
  onChange: (next: string[]) => void;
}) {
  const toggle = (option: string, on: boolean) =>
    onChange(on ? [...selected.filter((s) => s !== option), option] : selected.filter((s) => s !== option));
  return (
    <fieldset class="checkbox-group">
      <legend>{legend}</legend>
      {options.map((option) => (
        <label key={option} class="check">
          <input
            type="checkbox"
            name={name}
            value={option}
            checked={selected.includes(option)}
            onChange={(e) => toggle(option, (e.currentTarget as HTMLInputElement).checked)}
          />
          {option}
        </label>
      ))}
    </fieldset>
  );
}

/** Previous / Next buttons for keyset paging with a cursor stack. */
export function Pager({
  page,
  hasPrevious,
  hasNext,
  onPrevious,
  onNext,
  busy,
  label,
}: {
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
  busy?: boolean;
  label: string;
}) {
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" class="btn" onClick={onPrevious} disabled={!hasPrevious || busy} data-testid="page-previous">
        ← Previous
      </button>
      <span class="pager-page" aria-live="polite">
        Page {page}
      </span>
      <button type="button" class="btn" onClick={onNext} disabled={!hasNext || busy} data-testid="page-next">
        Next →
      </button>
    </nav>
  );
}

export function Forbidden({ what }: { what: string }) {
  return (
    <div class="panel">
      <div class="panel-body">
        <h1>Not available</h1>
        <p>Your role does not give access to {what}.</p>
      </div>
    </div>
  );
}

/** A panel that folds away (native details/summary, so keyboard-usable); open by default except on narrow screens. */
export function FoldingPanel({ title, note, children, testid }: { title: string; note?: string; children: ComponentChildren; testid?: string }) {
  const [open] = useState(() => typeof window === 'undefined' || !window.matchMedia?.('(max-width: 760px)').matches);
  return (
    <details class="panel" open={open} data-testid={testid}>
      <summary>
        <h2>{title}</h2>
        {note && <span class="summary-note">{note}</span>}
      </summary>
      <div class="panel-body">{children}</div>
    </details>
  );
}
