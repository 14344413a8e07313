// Admin page: rules in force, in-process simulator control, and the embedded issuer's users.
import { useEffect, useState } from 'preact/hooks';
import { CheckboxGroup, Loading, Notice, ProblemMessage, Section } from '../components/ui';
import { Api } from '../lib/api';
import { authConfig, me } from '../lib/auth';
import { formatCount, formatDuration, formatInstant } from '../lib/format';
import { useStore } from '../lib/store';
import { ROLES, type Rules, type SimulatorStatus, type User } from '../lib/types';

export function AdminPage() {
  const config = useStore(authConfig);
  return (
    <div class="page">
      <div class="page-head">
        <h1>Administration</h1>
      </div>
      <SimulatorPanel />
      <RulesPanel />
      {config?.mode === 'embedded' ? (
        <UsersPanel />
      ) : (
        <Section title="Users" id="users">
          <p class="muted">Users and roles are managed in the identity provider ({config?.issuer}).</p>
        </Section>
      )}
    </div>
  );
}

const SCENARIOS = [
  { id: 'seed', label: 'seed — realistic mix of every defect' },
  { id: 'clean', label: 'clean — no defects' },
  { id: 'chaos', label: 'chaos — heavy defects and disorder' },
  { id: 'burst', label: 'burst — traffic spikes' },
];

function SimulatorPanel() {
  const [status, setStatus] = useState<SimulatorStatus | null>(null);
  const [scenario, setScenario] = useState('seed');
  const [rate, setRate] = useState('200');
  const [transactions, setTransactions] = useState('2000');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState('');

  const refresh = async () => {
    try {
      setStatus(await Api.simulator());
    } catch (err) {
      setError(err);
    }
  };

  // the simulator's progress is not pushed: ask for it while this panel is shown
  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, 2000);
    return () => clearInterval(timer);
  }, []);

  const start = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setMessage('');
    try {
      await Api.startSimulator(scenario, Number(rate), Number(transactions));
      setMessage(`Simulator started: ${scenario}, ${rate} transactions/s, ${transactions} transactions.`);
      await refresh();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const stop = async () => {
    setBusy(true);
    setError(null);
    setMessage('');
    try {
      await Api.stopSimulator();
      setMessage('Simulator stopping.');
      await refresh();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const running = !!status?.running;
  return (
    <Section title="Simulator" id="simulator">
      <p class="muted small">Generates three-source traffic inside this Accord (straight to ingestion), to exercise the pipeline and the dashboard.</p>
      <div class="sim-status" data-testid="simulator-status" role="status">
        {status === null ? (
          'Loading…'
        ) : running ? (
          <>
            <span class="badge status-pending">RUNNING</span> {status.scenario} at {formatCount(status.rate)}/s · {formatCount(status.sent)} sent of{' '}
            {formatCount(status.transactions)} transactions · started {formatInstant(status.started_at)}
          </>
        ) : (
          <>
            <span class="badge">IDLE</span>
            {status.started_at ? ` Last run: ${status.scenario}, ${formatCount(status.sent)} sent, started ${formatInstant(status.started_at)}` : ' No run yet.'}
          </>
        )}
      </div>
      {message && <Notice kind="success">{message}</Notice>}
      <ProblemMessage error={error} />
      <form class="inline-form" onSubmit={start}>
        <div class="field">
          <label for="sim-scenario">Scenario</label>
          <select id="sim-scenario" value={scenario} onChange={(e) => setScenario((e.currentTarget as HTMLSelectElement).value)} data-testid="simulator-scenario">
            {SCENARIOS.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="sim-rate">Rate (transactions/s)</label>
          <input id="sim-rate" type="number" min={1} max={100000} required value={rate} onInput={(e) => setRate((e.currentTarget as HTMLInputElement).value)} data-testid="simulator-rate" />
        </div>
        <div class="field">
          <label for="sim-count">Transactions</label>
          <input
            id="sim-count"
            type="number"
            min={1}
            max={10000000}
            required
            value={transactions}
            onInput={(e) => setTransactions((e.currentTarget as HTMLInputElement).value)}
            data-testid="simulator-transactions"
          />
        </div>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy || running} data-testid="simulator-start">
            Start
          </button>
          <button type="button" class="btn btn-danger" disabled={busy || !running} onClick={stop} data-testid="simulator-stop">
            Stop
          </button>
        </div>
      </form>
    </Section>
  );
}

function RulesPanel() {
  const [rules, setRules] = useState<Rules | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    Api.rules().then(setRules).catch(setError);
  }, []);
  if (error) {
    return (
      <Section title="Rules in force" id="rules">
        <ProblemMessage error={error} />
      </Section>
    );
  }
  if (!rules) {
    return (
      <Section title="Rules in force" id="rules">
        <Loading />
      </Section>
    );
  }
  const vocabularies = rules.status_vocabularies ?? {};
  return (
    <Section title="Rules in force" id="rules">
      <dl class="facts" data-testid="rules">
        <div>
          <dt>Sources (reference first)</dt>
          <dd>{rules.sources.join(', ')}</dd>
        </div>
        <div>
          <dt>Expected sources</dt>
          <dd>{rules.expected_sources.join(', ')}</dd>
        </div>
        <div>
          <dt>Window before MISSING</dt>
          <dd>{formatDuration(rules.window)}</dd>
        </div>
        <div>
          <dt>Amount tolerance</dt>
          <dd>
            ±{rules.amount_tolerance_absolute} absolute, {rules.amount_tolerance_relative} relative
          </dd>
        </div>
        <div>
          <dt>Timestamp skew</dt>
          <dd>{formatDuration(rules.timestamp_skew)}</dd>
        </div>
      </dl>
      <h3>Status vocabularies</h3>
      <div class="vocab-grid">
        {Object.entries(vocabularies).map(([source, words]) => (
          <div class="table-wrap" key={source}>
            <table class="table compact">
              <caption>{source}</caption>
              <thead>
                <tr>
                  <th scope="col">Word</th>
                  <th scope="col">Canonical</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(words).map(([word, canonical]) => (
                  <tr key={word}>
                    <td class="mono">{word}</td>
                    <td>{canonical}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      </div>
    </Section>
  );
}

function UsersPanel() {
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const load = () =>
    Api.users()
      .then((page) => {
        setUsers(page.items);
        setError(null);
      })
      .catch(setError);
  useEffect(() => {
    load();
  }, []);

  return (
    <Section title="Users of the embedded issuer" id="users">
      <ProblemMessage error={error} />
      {!users && !error && <Loading />}
      {users && (
        <div class="table-wrap">
          <table class="table" data-testid="users-table">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Roles</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((user) =>
                editing === user.username ? (
                  <tr key={user.username}>
                    <td colSpan={4}>
                      <EditUser
                        user={user}
                        onDone={() => {
                          setEditing(null);
                          load();
                        }}
                        onCancel={() => setEditing(null)}
                      />
                    </td>
                  </tr>
                ) : (
                  <tr key={user.username}>
                    <td class="mono">{user.username}</td>
                    <td>{user.roles.join(', ')}</td>
                    <td>{user.disabled ? <span class="badge status-missing">disabled</span> : 'active'}</td>
                    <td>
                      <button type="button" class="btn btn-small" onClick={() => setEditing(user.username)} aria-label={`Edit ${user.username}`}>
                        Edit
                      </button>
                    </td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        </div>
      )}
      <CreateUser onCreated={load} />
    </Section>
  );
}

function EditUser({ user, onDone, onCancel }: { user: User; onDone: () => void; onCancel: () => void }) {
  const who = useStore(me);
  const [roles, setRoles] = useState<string[]>(user.roles);
  const [disabled, setDisabled] = useState(user.disabled);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const self = who?.name === user.username;
  const save = async (e: Event) => {
    e.preventDefault();
    const change: { roles?: string[]; disabled?: boolean; password?: string } = {};
    if (roles.join() !== user.roles.join()) change.roles = roles;
    if (disabled !== user.disabled) change.disabled = disabled;
    if (password) change.password = password;
    if (Object.keys(change).length === 0) return onCancel();
    setBusy(true);
    setError(null);
    try {
      await Api.updateUser(user.username, change);
      onDone();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <form class="form edit-user" onSubmit={save} aria-label={`Edit ${user.username}`}>
      <strong class="mono">{user.username}</strong>
      <ProblemMessage error={error} />
      <CheckboxGroup legend="Roles" name={`roles-${user.username}`} options={ROLES} selected={roles} onChange={setRoles} />
      <label class="check">
        <input type="checkbox" checked={disabled} disabled={self} onChange={(e) => setDisabled((e.currentTarget as HTMLInputElement).checked)} />
        Disabled {self && <span class="muted small">(not your own account)</span>}
      </label>
      <div class="field">
        <label for={`pw-${user.username}`}>New password (optional, at least 12 characters)</label>
        <input id={`pw-${user.username}`} type="password" autoComplete="new-password" minLength={12} value={password} onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)} />
      </div>
      <p class="muted small">Saving revokes the user's refresh tokens.</p>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy || roles.length === 0}>
          Save
        </button>
        <button type="button" class="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function CreateUser({ onCreated }: { onCreated: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [roles, setRoles] = useState<string[]>(['operator']);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone('');
    try {
      await Api.createUser(username.trim(), password, roles);
      setDone(`User ${username.trim()} created.`);
      setUsername('');
      setPassword('');
      onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form create-user" onSubmit={submit} aria-labelledby="create-user-title">
      <h3 id="create-user-title">Add a user</h3>
      {done && <Notice kind="success">{done}</Notice>}
      <ProblemMessage error={error} />
      <div class="inline-form">
        <div class="field">
          <label for="new-username">Username</label>
          <input id="new-username" required pattern="[A-Za-z0-9._@\-]{1,64}" autoComplete="off" value={username} onInput={(e) => setUsername((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="new-password">Password (at least 12 characters)</label>
          <input id="new-password" type="password" required minLength={12} autoComplete="new-password" value={password} onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)} />
        </div>
      </div>
      <CheckboxGroup legend="Roles" name="new-roles" options={ROLES} selected={roles} onChange={setRoles} />
      <button type="submit" class="btn btn-primary" disabled={busy || roles.length === 0}>
        Create user
      </button>
    </form>
  );
}
