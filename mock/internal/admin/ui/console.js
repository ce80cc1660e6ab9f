// cdnmock console: fault injection by hand, through the admin API only.
// No build step and no dependencies; served by the mock under /_mock/ui.
'use strict';

(() => {
  const POLL_MS = 1000;     // journal and violation counter
  const STATE_EVERY = 3;    // ticks between reads of the scenario state
  const TASKS_EVERY = 2;    // ticks between reads of the tasks, once they exist
  const PROBE_EVERY = 10;   // ticks between probes of GET /_mock/tasks while it is absent
  const MAX_ENTRIES = 500;  // journal entries kept in the page

  const $ = (id) => document.getElementById(id);

  // h builds an element; text always goes in as text, never as HTML, since
  // journal entries carry whatever a client sent.
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      el.append(c instanceof Node ? c : String(c));
    }
    return el;
  }

  const state = {
    operations: [],     // GET /_mock/operations
    openOps: null,      // names of the operations whose outcomes are shown
    params: new Map(),  // action → Set of its spec parameters
    scenarios: [],      // GET /_mock/scenarios
    active: 'default',
    bindings: {},
    entries: [],        // newest first
    lastSeq: 0,
    keys: new Set(),
    actions: new Set(),
    paused: false,
    pending: [],        // entries that arrived while paused, oldest first
    tasks: false,       // GET /_mock/tasks answered 200
    tick: 0,
    online: null,
    loaded: false,      // the journal was read once: until then, "loading", never "no requests"
    coverage: new Map(), // action → Map(outcome → count), from GET /_mock/coverage
  };

  // The admin token (--admin-token), when the server wants one: given once
  // as /_mock/ui#token=..., or typed when the API answers 401; kept for the
  // tab's life in sessionStorage, and taken out of the address bar.
  const TOKEN_KEY = 'cdnmock.adminToken';
  let token = '';

  function takeToken() {
    const m = /[#&]token=([^&]*)/.exec(location.hash);
    if (m) {
      token = decodeURIComponent(m[1]);
      history.replaceState(null, '', location.pathname + location.search);
    } else {
      try { token = sessionStorage.getItem(TOKEN_KEY) || ''; } catch { /* storage off */ }
    }
    saveToken();
  }

  function saveToken() {
    try { if (token) sessionStorage.setItem(TOKEN_KEY, token); } catch { /* storage off */ }
  }

  function askToken() {
    const form = $('token-form');
    $('token-why').textContent = token
      ? 'The admin API refused this token: type the one given to --admin-token.'
      : 'The admin API asks for the token given to --admin-token.';
    if (form.hidden) {
      form.hidden = false;
      $('admin-token').focus();
    }
  }

  // api calls the admin API and returns the decoded JSON, or throws an
  // Error whose message is the server's.
  async function api(method, path, body) {
    const init = { method, headers: { Accept: 'application/json' }, cache: 'no-store' };
    if (token) init.headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const res = await fetch(path, init);
    const text = await res.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch { data = text; }
    }
    if (!res.ok) {
      const err = new Error((data && data.message) || `${res.status} ${res.statusText}`);
      err.status = res.status;
      if (res.status === 401) askToken();
      throw err;
    }
    return data;
  }

  let noticeTimer;
  function notify(message, kind) {
    const n = $('notice');
    n.textContent = message;
    n.className = `notice show ${kind || ''}`;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { n.className = 'notice'; n.textContent = ''; }, kind === 'error' ? 10000 : 4000);
  }

  // ---- Scenarios: the target, the active one, the bindings ----

  function targetKey() {
    const kind = document.querySelector('input[name=target]:checked').value;
    return kind === 'key' ? $('target-key').value.trim() : '';
  }

  function targetIsKey() {
    return document.querySelector('input[name=target]:checked').value === 'key';
  }

  // The scenario the current target gets: a binding, else the active one.
  function targetScenario() {
    const key = targetKey();
    if (key && Object.hasOwn(state.bindings, key)) return state.bindings[key];
    return state.active;
  }

  async function useScenario(name) {
    const key = targetKey();
    if (targetIsKey() && !key) {
      notify('Type the access key id to bind first.', 'error');
      $('target-key').focus();
      return;
    }
    const body = key ? { scenario: name, accessKeyId: key } : { scenario: name };
    try {
      applyState(await api('PUT', '/_mock/scenario', body));
      notify(key ? `Access key ${key} now gets ${name}.` : `Every caller now gets ${name}.`, 'ok');
    } catch (e) {
      notify(`Could not switch to ${name}: ${e.message}`, 'error');
    }
  }

  async function bindKey(key, name) {
    try {
      applyState(await api('PUT', '/_mock/scenario', { scenario: name, accessKeyId: key }));
      notify(`Access key ${key} now gets ${name}.`, 'ok');
    } catch (e) {
      notify(`Could not bind ${key}: ${e.message}`, 'error');
    }
  }

  // unbindKey drops one key's binding: it gets the active scenario again.
  async function unbindKey(key) {
    try {
      applyState(await api('DELETE', `/_mock/scenario?accessKeyId=${encodeURIComponent(key)}`));
      notify(`Access key ${key} is unbound: it gets ${state.active} again.`, 'ok');
    } catch (e) {
      notify(`Could not unbind ${key}: ${e.message}`, 'error');
    }
  }

  function applyState(st) {
    if (!st) return;
    state.active = st.active || 'default';
    state.bindings = st.bindings || {};
    if (st.scenarios) {
      const names = (state.scenarios || []).map((s) => s.name).join('\n');
      state.scenarios = st.scenarios;
      if (st.scenarios.map((s) => s.name).join('\n') !== names) renderMore();
    }
    $('active-name').textContent = state.active;
    $('active-name').classList.toggle('changed', state.active !== 'default');
    for (const k of Object.keys(state.bindings)) rememberKey(k);
    renderBindings();
    markActive();
  }

  // markActive shows, on every outcome button, whether the target gets it.
  function markActive() {
    const current = targetScenario();
    for (const b of document.querySelectorAll('button[data-scenario]')) {
      const on = b.dataset.scenario === current;
      b.setAttribute('aria-pressed', String(on));
      b.textContent = on ? 'Active' : 'Use';
      b.closest('tr').classList.toggle('is-active', on);
    }
    // A folded operation still says when the target gets one of its errors.
    for (const sec of document.querySelectorAll('section.op')) {
      const on = sec.querySelector('button[data-scenario][aria-pressed=true]');
      const name = on && on.dataset.scenario !== 'default' ? on.dataset.scenario : '';
      sec.querySelector('.op-active').textContent = name;
    }
  }

  function scenarioSelect(value, label, onchange) {
    const sel = h('select', { 'aria-label': label, onchange });
    for (const s of state.scenarios) sel.append(h('option', { value: s.name, text: s.name }));
    sel.value = value;
    return sel;
  }

  // renderBindings rebuilds the table only when keys or scenarios change, so
  // the state read every few seconds never takes the focus from a menu.
  let bindingsShape = '';
  function renderBindings() {
    const keys = Object.keys(state.bindings).sort();
    const table = $('bindings');
    const shape = JSON.stringify([keys, state.scenarios.map((s) => s.name)]);
    if (shape !== bindingsShape) {
      bindingsShape = shape;
      const focused = document.activeElement && document.activeElement.dataset.key;
      table.tBodies[0].replaceChildren(...keys.map((k) => {
        const sel = scenarioSelect(state.bindings[k], `Scenario for access key ${k}`, (ev) => bindKey(k, ev.target.value));
        sel.dataset.key = k;
        const unbind = h('button', { type: 'button', class: 'secondary small', 'data-unbind': k,
          'aria-label': `Unbind access key ${k}`, onclick: () => unbindKey(k), text: 'Unbind' });
        return h('tr', {}, h('th', { scope: 'row' }, h('code', { text: k })), h('td', {}, sel), h('td', { class: 'act' }, unbind));
      }));
      if (focused) table.querySelector(`select[data-key="${CSS.escape(focused)}"]`)?.focus();
    }
    for (const sel of table.querySelectorAll('select')) {
      if (sel !== document.activeElement && sel.value !== state.bindings[sel.dataset.key]) sel.value = state.bindings[sel.dataset.key];
    }
    table.hidden = keys.length === 0;
    $('bindings-empty').hidden = keys.length > 0;
  }

  // ---- Operations and their documented outcomes ----

  function useButton(name) {
    return h('button', { type: 'button', class: 'use', 'data-scenario': name, 'aria-pressed': 'false',
      'aria-label': `Use ${name}`, onclick: () => useScenario(name), text: 'Use' });
  }

  function statusBadge(status) {
    return h('span', { class: `badge ${status >= 500 ? 'b5' : status >= 400 ? 'b4' : 'b2'}`, text: String(status) });
  }

  // servedCell shows how often an outcome was served (GET /_mock/coverage);
  // refreshed in place by renderCoverage.
  function servedCell(action, outcome) {
    return h('td', { class: 'num served', 'data-action': action, 'data-outcome': outcome, title: 'times served' });
  }

  function outcomeRow(scenario, label, status, message, action, outcome) {
    return h('tr', {},
      h('td', { class: 'num' }, typeof status === 'number' ? statusBadge(status) : h('span', { class: 'badge b2', text: status })),
      h('th', { scope: 'row' }, h('code', { text: label }), h('div', { class: 'msg', text: message })),
      outcome ? servedCell(action, outcome) : h('td', { class: 'num served' }),
      h('td', { class: 'act' }, scenario ? useButton(scenario) : h('span', { class: 'muted', text: 'no scenario' })));
  }

  function outcomeTable(caption, rows) {
    return h('table', { class: 'outcomes' },
      h('caption', { class: 'sr-only', text: caption }),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', text: 'HTTP' }), h('th', { scope: 'col', text: 'Outcome' }),
        h('th', { scope: 'col', class: 'num', title: 'times served since start or the last reset', text: 'Served' }),
        h('th', { scope: 'col' }, h('span', { class: 'sr-only', text: 'Use' })))),
      h('tbody', {}, rows));
  }

  // The export task family first (the operations with x-mock-state), then
  // the rest, each by name.
  function pinned(ops) {
    return [...ops].sort((a, b) => (!!b.tasks - !!a.tasks) || a.name.localeCompare(b.name));
  }

  function renderOperations(page) {
    state.operations = pinned(page.operations || []);
    state.params = new Map(state.operations.map((op) => [op.name, new Set(op.parameters.map((p) => p.name))]));
    if (page.product) $('api-name').textContent = `Alibaba Cloud ${page.product} API ${page.version}`;
    // A short spec shows every operation's outcomes; a long one starts folded.
    if (!state.openOps) state.openOps = new Set(state.operations.length <= 2 ? state.operations.map((op) => op.name) : []);
    const known = new Set(state.scenarios.map((s) => s.name));
    const has = (n) => known.size === 0 || known.has(n);
    $('operations').replaceChildren(...state.operations.map((op) => {
      const id = `op-${op.name}`;
      const own = op.errors.filter((e) => !e.common);
      const common = op.errors.filter((e) => e.common);
      const rows = [
        outcomeRow(has('default') ? 'default' : '', 'default', '200/4xx', 'Checks the request against the spec and its rules, then answers the success fixture.'),
        outcomeRow(has('success') ? 'success' : '', 'success', 200, 'Always the success fixture, no validation.', op.name, 'success'),
        ...own.map((e) => outcomeRow(e.scenario, e.code, e.status, e.message, op.name, e.code)),
      ];
      if (op.rateLimit && !own.some((e) => e.code === 'Throttling.User')) {
        const t = common.find((e) => e.code === 'Throttling.User');
        if (t) rows.push(outcomeRow(t.scenario, t.code, t.status, t.message, op.name, t.code));
      }
      const params = op.parameters.map((p) => p.name + (p.required ? '*' : '')).join(', ');
      const open = state.openOps.has(op.name);
      const body = h('div', { id: `${id}-body`, class: 'op-body' },
        h('p', { class: 'meta' },
          h('span', { text: op.methods.join(' · ') }),
          op.rateLimit ? h('span', { text: `${op.rateLimit} calls/s per account` }) : null,
          h('span', { title: 'Parameters; * marks the required ones', text: params || 'no parameters' })),
        outcomeTable(`Documented outcomes of ${op.name}`, rows),
        common.length ? h('details', { class: 'common' },
          h('summary', { text: `Gateway errors any operation can get (${common.length})` }),
          outcomeTable(`Gateway errors of ${op.name}`, common.map((e) => outcomeRow(e.scenario, e.code, e.status, e.message)))) : null);
      body.hidden = !open;
      // A disclosure: the heading holds the button that shows the outcomes.
      const toggle = h('button', { type: 'button', class: 'op-toggle', 'aria-expanded': String(open), 'aria-controls': body.id },
        h('span', { class: 'chevron', 'aria-hidden': 'true' }),
        h('span', { id, class: 'op-name', text: op.name }), ' ',
        op.tasks ? h('span', { class: 'op-family', title: 'works on export tasks', text: `export · ${op.tasks}` }) : null, ' ',
        h('span', { class: 'op-count', text: `${rows.length + common.length} outcomes` }), ' ',
        h('span', { class: 'op-covered', 'data-action': op.name }), ' ',
        h('span', { class: 'op-active' }));
      toggle.addEventListener('click', () => {
        const show = body.hidden;
        body.hidden = !show;
        toggle.setAttribute('aria-expanded', String(show));
        if (show) state.openOps.add(op.name); else state.openOps.delete(op.name);
      });
      return h('section', { class: 'op', 'data-name': op.name, 'aria-labelledby': id }, h('h3', {}, toggle), body);
    }));
    filterOperations();
    renderCoverage();
    fillActions();
    markActive();
  }

  // filterOperations shows the operations whose names hold every word typed.
  function filterOperations() {
    const words = $('op-search').value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const sec of $('operations').querySelectorAll('section.op')) {
      const name = sec.dataset.name.toLowerCase();
      sec.hidden = !words.every((w) => name.includes(w));
      if (!sec.hidden) shown++;
    }
    const total = state.operations.length;
    $('op-search-count').textContent = words.length ? `${shown} of ${total} operations` : `${total} operations`;
    let none = $('operations').querySelector('.no-match');
    if (!shown && total) {
      if (!none) $('operations').append(none = h('p', { class: 'muted no-match' }));
      none.textContent = `No operation matches “${$('op-search').value.trim()}”.`;
    } else if (none) none.remove();
  }

  // ---- Outcome coverage: how often each documented outcome was served ----

  async function pollCoverage() {
    const r = await api('GET', '/_mock/coverage');
    state.coverage = new Map((r.operations || []).map((op) => [op.action, new Map(op.outcomes.map((o) => [o.outcome, o.count]))]));
    $('coverage-total').textContent = `Outcome coverage: ${r.covered} of ${r.total} documented outcomes served.`;
    renderCoverage();
  }

  function renderCoverage() {
    for (const td of document.querySelectorAll('td.served[data-outcome]')) {
      const n = state.coverage.get(td.dataset.action)?.get(td.dataset.outcome) || 0;
      const text = n ? `${n}×` : '–';
      if (td.textContent !== text) td.textContent = text;
      td.classList.toggle('hit', n > 0);
    }
    for (const el of document.querySelectorAll('.op-covered')) {
      const m = state.coverage.get(el.dataset.action);
      if (!m) continue;
      const outs = [...m.entries()].filter(([o]) => !o.startsWith('fault:'));
      const text = `${outs.filter(([, n]) => n > 0).length}/${outs.length} served`;
      if (el.textContent !== text) el.textContent = text;
    }
  }

  // renderMore lists the scenarios the operation tables do not: connection
  // faults and scenario files.
  function renderMore() {
    const shown = new Set(['default', 'success']);
    for (const op of state.operations) for (const e of op.errors) if (e.scenario) shown.add(e.scenario);
    const rows = state.scenarios.filter((s) => !shown.has(s.name)).map((s) => {
      const steps = Object.entries(s.operations || {}).map(([op, list]) =>
        h('li', {}, h('span', { class: 'muted', text: `${op}: ` }), list.map(describeStep).join(', then ')));
      return h('tr', {},
        h('th', { scope: 'row' }, h('code', { text: s.name }),
          s.source !== 'builtin' ? h('span', { class: 'muted small', text: `  ${s.source}` }) : null,
          h('div', { class: 'msg', text: s.description || '' }),
          s.source !== 'builtin' && steps.length ? h('ul', { class: 'steps' }, steps) : null),
        h('td', { class: 'act' }, useButton(s.name)));
    });
    $('more').tBodies[0].replaceChildren(...rows);
    markActive();
  }

  function describeStep(st) {
    const parts = [];
    if (st.error) parts.push(`${st.status} ${st.error}`);
    else if (st.fault) parts.push(`fault ${st.fault}`);
    else if (st.fixture) parts.push(`fixture ${st.fixture}`);
    else parts.push('default');
    if (st.delay) parts.push(`after ${st.delay}`);
    if (st.times) parts.push(`${st.times}×`);
    if (st.when) parts.push(`when ${Object.entries(st.when).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    return parts.join(' ');
  }

  // ---- The journal ----

  function rememberKey(k) {
    if (!k || state.keys.has(k)) return;
    state.keys.add(k);
    $('seen-keys').append(h('option', { value: k }));
  }

  function fillActions() {
    const sel = $('filter-action');
    const names = new Set([...state.operations.map((o) => o.name), ...state.actions]);
    const have = new Set([...sel.options].map((o) => o.value));
    for (const n of [...names].sort()) {
      if (!have.has(n)) sel.append(h('option', { value: n, text: n || '(no Action)' }));
    }
  }

  function matches(e) {
    const action = $('filter-action').value;
    const key = $('filter-key').value.trim().toLowerCase();
    return (!action || e.action === action) && (!key || (e.accessKeyId || '').toLowerCase().includes(key));
  }

  function clock(t) {
    const d = new Date(t);
    return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(11, 19);
  }

  // short rounds a Go duration ("88.301µs") to three digits ("88.3µs").
  function short(d) {
    const m = /^(\d+(?:\.\d+)?)(ns|µs|us|ms|s)$/.exec(d || '');
    return m ? `${Number(Number(m[1]).toPrecision(3))}${m[2]}` : (d || '');
  }

  // outcomePill shows the answer; its tooltip, the scenario that chose it.
  function outcomePill(e) {
    let cls = `pill ${e.status >= 500 ? 'err5' : 'err'}`;
    let text = `${e.status} ${e.code}`;
    if (!e.status) [cls, text] = ['pill fault', e.code || 'no answer'];
    else if (e.code && e.code.startsWith('fault:')) cls = 'pill fault';
    else if (!e.code) [cls, text] = ['pill ok', `${e.status} OK`];
    let title = `scenario ${e.scenario || '(none)'}${e.chosenBy ? `, chosen by ${e.chosenBy}` : ''}`;
    if (e.warning) { // the scenario had no outcome for the call: answered as default
      title += `. ${e.warning}`;
      text += ' ⚑';
      cls += ' warned';
    }
    return h('span', { class: cls, title, text });
  }

  function kvRow(k, v, cls) {
    return h('tr', { class: cls }, h('th', { scope: 'row', text: k }), h('td', {}, v));
  }

  // when shows an RFC 3339 time of the server's clock without its date when
  // that is the clock's date too.
  function when(v, now) {
    const s = String(v ?? '');
    if (!/^\d{4}-\d\d-\d\dT/.test(s)) return s;
    return now && s.slice(0, 10) === String(now).slice(0, 10) ? s.slice(11, 19) : s.slice(0, 19).replace('T', ' ');
  }

  function entryBody(e) {
    const specParams = state.params.get(e.action) || new Set();
    const names = Object.keys(e.params || {}).sort((a, b) =>
      (specParams.has(b) - specParams.has(a)) || a.localeCompare(b));
    const params = names.length
      ? h('table', { class: 'kv' }, h('caption', { class: 'sr-only', text: 'Decoded parameters' }),
        h('tbody', {}, names.map((n) => kvRow(n, h('code', { text: e.params[n] }), specParams.has(n) ? '' : 'common'))))
      : h('p', { class: 'muted', text: 'No parameters.' });
    const chosen = e.chosenBy ? ` (by ${e.chosenBy})` : '';
    const outcome = h('table', { class: 'kv' }, h('caption', { class: 'sr-only', text: 'Outcome' }), h('tbody', {},
      kvRow('Code', h('code', { text: e.code || '(success)' })),
      kvRow('HTTP status', e.status ? String(e.status) : 'none: the connection was broken'),
      kvRow('Scenario', `${e.scenario || '(none)'}${chosen}`),
      e.warning ? kvRow('Warning', h('span', { class: 'warn', text: e.warning }), 'warning') : null,
      kvRow('Latency', e.latency || ''),
      kvRow('Method', e.method || ''),
      kvRow('Request ID', h('code', { text: e.requestId || '' })),
      kvRow('Journal seq', String(e.seq)),
      kvRow('Server time', e.time || '')));
    const vs = e.violations || [];
    const violations = vs.length
      ? h('ul', { class: 'violations' }, vs.map((v) => h('li', {}, h('code', { text: v.parameter || '(request)' }), ': ', v.reason)))
      : h('p', { class: 'muted', text: 'None: the request matches the spec.' });
    return h('div', { class: 'entry-body' },
      h('section', {}, h('h4', { text: 'Parameters' }), params),
      h('section', {}, h('h4', { text: 'Outcome' }), outcome),
      h('section', { class: 'wide' }, h('h4', { text: `Contract violations (${vs.length})` }), violations));
  }

  function entryItem(e) {
    const details = h('details', {},
      h('summary', {},
        h('span', { class: 'chevron', 'aria-hidden': 'true' }),
        h('time', { datetime: e.time, title: e.time, text: clock(e.time) }),
        h('span', { class: 'action', title: e.action, text: e.action || '(no Action)' }),
        h('span', { class: 'key', title: 'Access key id', text: e.accessKeyId || '—' }),
        outcomePill(e),
        h('span', { class: 'lat', title: e.latency, text: short(e.latency) }),
        (e.violations || []).length ? h('span', { class: 'viol', title: 'contract violations', text: `⚠ ${e.violations.length}` }) : h('span')));
    // Built on first open: most entries are never expanded.
    details.addEventListener('toggle', () => {
      if (details.open && details.children.length === 1) details.append(entryBody(e));
    });
    const li = h('li', { class: 'entry', 'data-seq': e.seq }, details);
    li.hidden = !matches(e);
    li.entry = e;
    return li;
  }

  function addEntries(list) {
    if (!list.length) return;
    const ol = $('entries');
    const frag = document.createDocumentFragment();
    for (let i = list.length - 1; i >= 0; i--) frag.append(entryItem(list[i])); // newest first
    ol.prepend(frag);
    state.entries = [...list.reverse(), ...state.entries];
    while (state.entries.length > MAX_ENTRIES) {
      state.entries.pop();
      ol.lastElementChild.remove();
    }
    updateCount();
  }

  function applyFilter() {
    for (const li of $('entries').children) li.hidden = !matches(li.entry);
    updateCount();
  }

  function updateCount() {
    const total = state.entries.length;
    const shown = state.entries.filter(matches).length;
    let text = total === shown ? `${total} request${total === 1 ? '' : 's'}` : `${shown} of ${total} requests shown`;
    if (state.paused) text += `, paused (${state.pending.length} new)`;
    const empty = $('journal-empty');
    if (!state.loaded) { // not read yet: say so, never "no requests"
      $('journal-count').textContent = 'loading…';
      empty.hidden = false;
      empty.textContent = 'Loading the journal…';
      empty.classList.add('loading');
      return;
    }
    $('journal-count').textContent = text;
    $('entries').removeAttribute('aria-busy');
    empty.classList.remove('loading');
    empty.hidden = shown > 0;
    empty.textContent = total === 0
      ? 'No requests yet. Point an SDK at this server and call an operation: each request appears here within a second.'
      : 'No request matches the filter.';
  }

  async function pollRequests() {
    const page = await api('GET', `/_mock/requests?since=${state.lastSeq}`);
    const list = (page && page.requests) || [];
    if (!state.loaded) { state.loaded = true; updateCount(); }
    if (!list.length) return;
    state.lastSeq = list[list.length - 1].seq;
    let newAction = false;
    for (const e of list) {
      rememberKey(e.accessKeyId);
      if (!state.actions.has(e.action)) { state.actions.add(e.action); newAction = true; }
    }
    if (newAction) fillActions();
    if (state.paused) { state.pending.push(...list); updateCount(); } else addEntries(list);
  }

  async function pollViolations() {
    const v = await api('GET', '/_mock/violations');
    const n = (v && v.total) || 0;
    const el = $('violations');
    const text = n === 0 ? 'none' : `${n} request${n === 1 ? '' : 's'}`;
    if (el.textContent !== text) el.textContent = text;
    el.classList.toggle('bad', n > 0);
  }

  async function pollState() {
    applyState(await api('GET', '/_mock/scenarios'));
  }

  // ---- Export tasks and the clock, once the server has them ----

  async function pollTasks() {
    let data;
    try {
      data = await api('GET', '/_mock/tasks');
    } catch {
      state.tasks = false;
      $('tasks-panel').hidden = true;
      return;
    }
    state.tasks = true;
    $('tasks-panel').hidden = false;
    renderTasks(data);
  }

  const accountKeys = ['accessKeyId', 'AccessKeyId', 'account', 'Account'];
  const taskColumns = ['TaskId', 'Family', 'TaskName', 'Status', 'CreateTime', 'ReadyTime', 'UpdateTime', 'DownloadUrl'];
  const taskHeadings = { TaskId: 'Task', TaskName: 'Name', CreateTime: 'Created', ReadyTime: 'Ready', UpdateTime: 'Updated', DownloadUrl: 'File' };

  // tasksByAccount accepts the shapes a tasks listing plausibly has: a list
  // of tasks naming their account, {tasks: [...]}, or {accounts: ...} keyed
  // by access key or as a list of {accessKeyId, tasks}.
  function tasksByAccount(data) {
    const out = new Map();
    const add = (acct, t) => {
      const k = acct || accountKeys.map((a) => t[a]).find(Boolean) || '(no access key)';
      if (!out.has(k)) out.set(k, []);
      out.get(k).push(t);
    };
    const list = (acct, ts) => (Array.isArray(ts) ? ts.forEach((t) => add(acct, t)) : null);
    if (Array.isArray(data)) list('', data);
    else if (data && Array.isArray(data.tasks)) list('', data.tasks);
    else if (data && data.accounts) {
      if (Array.isArray(data.accounts)) {
        data.accounts.forEach((a) => list(accountKeys.map((k) => a[k]).find(Boolean), a.tasks));
      } else Object.entries(data.accounts).forEach(([k, ts]) => list(k, ts));
    } else if (data && typeof data === 'object') Object.entries(data).forEach(([k, ts]) => list(k, ts));
    return out;
  }

  function field(t, name) {
    const k = Object.keys(t).find((x) => x.toLowerCase() === name.toLowerCase());
    return k === undefined ? undefined : t[k];
  }

  // toSecond shows a time of the server's clock to the second, in UTC.
  function toSecond(t) {
    const d = new Date(t);
    return Number.isNaN(d.getTime()) ? String(t) : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  }

  function renderTasks(data) {
    if (data && (data.now || data.clock)) $('clock-now').textContent = `Server clock: ${toSecond(data.now || data.clock)}`;
    const groups = tasksByAccount(data);
    if (!groups.size) {
      $('tasks').replaceChildren(h('p', { class: 'muted', text: 'No export task yet.' }));
      return;
    }
    $('tasks').replaceChildren(...[...groups].map(([acct, ts]) => {
      const cols = taskColumns.filter((c) => ts.some((t) => field(t, c) !== undefined));
      return h('section', { class: 'account' },
        h('h3', {}, 'Access key ', h('code', { text: acct }), h('span', { class: 'muted', text: ` · ${ts.length} task${ts.length === 1 ? '' : 's'}` })),
        h('table', { class: 'tasks' },
          h('caption', { class: 'sr-only', text: `Export tasks of ${acct}` }),
          h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', text: taskHeadings[c] || c })))),
          h('tbody', {}, ts.map((t) => h('tr', {}, cols.map((c) => {
            const v = field(t, c);
            if (c === 'Status') return h('td', {}, h('span', { class: `pill task-${String(v).toLowerCase()}`, text: String(v ?? '') }));
            if (c === 'DownloadUrl') return h('td', {}, /^https?:\/\//.test(v) ? h('a', { href: v, text: 'download' }) : '');
            if (c.endsWith('Time')) return h('td', { title: String(v ?? ''), text: when(v, data && data.now) });
            return h('td', { text: v === undefined || v === null ? '' : String(v) });
          }))))));
    }));
  }

  // ---- Resources (x-mock-resources): refresh tasks, domains, configs ----

  // The newest items shown per account and resource; the counts say how many there are.
  const RESOURCES_SHOWN = 10;

  async function pollResources() {
    let data;
    try {
      data = await api('GET', `/_mock/resources?limit=${RESOURCES_SHOWN}`);
    } catch {
      $('resources-panel').hidden = true;
      return;
    }
    $('resources-panel').hidden = false;
    const accounts = (data && data.accounts) || [];
    $('resources-total').textContent = data ? `${data.total} ${data.total === 1 ? 'item' : 'items'} (at most ${data.limit} per resource)${data.next ? ' · first 100 accounts' : ''}` : '';
    if (!accounts.length) {
      $('resources').replaceChildren(h('p', { class: 'muted', text: 'No item yet: refresh a URL or add a domain.' }));
      return;
    }
    $('resources').replaceChildren(...accounts.flatMap((a) => Object.entries(a.items || {}).map(([res, items]) => {
      const count = (a.counts && a.counts[res]) || items.length;
      const cols = [...new Set(items.flatMap((it) => Object.keys(it)))].filter((c) => typeof items[0][c] !== 'object');
      return h('section', { class: 'account' },
        h('h3', {}, h('code', { text: res }), ' of ', h('code', { text: a.accessKeyId || '(no access key)' }),
          h('span', { class: 'muted', text: ` · ${count} item${count === 1 ? '' : 's'}${count > items.length ? `, newest ${items.length} shown` : ''}` })),
        h('table', { class: 'tasks' },
          h('caption', { class: 'sr-only', text: `${res} items of ${a.accessKeyId}` }),
          h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', text: c })))),
          h('tbody', {}, items.map((it) => h('tr', {}, cols.map((c) => h('td', { text: it[c] === undefined ? '' : String(it[c]) })))))));
    })));
  }

  async function advanceClock(ev) {
    ev.preventDefault();
    const by = $('clock-advance').value.trim();
    try {
      const res = await api('POST', '/_mock/clock', { advance: by });
      const now = res && (res.now || res.clock || res.time);
      if (now) $('clock-now').textContent = `Server clock: ${toSecond(now)}`;
      notify(`Clock advanced by ${by}.`, 'ok');
      await Promise.all([pollTasks(), pollResources()]);
    } catch (e) {
      notify(`Could not advance the clock: ${e.message}`, 'error');
    }
  }

  // ---- Wiring and the poll loop ----

  function setOnline(on, err) {
    if (state.online === on) return;
    const was = state.online;
    state.online = on;
    const el = $('connection');
    el.textContent = on ? 'live' : err && err.status === 401 ? 'admin token needed' : `offline, retrying (${err ? err.message : ''})`;
    el.classList.toggle('bad', !on);
    if (on && was === false) reload(); // the server may have restarted: start afresh
  }

  async function reload() {
    state.loaded = false;
    state.lastSeq = 0;
    state.entries = [];
    state.pending = [];
    $('entries').replaceChildren();
    const [st, ops] = await Promise.all([api('GET', '/_mock/scenarios'), api('GET', '/_mock/operations')]);
    applyState(st);
    renderOperations(ops);
    renderMore();
    updateCount();
    await pollCoverage();
  }

  async function poll() {
    const t = state.tick++;
    try {
      const jobs = [pollRequests(), pollViolations()];
      if (t % STATE_EVERY === 0) jobs.push(pollState(), pollCoverage());
      if (t % (state.tasks ? TASKS_EVERY : PROBE_EVERY) === 0) jobs.push(pollTasks());
      if (t % TASKS_EVERY === 0) jobs.push(pollResources());
      await Promise.all(jobs);
      setOnline(true);
    } catch (e) {
      setOnline(false, e);
    }
    setTimeout(poll, POLL_MS);
  }

  function wire() {
    $('reset-scenarios').addEventListener('click', async () => {
      try {
        applyState(await api('DELETE', '/_mock/scenario'));
        notify('Back to default; every binding dropped.', 'ok');
      } catch (e) { notify(`Could not reset: ${e.message}`, 'error'); }
    });
    $('clear-violations').addEventListener('click', async () => {
      try { await api('DELETE', '/_mock/violations'); await pollViolations(); notify('Violation counter cleared.', 'ok'); } catch (e) { notify(e.message, 'error'); }
    });
    $('clear-journal').addEventListener('click', async () => {
      try {
        await api('DELETE', '/_mock/requests');
        state.entries = [];
        state.pending = [];
        $('entries').replaceChildren();
        updateCount();
        notify('Journal cleared.', 'ok');
      } catch (e) { notify(e.message, 'error'); }
    });
    $('pause').addEventListener('click', (ev) => {
      state.paused = !state.paused;
      ev.currentTarget.setAttribute('aria-pressed', String(state.paused));
      ev.currentTarget.textContent = state.paused ? 'Resume' : 'Pause';
      if (!state.paused) { const p = state.pending; state.pending = []; addEntries(p); }
      updateCount();
    });
    $('op-search').addEventListener('input', filterOperations);
    $('op-search').addEventListener('keydown', (ev) => { if (ev.key === 'Escape') { ev.target.value = ''; filterOperations(); } });
    $('filter-action').addEventListener('change', applyFilter);
    $('filter-key').addEventListener('input', applyFilter);
    $('journal-filter').addEventListener('submit', (ev) => ev.preventDefault());
    $('target-form').addEventListener('submit', (ev) => ev.preventDefault());
    $('target-form').addEventListener('change', markActive);
    $('target-key').addEventListener('input', () => {
      document.querySelector('input[name=target][value=key]').checked = true;
      markActive();
    });
    $('clock-form').addEventListener('submit', advanceClock);
    $('token-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      token = $('admin-token').value.trim();
      saveToken();
      $('admin-token').value = '';
      $('token-form').hidden = true;
      state.online = false; // the next answer reloads everything
    });
  }

  async function start() {
    takeToken();
    wire();
    try {
      await reload();
      setOnline(true);
    } catch (e) {
      setOnline(false, e);
    }
    poll();
  }

  start();
})();
