// Shapes of the Accord API and event-bus messages the dashboard reads (see openapi.yaml).

export type ResultStatus = 'PENDING' | 'MATCHED' | 'MISMATCHED' | 'MISSING';
export const RESULT_STATUSES: ResultStatus[] = ['PENDING', 'MATCHED', 'MISMATCHED', 'MISSING'];

export type DiscrepancyType = 'AMOUNT' | 'CURRENCY' | 'STATUS' | 'ACCOUNT' | 'TIMESTAMP' | 'MISSING' | 'DUPLICATE';
export const DISCREPANCY_TYPES: DiscrepancyType[] = ['AMOUNT', 'CURRENCY', 'STATUS', 'ACCOUNT', 'TIMESTAMP', 'MISSING', 'DUPLICATE'];

export type Role = 'admin' | 'operator' | 'auditor' | 'ingestor';
export const ROLES: Role[] = ['admin', 'operator', 'auditor', 'ingestor'];

export type ResolutionKind = 'RESOLVED' | 'WRITTEN_OFF' | 'FALSE_POSITIVE' | 'ESCALATED';
export const RESOLUTION_KINDS: ResolutionKind[] = ['RESOLVED', 'WRITTEN_OFF', 'FALSE_POSITIVE', 'ESCALATED'];

export interface Discrepancy {
  type: DiscrepancyType;
  source_a: string;
  source_b?: string | null;
  value_a?: string | null;
  value_b?: string | null;
  difference?: string | null;
}

export interface Resolution {
  id?: number;
  result_version: number;
  resolution: ResolutionKind;
  reason: string;
  resolved_by: string;
  resolved_at: string;
}

export interface Result {
  txn_id: string;
  status: ResultStatus;
  sources_seen: string[];
  sources_missing: string[];
  discrepancies: Discrepancy[];
  amount?: string | null;
  currency?: string | null;
  first_seen_at: string;
  updated_at: string;
  version: number;
  resolution?: Resolution | null;
}

export interface ResultPage {
  items: Result[];
  next_cursor?: string | null;
}

export interface TransactionEvent {
  event_id: string;
  source: string;
  txn_id: string;
  amount: string;
  currency: string;
  status: string;
  account: string;
  timestamp: string;
  channel?: string;
  counterparty?: string;
  reference?: string;
  metadata?: Record<string, string>;
  [extra: string]: unknown;
}

export interface StoredEvent {
  event: TransactionEvent;
  received_at: string;
  via: string;
}

export interface HistoryEntry {
  at: string;
  from: string | null;
  to: string;
  version: number;
  discrepancy_types: string[];
}

export interface Annotation {
  id?: number;
  author: string;
  text: string;
  created_at: string;
}

export interface TransactionDetail {
  result: Result;
  events: Record<string, StoredEvent[]>;
  conflicts: StoredEvent[];
  history: HistoryEntry[];
  annotations?: Annotation[];
  resolutions?: Resolution[];
}

export interface Stats {
  by_status: Record<string, number>;
  by_discrepancy_type: Record<string, number>;
  by_source: Record<string, number>;
  open: number;
  events_per_second: number;
  rejected: number;
  conflicts: number;
  /** Only on the pushed digest. */
  at?: string;
  last_seen_by_source?: Record<string, string>;
}

/** One item of an `accord.push.results` batch. */
export interface ResultChange {
  txn_id: string;
  status: ResultStatus;
  previous_status?: ResultStatus | null;
  version: number;
  discrepancy_types: string[];
  sources_seen: string[];
  sources_missing: string[];
  amount?: string | null;
  currency?: string | null;
  updated_at: string;
}

export interface AuditRow {
  seq: number;
  occurred_at: string;
  actor: string;
  action: string;
  resource_type: string;
  resource_id: string;
  outcome: 'success' | 'denied' | 'error' | string;
  details: Record<string, unknown>;
  hash?: string;
}

export interface AuditPage {
  items: AuditRow[];
  next_cursor?: string | null;
}

export interface ChainStatus {
  intact: boolean;
  rows_checked: number;
  first_broken?: { seq: number; reason: string } | null;
}

export interface Rules {
  sources: string[];
  expected_sources: string[];
  window: string;
  amount_tolerance_absolute: string;
  amount_tolerance_relative: string;
  timestamp_skew: string;
  status_vocabularies: Record<string, Record<string, string>>;
  [extra: string]: unknown;
}

export interface SimulatorStatus {
  running: boolean;
  scenario?: string | null;
  rate?: number | null;
  transactions?: number | null;
  sent?: number | null;
  started_at?: string | null;
}

export interface User {
  username: string;
  roles: Role[];
  disabled: boolean;
}

export interface AuthConfig {
  mode: 'embedded' | 'oidc';
  issuer: string;
  token_endpoint: string;
  authorization_endpoint: string | null;
  end_session_endpoint: string | null;
  client_id: string;
}

export interface TokenResponse {
  access_token: string;
  token_type?: string;
  expires_in: number;
  refresh_token?: string;
  refresh_expires_in?: number;
  id_token?: string;
  roles?: string[];
}

export interface Me {
  name: string;
  roles: string[];
}
