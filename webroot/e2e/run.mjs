// End-to-end scenario of the dashboard in headless Chromium (playwright-core) against a running Accord; exits non-zero on any broken expectation.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const SCREENSHOT_DIR = resolve(process.env.SCREENSHOT_DIR || 'screenshots');
const PASSWORDS = {
  admin: process.env.ADMIN_PASSWORD,
  operator: process.env.OPERATOR_PASSWORD,
  auditor: process.env.AUDITOR_PASSWORD,
};
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 375, height: 812 };

for (const [user, password] of Object.entries(PASSWORDS)) {
  if (!password) fail(`${user.toUpperCase()}_PASSWORD is not set`);
}
mkdirSync(SCREENSHOT_DIR, { recursive: true });

const started = Date.now();
const pageErrors = [];
const foreignRequests = [];
let page;
let browser;

function log(message) {
  console.log(`[e2e +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
}

function fail(message) {
  console.error(`\nE2E FAILED: ${message}`);
  process.exitCode = 1;
  throw new Error(message);
}

function expect(condition, message) {
  if (!condition) fail(message);
}

async function step(name, fn) {
  log(`▶ ${name}`);
  try {
    await fn();
  } catch (error) {
    if (process.exitCode !== 1) {
      console.error(`\nE2E FAILED in step "${name}": ${error?.message ?? error}`);
      process.exitCode = 1;
    }
    throw error;
  }
}

async function shot(name, fullPage = true) {
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  // from the top, so the sticky header sits where it belongs in a full-page picture
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(100);
  await page.screenshot({ path, fullPage });
  log(`  screenshot ${path}`);
}

const byTestId = (id) => page.locator(`[data-testid="${id}"]`);

async function waitFor(predicate, timeoutMs, what, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await predicate();
    if (last) return last;
    await page.waitForTimeout(intervalMs);
  }
  fail(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}

async function login(user, { keyboard = false } = {}) {
  await page.goto(`${BASE_URL}/#/overview`);
  await page.locator('#login-username').waitFor({ timeout: 20_000 });
  if (keyboard) {
    // keyboard only: focus the field, type, Tab to the password, Enter submits
    await page.focus('#login-username');
    await page.keyboard.type(user);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORDS[user]);
    await page.keyboard.press('Enter');
  } else {
    await page.fill('#login-username', user);
    await page.fill('#login-password', PASSWORDS[user]);
    await byTestId('login-submit').click();
  }
  const who = byTestId('whoami');
  await who.waitFor({ timeout: 15_000 }).catch(async () => {
    const problem = await page.locator('.problem').textContent().catch(() => null);
    fail(`${user} could not sign in${problem ? `: ${problem}` : ''}`);
  });
  const text = await who.textContent();
  expect(text.includes(user), `the header names the signed-in user ${user} (shows "${text}")`);
  log(`  signed in as ${user}`);
}

async function logout() {
  await byTestId('logout').click();
  await page.locator('#login-username').waitFor({ timeout: 10_000 });
  const stored = await page.evaluate(() => sessionStorage.getItem('accord.session'));
  expect(stored === null, 'logging out clears the tokens from sessionStorage');
  log('  logged out');
}

async function navigate(section) {
  await byTestId(`nav-${section}`).click();
  await page.waitForFunction((s) => location.hash.startsWith(`#/${s}`), section);
}

async function waitLive() {
  await waitFor(async () => (await byTestId('connection-status').textContent())?.includes('Live'), 15_000, 'the live connection');
}

/** Results rows, as {txn, status}. */
async function resultRows() {
  return page.$$eval('[data-testid="result-row"]', (rows) =>
    rows.map((row) => ({ txn: row.querySelector('a')?.textContent ?? '', status: row.querySelector('.badge')?.textContent ?? '' })),
  );
}

/** Waits until the results table shows the page loaded for a query containing `part`. */
async function waitLoaded(part) {
  await waitFor(async () => ((await byTestId('results-table').getAttribute('data-loaded-query')) ?? '').includes(part), 15_000, `results loaded for ${part}`);
}

async function filterMismatched() {
  await page.goto(`${BASE_URL}/#/results`);
  await byTestId('results-table').waitFor();
  await page.check('input[name="status"][value="MISMATCHED"]');
  await byTestId('apply-filters').click();
  await page.waitForFunction(() => location.hash.includes('status=MISMATCHED'));
  await waitLoaded('status=MISMATCHED');
  await waitFor(async () => (await resultRows()).length > 0, 20_000, 'MISMATCHED results');
  const rows = await resultRows();
  expect(rows.every((r) => r.status === 'MISMATCHED'), `every row of the filtered page is MISMATCHED (got ${[...new Set(rows.map((r) => r.status))]})`);
  return rows;
}

/** Opens unresolved MISMATCHED breaks from the filtered results until one is found; returns its id. */
async function openUnresolvedBreak(skip = new Set()) {
  const rows = await filterMismatched();
  for (const row of rows) {
    if (skip.has(row.txn)) continue;
    await page.goto(`${BASE_URL}/#/transactions/${encodeURIComponent(row.txn)}`);
    await waitFor(async () => ((await page.locator('.txn-title').textContent().catch(() => '')) ?? '').includes(row.txn), 15_000, `the drill-down of ${row.txn}`);
    await byTestId('event-columns').waitFor({ timeout: 15_000 });
    const status = await page.locator('.txn-title .badge').textContent();
    const resolved = await byTestId('resolution').count();
    if (status === 'MISMATCHED' && resolved === 0) return row.txn;
  }
  fail('no unresolved MISMATCHED transaction found on the first page of results');
}

async function main() {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: DESKTOP });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  // everything must come from Accord itself: no CDN, no third party
  const origin = new URL(BASE_URL).origin;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    foreignRequests.push(url);
    return route.abort();
  });

  await step('admin signs in', () => login('admin'));

  await step('admin starts the simulator from the Admin page', async () => {
    await navigate('admin');
    await byTestId('simulator-status').waitFor();
    await waitFor(async () => !(await byTestId('simulator-status').textContent()).includes('Loading'), 10_000, 'the simulator status');
    if (await byTestId('simulator-stop').isEnabled()) {
      log('  a simulator run is going: stopping it first');
      await byTestId('simulator-stop').click();
      await waitFor(async () => byTestId('simulator-start').isEnabled(), 20_000, 'the previous run to stop');
    }
    await byTestId('simulator-scenario').selectOption('seed');
    await byTestId('simulator-rate').fill('200');
    await byTestId('simulator-transactions').fill('2000');
    await byTestId('simulator-start').click();
    await waitFor(async () => {
      const problem = await page.locator('.problem').count();
      if (problem) fail(`starting the simulator failed: ${await page.locator('.problem').first().textContent()}`);
      return (await byTestId('simulator-status').textContent()).includes('RUNNING');
    }, 10_000, 'the simulator to report that it runs');
    log(`  ${await byTestId('simulator-status').textContent()}`);
  });

  await step('Overview: the live feed gains items without a reload', async () => {
    await navigate('overview');
    await waitLive();
    // a marker on window proves that no reload happens while we watch
    await page.evaluate(() => (window.__e2eMarker = 'still-here'));
    const feed = byTestId('feed-item');
    const before = await feed.count();
    const firstBefore = before ? await feed.first().textContent() : null;
    const after = await waitFor(
      async () => {
        const n = await feed.count();
        if (n > before) return { n };
        // at the cap the count stays; a new item on top is growth too
        if (n === before && n > 0 && (await feed.first().textContent()) !== firstBefore) return { n, replaced: true };
        return null;
      },
      10_000,
      `the live feed to gain items (had ${before})`,
    );
    const marker = await page.evaluate(() => window.__e2eMarker);
    expect(marker === 'still-here', 'the page was not reloaded while the feed grew');
    log(`  feed items: ${before} → ${after.n}${after.replaced ? ' (newest item replaced at the cap)' : ''}`);
    const firstTxn = (await feed.first().textContent()).trim();
    expect(firstTxn.length > 0, 'a feed item shows its transaction id');
    const href = await feed.first().getAttribute('href');
    expect(href === `#/transactions/${encodeURIComponent(firstTxn)}`, `a feed item links to its drill-down (href ${href})`);
    await waitFor(async () => (await byTestId('tile-eps').textContent()).match(/\d/), 10_000, 'the events/s figure');
    await page.waitForTimeout(1500); // a couple more digests for the throughput line
    await shot('overview');
  });

  let mismatchedTxn;
  await step('Results: filter MISMATCHED, page Next and back', async () => {
    await navigate('results');
    await byTestId('results-table').waitFor();
    await page.check('input[name="status"][value="MISMATCHED"]');
    await byTestId('apply-filters').click();
    await page.waitForFunction(() => location.hash.includes('status=MISMATCHED'));
    await waitLoaded('status=MISMATCHED');
    // enough breaks for a second page: 50 rows a page, waiting for the simulator if needed
    await page.selectOption('.inline-field select', '50');
    await page.waitForFunction(() => location.hash.includes('limit=50'));
    await waitLoaded('limit=50');
    await waitFor(
      async () => {
        if (await byTestId('page-next').isEnabled()) return true;
        await byTestId('apply-filters').click();
        return false;
      },
      45_000,
      'more than one page of MISMATCHED results',
      1500,
    );
    const first = await resultRows();
    expect(first.length === 50, `a full first page of 50 rows (got ${first.length})`);
    expect(first.every((r) => r.status === 'MISMATCHED'), 'every row of page 1 is MISMATCHED');
    await byTestId('page-next').click();
    await waitFor(async () => (await page.locator('.pager-page').textContent()).includes('Page 2'), 10_000, 'page 2');
    await waitFor(async () => {
      const rows = await resultRows();
      return rows.length > 0 && rows[0].txn !== first[0].txn;
    }, 10_000, 'the rows of page 2');
    const second = await resultRows();
    expect(second.every((r) => r.status === 'MISMATCHED'), 'every row of page 2 is MISMATCHED');
    expect(!second.some((r) => first.some((f) => f.txn === r.txn)), 'page 2 does not repeat page 1');
    await byTestId('page-previous').click();
    await waitFor(async () => (await page.locator('.pager-page').textContent()).includes('Page 1'), 10_000, 'back on page 1');
    // page 1 is fetched afresh: while traffic flows, newer breaks may have joined it, but none of page 2's
    await waitFor(async () => {
      const rows = await resultRows();
      return rows.length > 0 && !rows.some((r) => second.some((s) => s.txn === r.txn));
    }, 10_000, 'page 1 again (rows newer than page 2)');
    const again = await resultRows();
    expect(again.every((r) => r.status === 'MISMATCHED'), 'every row of page 1 is MISMATCHED after paging back');
    expect(await byTestId('page-previous').isDisabled(), 'Previous is disabled on page 1');
    mismatchedTxn = (await resultRows())[0].txn;
    await shot('results');
  });

  await step('Drill-down of a MISMATCHED transaction', async () => {
    await page.locator('[data-testid="result-row"] a').first().click();
    await page.waitForFunction(() => location.hash.startsWith('#/transactions/'));
    await page.locator('.txn-title').waitFor();
    await byTestId('event-columns').waitFor();
    const title = await page.locator('.txn-title').textContent();
    expect(title.includes(mismatchedTxn), `the drill-down shows ${mismatchedTxn} (shows "${title}")`);
    const columns = await byTestId('event-column').count();
    expect(columns >= 2, `at least two sources side by side (got ${columns})`);
    expect((await byTestId('discrepancies').count()) === 1, 'the discrepancies of a MISMATCHED transaction are listed');
    await byTestId('txn-audit').waitFor();
    await shot('drilldown');
  });

  await step('Analytics', async () => {
    await navigate('analytics');
    await byTestId('chart-by-type').waitFor();
    await waitFor(async () => (await page.locator('.page-head p').textContent()).includes('Breakdowns of'), 20_000, 'the analytics pages of results');
    await page.waitForTimeout(800);
    await shot('analytics');
  });

  await step('Audit page: the chain is intact', async () => {
    await navigate('audit');
    const badge = byTestId('chain-status');
    await waitFor(async () => (await badge.getAttribute('data-intact')) !== null, 30_000, 'the chain check');
    const text = await badge.textContent();
    expect((await badge.getAttribute('data-intact')) === 'true' && /intact/i.test(text), `the audit chain is intact (badge: "${text}")`);
    await waitFor(async () => (await byTestId('audit-row').count()) > 0, 10_000, 'audit rows');
    await shot('audit');
  });

  await step('Admin page', async () => {
    await navigate('admin');
    await byTestId('rules').waitFor();
    await byTestId('users-table').waitFor();
    await page.waitForTimeout(500);
    await shot('admin');
  });

  await step('admin stops the simulator and logs out', async () => {
    if (await byTestId('simulator-stop').isEnabled()) {
      await byTestId('simulator-stop').click();
      await waitFor(async () => byTestId('simulator-start').isEnabled(), 20_000, 'the simulator to stop');
      log('  simulator stopped');
    } else {
      log('  the simulator had already sent all its transactions');
    }
    const status = await page.evaluate(async () => {
      const token = JSON.parse(sessionStorage.getItem('accord.session')).accessToken;
      const response = await fetch('/api/v1/simulator', { headers: { Authorization: `Bearer ${token}` } });
      return response.json();
    });
    expect(status.running === false, `the simulator is not running (${JSON.stringify(status)})`);
    await logout();
  });

  let resolvedTxn;
  await step('operator resolves a MISMATCHED break with a reason', async () => {
    await login('operator', { keyboard: true });
    const nav = await page.$$eval('nav[aria-label="Main"] a', (links) => links.map((l) => l.textContent));
    expect(!nav.includes('Admin') && !nav.includes('Audit log'), `an operator sees no Admin or Audit navigation (sees ${nav.join(', ')})`);
    const tried = new Set();
    for (let attempt = 0; attempt < 3 && !resolvedTxn; attempt++) {
      const txn = await openUnresolvedBreak(tried);
      tried.add(txn);
      await byTestId('resolve-kind').selectOption('FALSE_POSITIVE');
      await byTestId('resolve-reason').fill('e2e: gateway confirmed the amount; duplicate advice ignored');
      await byTestId('resolve-button').click();
      const outcome = await waitFor(async () => {
        if (await byTestId('resolution').count()) return 'resolved';
        const problem = page.locator('#resolve .problem');
        if (await problem.count()) return `problem: ${await problem.textContent()}`;
        return null;
      }, 15_000, 'the resolution to show');
      if (outcome === 'resolved') resolvedTxn = txn;
      else log(`  ${txn}: ${outcome}; trying another break`);
    }
    expect(resolvedTxn, 'an operator resolved a break');
    const text = await byTestId('resolution').textContent();
    expect(text.includes('operator') && /FALSE.POSITIVE/.test(text), `the resolution names its kind and author ("${text}")`);
    expect((await byTestId('resolve-button').count()) === 0, 'the resolve controls are gone once resolved');
    log(`  resolved ${resolvedTxn}`);
    await logout();
  });

  await step('auditor: no resolve controls, a direct POST is refused with 403, and the audit shows the resolution', async () => {
    await login('auditor');
    const nav = await page.$$eval('nav[aria-label="Main"] a', (links) => links.map((l) => l.textContent));
    expect(nav.includes('Audit log') && !nav.includes('Admin'), `an auditor sees the audit log but not Admin (sees ${nav.join(', ')})`);
    const txn = await openUnresolvedBreak(new Set([resolvedTxn]));
    for (const id of ['resolve-button', 'resolve-reason', 'resolve-kind', 'annotate-button']) {
      expect((await byTestId(id).count()) === 0, `the auditor's drill-down of ${txn} has no ${id}`);
    }
    await byTestId('txn-audit').waitFor();
    const answer = await page.evaluate(async (id) => {
      const token = JSON.parse(sessionStorage.getItem('accord.session')).accessToken;
      const response = await fetch(`/api/v1/transactions/${encodeURIComponent(id)}/resolution`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ resolution: 'RESOLVED', reason: 'an auditor must not be able to do this' }),
      });
      return { status: response.status, body: await response.text() };
    }, txn);
    expect(answer.status === 403, `a resolution POSTed with the auditor's token answers 403 (got ${answer.status}: ${answer.body})`);
    log(`  direct POST as auditor: ${answer.status} ${answer.body.slice(0, 120)}`);

    await navigate('audit');
    await byTestId('audit-actor').fill('operator');
    await byTestId('audit-action').fill('api.resolveTransaction');
    await byTestId('audit-apply').click();
    await waitFor(
      async () => {
        const rows = await page.$$eval('[data-testid="audit-row"]', (trs) =>
          trs.map((tr) => ({
            actor: tr.querySelector('[data-testid="audit-actor-cell"]')?.textContent,
            action: tr.querySelector('[data-testid="audit-action-cell"]')?.textContent,
            text: tr.textContent,
          })),
        );
        if (rows.some((r) => r.actor === 'operator' && r.action === 'api.resolveTransaction' && r.text.includes(resolvedTxn) && r.text.includes('success'))) return true;
        await byTestId('audit-apply').click();
        return false;
      },
      15_000,
      `the audit entry of the operator's resolution of ${resolvedTxn}`,
      1000,
    );
    log(`  audit shows api.resolveTransaction by operator on ${resolvedTxn}`);
  });

  await step('a reload keeps the session (sessionStorage) and the live connection', async () => {
    await page.reload();
    await byTestId('whoami').waitFor({ timeout: 15_000 });
    expect((await byTestId('whoami').textContent()).includes('auditor'), 'still signed in as auditor after a reload');
    const stored = await page.evaluate(() => ({ local: localStorage.length, session: !!sessionStorage.getItem('accord.session') }));
    expect(stored.session && stored.local === 0, `tokens are in sessionStorage only (${JSON.stringify(stored)})`);
  });

  await step('phone width (375 × 812): overview', async () => {
    await page.setViewportSize(PHONE);
    // on a phone the navigation sits behind the menu button
    const menu = page.locator('.menu-toggle');
    expect(await menu.isVisible(), 'a phone-width page offers a Menu button');
    await menu.click();
    expect((await menu.getAttribute('aria-expanded')) === 'true', 'the Menu button says the menu is expanded');
    await navigate('overview');
    await waitLive();
    await page.waitForTimeout(1500);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow <= 1, `nothing overflows the phone width (${overflow}px too wide)`);
    await shot('overview-phone');
    await page.setViewportSize(DESKTOP);
  });

  expect(foreignRequests.length === 0, `the page asked for nothing outside Accord (asked for ${foreignRequests.slice(0, 5).join(', ')})`);
  expect(pageErrors.length === 0, `no script error in the page (${pageErrors.slice(0, 5).join(' | ')})`);
}

try {
  await main();
  log('E2E PASSED');
} catch (error) {
  if (process.exitCode !== 1) {
    console.error(`\nE2E FAILED: ${error?.stack ?? error}`);
    process.exitCode = 1;
  }
  if (page) await page.screenshot({ path: join(SCREENSHOT_DIR, 'failure.png'), fullPage: true }).catch(() => {});
} finally {
  await browser?.close().catch(() => {});
}
