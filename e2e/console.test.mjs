// Browser test of the web console (/_mock/ui): the system's Chromium, driven
// by playwright-core, against the real cdnmock binary; API calls are made
// by the real Alibaba Cloud Go SDK (sdkcall/).
//
//   cd e2e && npm ci && npm test
//
// CHROMIUM overrides the browser (default /usr/bin/chromium). The test
// writes docs/console.png, the README's screenshot.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let tmp, mockBin, mock, host, base, sdkBin, browser, page;
const outside = [];      // requests the page made to anywhere but the mock
const pageErrors = [];   // uncaught exceptions and console errors

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// eventually retries fn until it stops throwing, for up to ms.
async function eventually(fn, ms = 8000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > end) throw e;
      await sleep(100);
    }
  }
}

// sdk makes one CreateUserUsageDataExportTask call with the real Go SDK.
async function sdk(ak, ...args) {
  const { stdout } = await run(sdkBin, ['-endpoint', host, '-ak', ak, ...args]);
  return JSON.parse(stdout);
}

// startMock runs the built mock on a port the kernel picks, and returns the
// process and the host:port it says it serves on.
async function startMock(...flags) {
  const child = spawn(mockBin, ['--addr', '127.0.0.1:0', '--clock', '2026-11-25T12:00:00Z', ...flags], { stdio: ['ignore', 'ignore', 'pipe'] });
  const at = await new Promise((resolve, reject) => {
    let log = '';
    child.stderr.on('data', (d) => {
      log += d;
      const m = /serving .* on http:\/\/(\S+) /.exec(log);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`cdnmock exited ${code}:\n${log}`)));
    setTimeout(() => reject(new Error(`cdnmock did not start:\n${log}`)), 20000);
  });
  return { child, host: at };
}

async function admin(method, p, body) {
  const res = await fetch(base + p, {
    method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body && JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const entries = () => page.locator('#entries > li:not([hidden])');
const useButton = (name) => page.getByRole('button', { name: `Use ${name}`, exact: true }).first();
const createOp = 'CreateUserUsageDataExportTask';

// outcomes shows an operation's outcomes (a disclosure) and returns its region.
async function outcomes(op) {
  const toggle = page.getByRole('button', { name: new RegExp(`^${op}\\b`) });
  if (await toggle.getAttribute('aria-expanded') !== 'true') await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  return page.getByRole('region', { name: op, exact: true });
}
const useIn = async (op, scenario) => (await outcomes(op)).getByRole('button', { name: `Use ${scenario}`, exact: true });

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'cdnmock-e2e-'));
  sdkBin = path.join(tmp, 'sdkcall');
  await run('go', ['build', '-o', path.join(tmp, 'cdnmock'), '.'], { cwd: root });
  await run('go', ['build', '-o', sdkBin, './e2e/sdkcall'], { cwd: root });

  mockBin = path.join(tmp, 'cdnmock');
  ({ child: mock, host } = await startMock());
  base = `http://${host}`;

  browser = await chromium.launch({ executablePath, args: chromiumArgs });
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 }, colorScheme: 'light' });
  page = await context.newPage();
  page.on('request', (r) => { if (!r.url().startsWith(base + '/') && !r.url().startsWith('data:')) outside.push(r.url()); });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    // The console probes GET /_mock/tasks, which a build without the task
    // lifecycle answers 404: the browser logs that, and it is expected.
    if (m.type() === 'error' && !m.location().url.endsWith('/_mock/tasks')) pageErrors.push(`${m.text()} (${m.location().url})`);
  });
});

after(async () => {
  await browser?.close();
  mock?.kill('SIGTERM');
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

test('the console loads the spec, its outcomes and the state, from the mock only', async () => {
  const res = await page.goto(`${base}/_mock/ui`);
  assert.equal(res.status(), 200);
  assert.match(res.headers()['content-type'], /^text\/html/);
  await page.getByRole('heading', { name: createOp }).waitFor();
  assert.equal(await page.locator('#active-name').textContent(), 'default');
  // Each operation of the spec is listed, its outcomes behind a button that
  // works from the keyboard.
  const ops = (await admin('GET', '/_mock/operations')).body.operations.map((o) => o.name);
  for (const op of ops) await page.getByRole('region', { name: op, exact: true }).waitFor();
  const toggle = page.getByRole('button', { name: new RegExp(`^${createOp}\\b`) });
  if (await toggle.getAttribute('aria-expanded') === 'false') {
    await toggle.focus();
    await page.keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  }
  assert.equal(await (await useIn(createOp, 'default')).getAttribute('aria-pressed'), 'true');
  await (await useIn(createOp, 'InvalidTimeRange')).waitFor();
  await eventually(async () => assert.equal(await page.locator('#connection').textContent(), 'live'));
  assert.equal(await page.locator('#violations').textContent(), 'none');
  // Faults and scenario files are listed too.
  await useButton('fault:reset').waitFor();
  await useButton('export-refused').waitFor();
  // Loading the page put nothing in the journal (no stray /favicon.ico).
  assert.deepEqual((await admin('GET', '/_mock/requests')).body.requests, []);
});

test('a click makes InvalidTimeRange active, and the SDK gets it', async () => {
  await (await useIn(createOp, 'InvalidTimeRange')).click();
  await eventually(async () => assert.equal(await page.locator('#active-name').textContent(), 'InvalidTimeRange'));
  assert.equal(await (await useIn(createOp, 'InvalidTimeRange')).getAttribute('aria-pressed'), 'true');
  assert.equal(await (await useIn(createOp, 'default')).getAttribute('aria-pressed'), 'false');
  assert.equal((await admin('GET', '/_mock/scenarios')).body.active, 'InvalidTimeRange');

  const got = await sdk('AK-APP');
  assert.equal(got.code, 'InvalidTimeRange', JSON.stringify(got));
  assert.equal(got.status, 400);

  // The request shows up in the journal without a reload, newest first.
  const first = entries().first();
  await eventually(async () => {
    const text = await first.locator('summary').textContent();
    assert.match(text, /CreateUserUsageDataExportTask/);
    assert.match(text, /AK-APP/);
    assert.match(text, /400 InvalidTimeRange/);
  });
  // Expanded with the keyboard: decoded parameters, outcome, violations.
  await first.locator('summary').focus();
  await page.keyboard.press('Enter');
  const body = first.locator('.entry-body');
  await body.waitFor();
  const text = await body.textContent();
  assert.match(text, /StartTime2026-11-01T00:00:00Z/);
  assert.match(text, /EndTime2026-11-02T00:00:00Z/);
  assert.ok(text.includes(got.requestId), 'the entry shows the RequestId the SDK got');
  assert.match(text, /ScenarioInvalidTimeRange \(by active\)/);
  assert.match(text, /HTTP status400/);
  assert.match(text, /None: the request matches the spec/);
  assert.doesNotMatch(text, /Signature\b/, 'the signature is not journaled');
});

test('one access key is bound by keyboard and changed with its select', async () => {
  await page.getByLabel('One access key:').check();
  await page.locator('#target-key').fill('AK-BOUND');
  await (await useIn(createOp, 'InvalidParameterOperator')).focus();
  await page.keyboard.press('Enter');
  const select = page.getByLabel('Scenario for access key AK-BOUND');
  await eventually(async () => assert.equal(await select.inputValue(), 'InvalidParameterOperator'));
  assert.equal((await admin('GET', '/_mock/scenarios')).body.bindings['AK-BOUND'], 'InvalidParameterOperator');

  assert.equal((await sdk('AK-BOUND')).code, 'InvalidParameterOperator');
  assert.equal((await sdk('AK-APP')).code, 'InvalidTimeRange', 'other keys keep the active scenario');

  await select.selectOption('success');
  await eventually(async () => assert.equal((await admin('GET', '/_mock/scenarios')).body.bindings['AK-BOUND'], 'success'));
  // The state is read again every few seconds; the menu keeps the focus.
  await select.focus();
  await sleep(3500);
  assert.equal(await select.evaluate((el) => el === document.activeElement), true, 'the bindings menu lost the focus');
  const ok = await sdk('AK-BOUND');
  assert.equal(ok.ok, true, JSON.stringify(ok));
  assert.ok(ok.taskId);

  await page.getByLabel('Every caller').check();
  assert.equal(await (await useIn(createOp, 'InvalidTimeRange')).getAttribute('aria-pressed'), 'true');
});

test('the journal filters by action and by access key, and pauses', async () => {
  await fetch(`${base}/?Action=NoSuchAction&Version=2018-05-10&Format=JSON&AccessKeyId=AK-RAW`);
  await eventually(async () => assert.equal(await entries().count(), 5));

  await page.getByLabel('Access key', { exact: true }).fill('bound');
  await eventually(async () => assert.equal(await entries().count(), 2));
  assert.equal(await page.locator('#journal-count').textContent(), '2 of 5 requests shown');
  for (const t of await entries().locator('.key').allTextContents()) assert.equal(t, 'AK-BOUND');

  await page.getByLabel('Access key', { exact: true }).fill('');
  await page.getByLabel('Action', { exact: true }).selectOption('NoSuchAction');
  await eventually(async () => assert.equal(await entries().count(), 1));
  assert.match(await entries().first().textContent(), /404 InvalidAction\.NotFound/);
  await page.getByLabel('Action', { exact: true }).selectOption('');
  assert.equal(await entries().count(), 5);

  await page.getByRole('button', { name: 'Pause' }).click();
  await sdk('AK-APP');
  await eventually(async () => assert.match(await page.locator('#journal-count').textContent(), /paused \(1 new\)/));
  assert.equal(await entries().count(), 5);
  await page.getByRole('button', { name: 'Resume' }).click();
  assert.equal(await entries().count(), 6);
});

test('the violation counter counts requests that break the spec', async () => {
  const q = new URLSearchParams({ Action: 'CreateUserUsageDataExportTask', Version: '2018-05-10', Format: 'JSON',
    AccessKeyId: 'AK-RAW', StartTime: '2026-11-01T00:00:00Z', EndTime: '2026-11-02T00:00:00Z', Language: 'fr-fr' });
  await fetch(`${base}/?${q}`);
  await eventually(async () => assert.equal(await page.locator('#violations').textContent(), '1 request'));
  const first = entries().first();
  await eventually(async () => assert.match(await first.locator('.viol').textContent(), /1/));
  await first.locator('summary').click();
  assert.match(await first.locator('.violations').textContent(), /Language/);

  await page.getByRole('button', { name: 'Clear violations' }).click();
  await eventually(async () => assert.equal(await page.locator('#violations').textContent(), 'none'));
});

test('the tasks panel shows only when GET /_mock/tasks answers 200', async () => {
  const real = (await fetch(`${base}/_mock/tasks`)).status === 200;
  await eventually(async () => assert.equal(await page.locator('#tasks-panel').isHidden(), !real));
  if (real) {
    // This build has the task lifecycle: the button moves the server's clock.
    const before = (await admin('GET', '/_mock/clock')).body.now;
    await page.getByRole('button', { name: 'Advance clock' }).click();
    await eventually(async () => assert.equal(Date.parse((await admin('GET', '/_mock/clock')).body.now) - Date.parse(before), 120000));
  }

  // A listing served by the page's network layer shows how it renders,
  // whether or not this build has the endpoint.
  const fake = await browser.newPage();
  const posted = [];
  let now = '2026-11-25T12:00:00.123456789Z'; // an unpinned clock has nanoseconds
  await fake.route('**/_mock/tasks', (r) => r.fulfill({
    json: {
      now,
      accounts: [
        { accessKeyId: 'AK-APP', tasks: [{ taskId: '100001', family: 'usage', taskName: 'nightly', status: 'created', createTime: '2026-11-25T11:59:00Z' }] },
        { accessKeyId: 'AK-OTHER', tasks: [{ taskId: '100002', family: 'detail', taskName: 'weekly', status: 'success', createTime: '2026-11-25T11:00:00Z', downloadUrl: `${base}/_mock/downloads/x` }] },
      ],
    },
  }));
  await fake.route('**/_mock/clock', (r) => {
    posted.push(r.request().postDataJSON());
    now = '2026-11-25T12:02:00Z';
    return r.fulfill({ json: { now } });
  });
  await fake.goto(`${base}/_mock/ui/`);
  const panel = fake.getByRole('region', { name: 'Export tasks' });
  await panel.waitFor();
  // The clock to the second, not to the nanosecond.
  await eventually(async () => assert.equal(await fake.locator('#clock-now').textContent(), 'Server clock: 2026-11-25 12:00:00 UTC'));
  assert.equal(await panel.getByRole('table').count(), 2, 'one table per access key');
  assert.match(await panel.textContent(), /AK-APP.*100001.*usage.*nightly.*created.*11:59:00/s);
  assert.equal(await panel.getByRole('link', { name: 'download' }).count(), 1);
  await fake.getByRole('button', { name: 'Advance clock' }).click();
  await eventually(async () => assert.match(await fake.locator('#clock-now').textContent(), /12:02:00/));
  assert.deepEqual(posted, [{ advance: '2m' }]);
  await fake.close();
});

test('the Resources panel lists refresh tasks per access key, moves with the clock and empties on reset', async () => {
  // A mock of its own, so the journal the other tests count stays theirs.
  const own = await startMock();
  const ownBase = `http://${own.host}`;
  const ctx = await browser.newContext();
  try {
    const made = JSON.parse((await run(sdkBin, ['-endpoint', own.host, '-ak', 'AK-RES', '-action', 'refresh', '-path', 'http://example.com/a.css'])).stdout);
    assert.equal(made.ok, true, JSON.stringify(made));
    const p = await ctx.newPage();
    p.on('pageerror', (e) => pageErrors.push(String(e)));
    await p.goto(`${ownBase}/_mock/ui/`);
    const panel = p.locator('#resources-panel');
    await eventually(async () => assert.equal(await panel.isHidden(), false));
    const table = panel.getByRole('table', { name: 'cache-task items of AK-RES' });
    await eventually(async () => {
      const text = await table.textContent();
      for (const want of [made.taskId, 'http://example.com/a.css', 'Refreshing', '0%']) assert.ok(text.includes(want), `${want} in ${text}`);
    });
    assert.match(await p.locator('#resources-total').textContent(), /^1 item \(at most 10000 per resource\)$/);

    // The clock button moves the server's clock: the task is Complete.
    await p.getByRole('button', { name: 'Advance clock' }).click();
    await eventually(async () => {
      const text = await table.textContent();
      assert.ok(text.includes('Complete') && text.includes('100%') && !text.includes('Refreshing'), text);
    });

    // DELETE /_mock/resources forgets the items; the panel says so.
    assert.equal((await fetch(`${ownBase}/_mock/resources`, { method: 'DELETE' })).status, 200);
    await eventually(async () => assert.match(await panel.textContent(), /No item yet/));
    assert.equal(await panel.getByRole('table').count(), 0);
  } finally {
    await ctx.close();
    own.child.kill('SIGTERM');
  }
});

test('a search box finds operations, the export family first; coverage per operation', async () => {
  const own = await startMock();
  const ownBase = `http://${own.host}`;
  const p = await browser.newPage();
  try {
    await p.goto(`${ownBase}/_mock/ui`);
    await p.getByRole('region', { name: createOp, exact: true }).waitFor();
    // The operations that work on export tasks come first.
    const ops = (await (await fetch(`${ownBase}/_mock/operations`)).json()).operations;
    const family = ops.filter((o) => o.tasks).map((o) => o.name).sort();
    assert.ok(family.length >= 2, 'the spec has an export family');
    const listed = await p.locator('#operations section.op').evaluateAll((els) => els.map((e) => e.dataset.name));
    assert.deepEqual(listed.slice(0, family.length), family);
    assert.equal(listed.length, ops.length);

    const search = p.getByLabel('Find an operation');
    await search.fill('usagedata export');
    const shown = () => p.locator('#operations section.op:not([hidden])');
    await eventually(async () => assert.ok((await shown().count()) >= 2));
    for (const n of await shown().evaluateAll((els) => els.map((e) => e.dataset.name))) assert.match(n, /UsageData.*Export|Export.*UsageData/i);
    assert.match(await p.locator('#op-search-count').textContent(), /^\d+ of \d+ operations$/);
    await search.fill('NoSuchOperationAtAll');
    await eventually(async () => assert.equal(await shown().count(), 0));
    assert.match(await p.locator('#operations .no-match').textContent(), /No operation matches/);
    await search.press('Escape');
    await eventually(async () => assert.equal(await shown().count(), ops.length));

    // Served outcomes are counted per operation.
    await run(sdkBin, ['-endpoint', own.host, '-ak', 'AK-COV']);
    await p.getByRole('button', { name: /^CreateUserUsageDataExportTask / }).click();
    const region = p.getByRole('region', { name: createOp, exact: true });
    await eventually(async () => assert.equal(await region.locator('td.served[data-outcome="success"]').textContent(), '1×'), 10000);
    assert.equal(await region.locator('td.served[data-outcome="InvalidTimeRange"]').textContent(), '–');
    assert.match(await region.locator('.op-covered').textContent(), /^1\/\d+ served$/);
    assert.match(await p.locator('#coverage-total').textContent(), /Outcome coverage: 1 of \d+ documented outcomes served/);
  } finally {
    await p.close();
    own.child.kill('SIGTERM');
  }
});

test('the journal says it is loading until it is read, then that it is empty', async () => {
  const own = await startMock();
  const ownBase = `http://${own.host}`;
  const p = await browser.newPage();
  let release;
  const held = new Promise((r) => { release = r; });
  await p.route('**/_mock/requests?*', async (r) => { await held; await r.continue(); });
  try {
    await p.goto(`${ownBase}/_mock/ui`);
    await p.getByRole('region', { name: createOp, exact: true }).waitFor();
    assert.equal(await p.locator('#journal-empty').textContent(), 'Loading the journal…');
    assert.equal(await p.locator('#journal-count').textContent(), 'loading…');
    release();
    await eventually(async () => assert.match(await p.locator('#journal-empty').textContent(), /^No requests yet/));
    assert.equal(await p.locator('#journal-count').textContent(), '0 requests');
  } finally {
    await p.close();
    own.child.kill('SIGTERM');
  }
});

test('one access key is unbound on its own; a scenario with no outcome says so', async () => {
  const own = await startMock();
  const ownBase = `http://${own.host}`;
  const put = (body) => fetch(`${ownBase}/_mock/scenario`, { method: 'PUT', body: JSON.stringify(body) });
  await put({ scenario: 'InvalidTimeRange', accessKeyId: 'AK-ONE' });
  await put({ scenario: 'InternalError', accessKeyId: 'AK-TWO' });
  const p = await browser.newPage();
  try {
    await p.goto(`${ownBase}/_mock/ui`);
    await p.getByLabel('Scenario for access key AK-ONE').waitFor();
    await p.getByRole('button', { name: 'Unbind access key AK-ONE' }).click();
    await eventually(async () => assert.equal(await p.getByLabel('Scenario for access key AK-ONE').count(), 0));
    const st = await (await fetch(`${ownBase}/_mock/scenarios`)).json();
    assert.deepEqual(st.bindings, { 'AK-TWO': 'InternalError' });
    assert.equal(await p.getByLabel('Scenario for access key AK-TWO').inputValue(), 'InternalError');

    // InvalidTimeRange has no outcome for the listing: answered as default, and the journal says so.
    const q = new URLSearchParams({ Action: 'DescribeUserUsageDataExportTask', Version: '2018-05-10', Format: 'JSON', AccessKeyId: 'AK-W' });
    const res = await fetch(`${ownBase}/?${q}`, { headers: { 'X-Mock-Scenario': 'InvalidTimeRange' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('x-mock-warning'), /has no outcome for DescribeUserUsageDataExportTask/);
    const entry = p.locator('#entries > li').first();
    await eventually(async () => assert.match(await entry.locator('.pill').getAttribute('title'), /answered as default/));
    await entry.locator('summary').click();
    assert.match(await entry.locator('.entry-body').textContent(), /Warningscenario "InvalidTimeRange" has no outcome for DescribeUserUsageDataExportTask/);
  } finally {
    await p.close();
    own.child.kill('SIGTERM');
  }
});

test('with --admin-token, the console takes the token from #token= or asks for it', async (t) => {
  const { stdout, stderr } = await run(mockBin, ['--help']).catch((e) => e);
  if (!`${stdout}${stderr}`.includes('-admin-token')) return t.skip('this build has no --admin-token');
  const secret = 's3cret-token';
  const locked = await startMock('--admin-token', secret);
  const lockedBase = `http://${locked.host}`;
  try {
    assert.equal((await fetch(`${lockedBase}/_mock/operations`)).status, 401);
    assert.equal((await fetch(`${lockedBase}/_mock/ui`)).status, 200, 'the page itself holds no data');

    // Given in the address: used, and taken out of the address bar.
    const ctx = await browser.newContext();
    const p1 = await ctx.newPage();
    await p1.goto(`${lockedBase}/_mock/ui#token=${secret}`);
    await p1.getByRole('region', { name: createOp, exact: true }).waitFor();
    await eventually(async () => assert.equal(await p1.locator('#connection').textContent(), 'live'));
    assert.equal(new URL(p1.url()).hash, '');
    assert.equal(await p1.locator('#token-form').isHidden(), true);
    await ctx.close();

    // Not given: the console asks, says when a token is refused, and works
    // once it has the right one.
    const ctx2 = await browser.newContext();
    const p2 = await ctx2.newPage();
    await p2.goto(`${lockedBase}/_mock/ui`);
    const field = p2.getByLabel('Admin token');
    await field.waitFor();
    await eventually(async () => assert.equal(await p2.locator('#connection').textContent(), 'admin token needed'));
    await field.fill('wrong');
    await field.press('Enter');
    await eventually(async () => assert.match(await p2.locator('#token-why').textContent(), /refused/));
    await field.fill(secret);
    await p2.getByRole('button', { name: 'Unlock' }).click();
    await p2.getByRole('region', { name: createOp, exact: true }).waitFor();
    await eventually(async () => assert.equal(await p2.locator('#connection').textContent(), 'live'));
    await p2.getByRole('button', { name: new RegExp(`^${createOp}\\b`) }).click();
    await p2.getByRole('region', { name: createOp, exact: true }).getByRole('button', { name: 'Use InvalidTimeRange', exact: true }).click();
    await eventually(async () => {
      const res = await fetch(`${lockedBase}/_mock/scenarios`, { headers: { Authorization: `Bearer ${secret}` } });
      assert.equal((await res.json()).active, 'InvalidTimeRange');
    });
    await ctx2.close();
  } finally {
    locked.child.kill('SIGTERM');
  }
});

test('Reset to default drops the bindings', async () => {
  await page.getByRole('button', { name: 'Reset to default' }).click();
  await eventually(async () => assert.equal(await page.locator('#active-name').textContent(), 'default'));
  // The state is rendered piece by piece: wait for the bindings to go too.
  await eventually(async () => assert.equal(await page.locator('#bindings').isHidden(), true));
  assert.deepEqual((await admin('GET', '/_mock/scenarios')).body.bindings, {});
});

test('screenshot for the README, and no stray requests or errors', async () => {
  await page.reload();
  await (await useIn(createOp, 'InvalidTimeRange')).click();
  await page.getByLabel('One access key:').check();
  await page.locator('#target-key').fill('AK-BATCH');
  await (await useIn(createOp, 'InvalidParameterOperator')).click();
  await page.getByLabel('Every caller').check();
  await sdk('AK-APP');
  await sdk('AK-BATCH');
  await sdk('AK-APP', '-start', '2026-11-20T00:00:00Z', '-end', '2026-11-21T00:00:00Z');
  // State for the Resources panel: a domain and a refresh task.
  assert.equal((await sdk('AK-APP', '-action', 'add-domain', '-domain', 'www.example.com')).ok, true);
  assert.equal((await sdk('AK-APP', '-action', 'refresh', '-path', 'http://www.example.com/index.html')).ok, true);
  await eventually(async () => assert.equal(await entries().count(), 12));
  const resources = page.locator('#resources-panel');
  await eventually(async () => {
    const text = await resources.textContent();
    for (const want of ['www.example.com', 'configuring', 'http://www.example.com/index.html', 'Refreshing']) assert.ok(text.includes(want), `${want} in ${text}`);
  });
  const first = entries().first();
  await first.locator('summary').click();
  await first.locator('.entry-body').waitFor();
  await page.locator('#notice').evaluate((n) => { n.className = 'notice'; n.textContent = ''; });
  await mkdir(path.join(root, 'docs'), { recursive: true });
  await page.setViewportSize({ width: 1440, height: 1180 });
  await page.screenshot({ path: path.join(root, 'docs', 'console.png'), animations: 'disabled' });

  assert.deepEqual(outside, [], 'the page fetched only from the mock');
  assert.deepEqual(pageErrors, []);
});
