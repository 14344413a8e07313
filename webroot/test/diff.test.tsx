// Side-by-side events: which fields are flagged as differing from the first source, in the pure diff and in the rendered columns.
import { render, screen, within } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { EventColumns } from '../src/components/EventColumns';
import { amountsWithinTolerance, differingFields, diffKind, durationMs, parseInstant } from '../src/lib/diff';
import type { StoredEvent, TransactionEvent } from '../src/lib/types';

function event(source: string, over: Partial<TransactionEvent> = {}): TransactionEvent {
  return {
    event_id: `${source}-1`,
    source,
    txn_id: 'T1',
    amount: '100.00',
    currency: 'EUR',
    status: 'POSTED',
    account: 'DE89 3704 0044 0532 0130 00',
    timestamp: '2026-11-27T10:00:00Z',
    ...over,
  };
}

const stored = (e: TransactionEvent): StoredEvent => ({ event: e, received_at: '2026-11-27T10:00:01Z', via: 'kafka' });

const vocabularies = {
  core: { POSTED: 'COMPLETED', REVERSED: 'REVERSED' },
  gateway: { SETTLED: 'COMPLETED', DECLINED: 'FAILED' },
  mobile: { DONE: 'COMPLETED' },
};

describe('differingFields', () => {
  it('finds nothing when the sources agree, whatever their wording', () => {
    const a = event('core');
    const b = event('gateway', {
      amount: '100.0',
      status: 'SETTLED',
      account: 'de89370400440532013000',
      timestamp: '2026-11-27T11:00:00+01:00',
    });
    expect([...differingFields(a, b, { statusVocabularies: vocabularies })]).toEqual([]);
  });

  it('flags amount, currency, canonical status, account and time differences, never the event id', () => {
    const a = event('core');
    const b = event('gateway', {
      amount: '100.50',
      currency: 'USD',
      status: 'DECLINED',
      account: 'DE00000000000000000000',
      timestamp: '2026-11-27T10:10:00Z',
    });
    expect([...differingFields(a, b, { statusVocabularies: vocabularies })].sort()).toEqual(
      ['account', 'amount', 'currency', 'status', 'timestamp'].sort(),
    );
  });

  it('compares raw status words when no vocabulary is known', () => {
    expect(differingFields(event('core'), event('gateway', { status: 'SETTLED' })).has('status')).toBe(true);
  });

  it('flags an optional field present on one side only', () => {
    expect(differingFields(event('core', { reference: 'R1' }), event('gateway')).has('reference')).toBe(true);
  });
});

describe('tolerances', () => {
  it('compares amounts exactly against absolute and relative tolerances', () => {
    expect(amountsWithinTolerance('100.00', '100.50', '0.50')).toBe(true);
    expect(amountsWithinTolerance('100.00', '100.51', '0.50')).toBe(false);
    expect(amountsWithinTolerance('100.00', '99.00', '0', '0.01')).toBe(true);
    expect(amountsWithinTolerance('100.00', '98.99', '0', '0.01')).toBe(false);
    expect(amountsWithinTolerance('0.10000000', '0.1')).toBe(true);
  });

  it('reads instants to the nanosecond and ISO durations', () => {
    expect(parseInstant('2026-11-27T23:50:08.337409490Z')).toEqual({ seconds: Date.parse('2026-11-27T23:50:08Z') / 1000, nanos: 337409490 });
    expect(durationMs('PT5M')).toBe(300_000);
    expect(durationMs('PT0.5S')).toBe(500);
    expect(durationMs('P1DT1H')).toBe(90_000_000);
  });

  it('tells a break from a tolerated or an uncompared difference', () => {
    const options = { timestampSkew: 'PT5M', amountToleranceAbsolute: '0.01', amountToleranceRelative: '0' };
    const a = event('core', { counterparty: 'm-1' });
    expect(diffKind('timestamp', a, event('gateway', { timestamp: '2026-11-27T10:00:01.5Z' }), options)).toBe('tolerated');
    expect(diffKind('timestamp', a, event('gateway', { timestamp: '2026-11-27T10:06:00Z' }), options)).toBe('beyond');
    expect(diffKind('amount', a, event('gateway', { amount: '100.01' }), options)).toBe('tolerated');
    expect(diffKind('amount', a, event('gateway', { amount: '100.02' }), options)).toBe('beyond');
    expect(diffKind('counterparty', a, event('gateway', { counterparty: 'm-2' }), options)).toBe('informational');
    expect(diffKind('currency', a, event('gateway', { currency: 'USD' }), options)).toBe('beyond');
  });
});

describe('EventColumns', () => {
  it('shows one column per source, reference first, and highlights the differing cells only', () => {
    render(
      <EventColumns
        events={{
          gateway: [stored(event('gateway', { amount: '100.50', status: 'SETTLED' }))],
          core: [stored(event('core'))],
          mobile: [stored(event('mobile', { status: 'DONE', currency: 'USD' }))],
        }}
        order={['core', 'gateway', 'mobile']}
        missing={[]}
        options={{ statusVocabularies: vocabularies }}
      />,
    );
    const headers = screen.getAllByTestId('event-column').map((th) => th.textContent);
    expect(headers[0]).toContain('core');
    expect(headers[1]).toContain('gateway');
    expect(headers[2]).toContain('mobile');

    const table = screen.getByTestId('event-columns');
    const flagged = [...table.querySelectorAll<HTMLTableCellElement>('td[data-differs="true"]')].map((td) => `${td.cellIndex}:${td.getAttribute('data-field')}`);
    // cell index 0 is the field name; 1 core, 2 gateway, 3 mobile
    expect(flagged.sort()).toEqual(['2:amount', '3:currency'].sort());
    const amountRow = within(table).getByText('Amount').closest('tr')!;
    expect(amountRow.querySelectorAll('td')[1].classList.contains('cell-diff')).toBe(true);
    expect(within(amountRow).getByText('differs')).toBeTruthy();
  });

  it('marks differences within tolerance and uncompared fields apart from breaks', () => {
    render(
      <EventColumns
        events={{
          core: [stored(event('core', { counterparty: 'm-1' }))],
          gateway: [stored(event('gateway', { status: 'SETTLED', timestamp: '2026-11-27T10:00:02Z', counterparty: 'm-2' }))],
        }}
        order={['core', 'gateway']}
        missing={[]}
        options={{ statusVocabularies: vocabularies, timestampSkew: 'PT5M' }}
      />,
    );
    const kinds = [...screen.getByTestId('event-columns').querySelectorAll('td[data-differs="true"]')].map(
      (td) => `${td.getAttribute('data-field')}:${td.getAttribute('data-diff-kind')}`,
    );
    expect(kinds.sort()).toEqual(['counterparty:informational', 'timestamp:tolerated']);
    expect(screen.getByText('within tolerance')).toBeTruthy();
    expect(screen.getByText('differs · not compared')).toBeTruthy();
  });

  it('adds an empty column for a source that never reported and a column per repeat report', () => {
    render(
      <EventColumns
        events={{
          core: [stored(event('core')), stored(event('core', { event_id: 'core-2', amount: '99.00' }))],
          gateway: [stored(event('gateway', { status: 'SETTLED' }))],
        }}
        order={['core', 'gateway', 'mobile']}
        missing={['mobile']}
        options={{ statusVocabularies: vocabularies }}
      />,
    );
    const headers = screen.getAllByTestId('event-column').map((th) => th.textContent ?? '');
    expect(headers).toHaveLength(4);
    expect(headers[1]).toContain('core #2');
    expect(headers[3]).toContain('never reported');
    const flagged = [...screen.getByTestId('event-columns').querySelectorAll('td[data-differs="true"]')].map(
      (td) => `${(td as HTMLTableCellElement).cellIndex}:${td.getAttribute('data-field')}`,
    );
    expect(flagged).toEqual(['2:amount']);
  });
});
