// Ferry's status page: plain JavaScript over the JSON API (/api/*). Every value from the server goes
// into the page as text (textContent), never as HTML.
'use strict';

const token = document.querySelector('meta[name="ferry-token"]').content;
const main = document.getElementById('main');
const state = { runsOffset: 0, open: {}, progress: null, tables: [] };
const PAGE = 10;

// ---- helpers

function el(tag, props, ...children) {
  const svg = ['svg', 'polyline', 'circle', 'line', 'title', 'text'].includes(tag);
  const node = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.setAttribute('class', v);
    else if (k.startsWith('on')) node.addEventListener(k.substring(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

async function api(path, body) {
  const init = body === undefined ? {} : {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Ferry-Token': token },
    body: JSON.stringify(body),
  };
  const res = await fetch('api/' + path, init);
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (!res.ok) {
    const err = new Error((data && data.error) || ('HTTP ' + res.status));
    err.status = res.status;
    err.data = data;
    throw err;
  }
  return data;
}

function notify(text, isError) {
  const n = document.getElementById('notice');
  n.textContent = text;
  n.className = 'notice' + (isError ? ' error' : '');
  n.hidden = false;
  clearTimeout(notify.timer);
  notify.timer = setTimeout(() => { n.hidden = true; }, isError ? 15000 : 6000);
}

const num = (n) => (n === null || n === undefined) ? '' : Number(n).toLocaleString('en-US');
const pill = (status) => el('span', { class: 'pill ' + status }, status);
const shortId = (id) => id ? id.substring(0, 8) : '';

function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (x) => String(x).padStart(2, '0');
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' '
    + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
}

function ago(iso) {
  if (!iso) return '';
  const s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  const future = s < 0;
  const a = Math.abs(s);
  const text = a < 60 ? a + ' s' : a < 3600 ? Math.round(a / 60) + ' min' : a < 172800 ? Math.round(a / 3600) + ' h'
    : Math.round(a / 86400) + ' days';
  return future ? 'in ' + text : text + ' ago';
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return '';
  if (seconds < 60) return seconds.toFixed(1) + ' s';
  const m = Math.floor(seconds / 60);
  if (m < 60) return m + ' min ' + Math.round(seconds % 60) + ' s';
  return Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
}

function card(title, sub, ...content) {
  return el('section', { class: 'card' }, el('h2', {}, title, sub ? el('span', { class: 'sub' }, sub) : null), ...content);
}

// ---- views

const views = {
  'runs': viewRuns,
  'dead-letters': viewDeadLetters,
  'conflicts': viewConflicts,
  'run': viewRun,
};

function currentView() {
  const hash = location.hash.replace(/^#/, '') || 'runs';
  const [name, ...rest] = hash.split('/');
  return { name: views[name] ? name : 'runs', arg: decodeURIComponent(rest.join('/')) };
}

async function render() {
  const v = currentView();
  document.querySelectorAll('.top nav a').forEach((a) => {
    a.classList.toggle('active', a.dataset.view === v.name || (v.name === 'run' && a.dataset.view === 'runs'));
  });
  try {
    const content = await views[v.name](v.arg);
    main.replaceChildren(...content.filter((c) => c));
  } catch (e) {
    main.replaceChildren(card('Cannot load this page', null, el('p', { class: 'error-text' }, e.message)));
  }
  refreshCounts();
}

async function refreshCounts() {
  try {
    const [d, c] = await Promise.all([api('dead-letters'), api('conflicts')]);
    document.getElementById('dead-count').textContent = d.total ? d.total : '';
    document.getElementById('conflict-count').textContent = c.conflicts.length ? c.conflicts.length : '';
  } catch (e) { /* the counts wait for the next refresh */ }
}

// Runs: actions, live progress, last runs with their tables, trends per table.
async function viewRuns() {
  const [progress, runs, tables] = await Promise.all([api('progress'), api('runs?limit=' + PAGE + '&offset=' + state.runsOffset),
    api('tables')]);
  state.progress = progress;
  state.tables = tables.tables;
  showSchedule(progress);
  return [actionsCard(tables.tables, progress), progressCard(progress), runsCard(runs), trendsCard(tables.tables)];
}

function showSchedule(progress) {
  document.getElementById('schedule').textContent = progress.nextRunAt
    ? 'Next scheduled run ' + when(progress.nextRunAt) + ' (' + ago(progress.nextRunAt) + ')' : 'No scheduled run';
}

function actionsCard(tables, progress) {
  const routed = tables.filter((t) => t.routed);
  const picks = routed.map((t) => el('label', {}, el('input', { type: 'checkbox', value: t.name, name: 'table' }), ' ', t.name));
  const output = el('div', { id: 'plan' });
  const running = progress.running;
  const selected = () => [...document.querySelectorAll('input[name=table]:checked')].map((i) => i.value);
  const start = async (body, what) => {
    try {
      const r = await api('runs', body);
      notify('Started ' + what + ': run ' + r.runId);
      location.hash = '#runs';
      poll(true);
    } catch (e) {
      notify(e.message, true);
    }
  };
  const last = progress.lastRun;
  return card('Run', running ? 'a run is in progress' : 'no run in progress'
    + (last ? '; the last one this service started ended ' + last.status + ' ' + ago(last.finishedAt) : ''),
    el('div', { class: 'actions' },
      el('button', { class: 'primary', id: 'run-all', disabled: running, onclick: () => start({}, 'every table') }, 'Run all tables'),
      el('button', { id: 'run-selected', disabled: running, onclick: () => {
        const t = selected();
        if (!t.length) { notify('Tick the tables to run first', true); return; }
        start({ tables: t }, t.join(', '));
      } }, 'Run selected'),
      el('button', { id: 'retry-failed', disabled: running, onclick: () => start({ failedOnly: true }, 'the failed tables') }, 'Retry failed'),
      el('button', { id: 'dry-run', onclick: async () => {
        output.replaceChildren(el('p', { class: 'muted' }, 'Planning\u2026'));
        try {
          const t = selected();
          const r = await api('runs', t.length ? { dryRun: true, tables: t } : { dryRun: true });
          output.replaceChildren(el('pre', { class: 'plan' }, r.plan));
        } catch (e) {
          output.replaceChildren(el('p', { class: 'error-text' }, e.message));
        }
      } }, 'Dry run (show the plan)')),
    picks.length ? el('div', { class: 'tables-pick' }, el('span', { class: 'muted' }, 'Tables:'), picks) : null,
    output);
}

const STEPS = { waiting: 'waiting', staging: 'staging', staged: 'staged, waiting for the apply', applying: 'applying',
  verifying: 'verifying', done: 'done' };

function progressCard(progress) {
  if (!progress.running) {
    return null; // the Run card says so
  }
  const rows = progress.tables.map((t) => {
    const pct = t.percent === null ? 0 : t.percent;
    return [
      el('div', {}, el('strong', {}, t.name), el('div', { class: 'step', 'data-step': t.step }, STEPS[t.step] || t.step)),
      el('div', { class: 'bar' + (t.status === 'SUCCESS' ? ' done' : ''), title: pct + '%' },
        el('span', { style: null, 'data-pct': pct })),
      el('div', { class: 'step' }, num(t.read) + ' / ' + num(t.expected) + ' rows',
        t.rowsPerSecond ? ' \u00b7 ' + num(t.rowsPerSecond) + ' rows/s' : '',
        t.batches ? ' \u00b7 batch ' + t.batch + ' of ' + t.batches : ''),
    ];
  });
  const grid = el('div', { class: 'progress', id: 'progress' }, rows.flat());
  // widths are set through the CSSOM (the page's CSP allows no inline style attributes)
  grid.querySelectorAll('.bar > span').forEach((s) => { s.style.width = s.dataset.pct + '%'; });
  return card('Progress', 'run ' + shortId(progress.runId) + ' \u00b7 ' + (progress.who || progress.trigger || '') + ' \u00b7 started '
    + ago(progress.startedAt), grid);
}

function runsCard(page) {
  if (!page.runs.length) {
    return card('Last runs', null, el('p', { class: 'empty' }, 'No run yet. Start one above, or wait for the schedule.'));
  }
  const body = [];
  page.runs.forEach((r, i) => {
    body.push(el('tr', { class: 'run-row clickable' + (i === 0 ? ' first' : ''), 'data-run': r.runId,
      onclick: () => { location.hash = '#run/' + encodeURIComponent(r.runId); } },
      el('td', {}, el('a', { href: '#run/' + encodeURIComponent(r.runId), class: 'mono' }, shortId(r.runId))),
      el('td', {}, r.trigger, r.who ? el('span', { class: 'muted' }, ' \u00b7 ' + r.who) : null),
      el('td', { title: when(r.startedAt) }, when(r.startedAt)),
      el('td', { class: 'num' }, duration(r.seconds)),
      el('td', {}, pill(r.status))));
    for (const t of r.tables) {
      body.push(el('tr', { class: 'table-row' },
        el('td', {}, t.name),
        el('td', { class: 'muted' }, t.mode),
        el('td', { class: 'muted' }, num(t.read) + ' read \u00b7 ' + num(t.written) + ' written'
          + (t.deadLettered ? ' \u00b7 ' + num(t.deadLettered) + ' dead-lettered' : '')),
        el('td', { class: 'num muted' }, duration(t.seconds)),
        el('td', {}, pill(t.status))));
    }
    if (r.error) {
      body.push(el('tr', { class: 'table-row' }, el('td', { colspan: 5, class: 'error-text' }, r.error)));
    }
    body.push(el('tr', { class: 'run-end' }, el('td', { colspan: 5 })));
  });
  const pager = el('div', { class: 'pager' },
    el('span', { class: 'muted' }, (page.offset + 1) + '\u2013' + (page.offset + page.runs.length) + ' of ' + page.total),
    el('button', { class: 'small', disabled: page.offset === 0, onclick: () => { state.runsOffset = Math.max(0, page.offset - PAGE); render(); } }, 'Newer'),
    el('button', { class: 'small', disabled: page.offset + page.runs.length >= page.total,
      onclick: () => { state.runsOffset = page.offset + PAGE; render(); } }, 'Older'));
  return card('Last runs', 'newest first', el('table', { id: 'runs' },
    el('thead', {}, el('tr', {}, el('th', {}, 'Run'), el('th', {}, 'Trigger'), el('th', {}, 'Started'),
      el('th', { class: 'num' }, 'Duration'), el('th', {}, 'Status'))),
    el('tbody', {}, body)), pager);
}

function trendsCard(tables) {
  if (!tables.length) return card('Tables', null, el('p', { class: 'empty' }, 'No table yet.'));
  return card('Tables', 'last success and the trend of the last runs', el('div', { class: 'trends' }, tables.map(trend)));
}

function trend(t) {
  const runs = t.runs || [];
  const W = 240;
  const H = 46;
  const chart = el('svg', { viewBox: '0 0 ' + W + ' ' + H, preserveAspectRatio: 'none', role: 'img',
    'aria-label': 'rows and seconds of the last ' + runs.length + ' runs of ' + t.name });
  if (runs.length) {
    const line = (values, cls) => {
      const max = Math.max(...values, 1);
      const step = runs.length > 1 ? (W - 8) / (runs.length - 1) : 0;
      const pts = values.map((v, i) => [4 + i * step, H - 4 - (v / max) * (H - 10)]);
      chart.append(el('polyline', { class: cls, points: pts.map((p) => p[0].toFixed(1) + ',' + p[1].toFixed(1)).join(' ') }));
      return pts;
    };
    line(runs.map((p) => p.seconds), 'line-seconds');
    const pts = line(runs.map((p) => p.read), 'line-rows');
    runs.forEach((p, i) => {
      chart.append(el('circle', { class: p.status === 'SUCCESS' ? 'dot-rows' : 'dot-bad', cx: pts[i][0].toFixed(1),
        cy: pts[i][1].toFixed(1), r: 2.6 }, el('title', {}, when(p.startedAt) + ': ' + p.status + ', ' + num(p.read)
        + ' rows read, ' + duration(p.seconds))));
    });
  }
  const last = runs.length ? runs[runs.length - 1] : null;
  return el('div', { class: 'trend' },
    el('h3', {}, t.name, t.lastStatus ? pill(t.lastStatus) : el('span', { class: 'muted' }, 'never run')),
    el('div', { class: 'meta' }, t.lastSuccessAt ? 'last success ' + ago(t.lastSuccessAt) : 'no success yet',
      last ? ' \u00b7 ' + num(last.read) + ' rows in ' + duration(last.seconds) : ''),
    runs.length ? chart : null,
    runs.length ? el('div', { class: 'legend' }, el('span', {}, el('span', { class: 'swatch rows' }), 'rows read'),
      el('span', {}, el('span', { class: 'swatch seconds' }), 'seconds'), el('span', {}, runs.length + ' runs')) : null);
}

// One run: its fields and its tables.
async function viewRun(id) {
  const r = await api('runs/' + encodeURIComponent(id));
  const rows = r.tables.map((t) => el('tr', {},
    el('td', {}, t.name), el('td', {}, t.mode), el('td', {}, pill(t.status)), el('td', { class: 'num' }, num(t.read)),
    el('td', { class: 'num' }, num(t.written)),
    el('td', { class: 'num' }, t.deadLettered ? el('a', { href: '#dead-letters' }, num(t.deadLettered)) : '0'),
    el('td', { class: 'num' }, duration(t.seconds)),
    el('td', { class: 'error-text' }, t.error || '')));
  return [card('Run ' + shortId(r.runId), null,
    el('dl', { class: 'kv' },
      el('dt', {}, 'Run id'), el('dd', { class: 'mono' }, r.runId),
      el('dt', {}, 'Status'), el('dd', { id: 'run-status' }, pill(r.status)),
      el('dt', {}, 'Trigger'), el('dd', {}, (r.trigger || '') + (r.who ? ' \u00b7 ' + r.who : '')),
      el('dt', {}, 'Started'), el('dd', {}, when(r.startedAt)),
      el('dt', {}, 'Finished'), el('dd', {}, r.finishedAt ? when(r.finishedAt) + ' (' + duration(r.seconds) + ')' : '\u2014'),
      r.error ? [el('dt', {}, 'Error'), el('dd', { class: 'error-text' }, r.error)] : null),
    el('table', { id: 'run-tables' }, el('thead', {}, el('tr', {}, el('th', {}, 'Table'), el('th', {}, 'Mode'),
      el('th', {}, 'Status'), el('th', { class: 'num' }, 'Read'), el('th', { class: 'num' }, 'Written'),
      el('th', { class: 'num' }, 'Dead letters'), el('th', { class: 'num' }, 'Seconds'), el('th', {}, 'Error'))),
    el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: 8, class: 'empty' }, 'No table has finished yet.')))),
    el('p', {}, el('a', { href: '#runs' }, '\u2190 all runs')))];
}

// Dead letters grouped by run and table; a row opens to its stored values.
async function viewDeadLetters() {
  const d = await api('dead-letters');
  if (!d.total) {
    return [card('Dead letters', null, el('p', { class: 'empty' },
      'No dead letters: every row the development database was given has landed.'))];
  }
  const groups = d.groups.map((g) => {
    const rows = [];
    for (const e of g.entries) {
      const detail = el('tr', { class: 'detail', hidden: true }, el('td', { colspan: 4 }));
      const row = el('tr', { class: 'clickable dead-letter', 'data-id': e.id, onclick: async () => {
        if (!detail.hidden) { detail.hidden = true; row.classList.remove('open'); return; }
        try {
          const full = await api('dead-letters/' + e.id);
          const values = Object.entries(full.row || {}).sort((a, b) => a[0].localeCompare(b[0])).map(([k, v]) => el('tr', {}, el('td', {}, k),
            el('td', { class: 'mono' }, v === null ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v))));
          detail.firstChild.replaceChildren(el('div', { class: 'muted' }, 'Stored values (after the owner and the data rules):'),
            el('table', { class: 'values' }, el('tbody', {}, values)));
          detail.hidden = false;
          row.classList.add('open');
        } catch (err) { notify(err.message, true); }
      } },
        el('td', { class: 'mono' }, e.key === null ? '\u2014' : e.key),
        el('td', { class: 'mono' }, e.sqlState || ''),
        el('td', { class: 'reason' }, e.reason || ''),
        el('td', { class: 'muted' }, when(e.createdAt)));
      rows.push(row, detail);
    }
    const act = async (what, body, confirmText) => {
      if (confirmText && !window.confirm(confirmText)) return;
      try {
        const r = await api('dead-letters/' + what, body);
        notify(what === 'replay' ? 'Replayed: ' + r.landed + ' landed, ' + r.remaining + ' still rejected'
          : 'Purged ' + r.purged + ' dead letter(s)', what === 'replay' && r.remaining > 0);
        render();
      } catch (e) { notify(e.message, true); }
    };
    const scope = { runId: g.runId, table: g.table };
    return el('div', { class: 'group' },
      el('div', { class: 'group-head' },
        el('span', { class: 'title' }, g.table),
        el('span', { class: 'muted' }, 'run ', el('a', { href: '#run/' + encodeURIComponent(g.runId), class: 'mono' }, shortId(g.runId)),
          ' \u00b7 ' + num(g.count) + ' row' + (g.count === 1 ? '' : 's')),
        el('span', { class: 'actions' },
          el('button', { class: 'primary small replay', onclick: () => act('replay', scope) }, 'Replay'),
          el('button', { class: 'danger small purge', onclick: () => act('purge', scope,
            'Delete these ' + g.count + ' stored rows for good? They cannot be replayed after.') }, 'Purge'))),
      el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Key'), el('th', {}, 'SQLState'), el('th', {}, 'Reason'),
        el('th', {}, 'Set aside'))), el('tbody', {}, rows)),
      g.entries.length < g.count ? el('p', { class: 'muted' }, '\u2026 and ' + (g.count - g.entries.length) + ' more') : null);
  });
  return [card('Dead letters', num(d.total) + ' rows the development database rejected; fix the cause, then replay',
    ...groups)];
}

// Conflicts: both versions side by side, the columns that differ marked.
async function viewConflicts() {
  const c = await api('conflicts');
  if (!c.conflicts.length) {
    return [card('Conflicts', null, el('p', { class: 'empty' }, 'No conflicts: nothing is waiting for a decision.'))];
  }
  const twoWay = c.conflicts.some((x) => x.kind === 'twoWay');
  return [card('Conflicts', c.conflicts.length + (c.conflicts.length === 1 ? ' row' : ' rows') + ' changed on both sides (conflict: manual); '
    + (twoWay ? 'each side keeps its version' : 'development\u2019s version is kept') + ' until you decide',
    ...c.conflicts.map(conflict))];
}

function conflict(x) {
  const columns = [...new Set([...Object.keys(x.source || {}), ...Object.keys(x.target || {})])];
  const deleted = (row) => row && Object.keys(row).length === 0; // a two-way side that deleted the row
  const gone = deleted(x.source) || deleted(x.target);
  const differing = gone ? columns : x.differing;
  const show = (row, k) => {
    if (deleted(row)) return el('span', { class: 'muted' }, '(deleted)');
    if (!row || !(k in row)) return el('span', { class: 'muted' }, '(no such column)');
    const v = row[k];
    return v === null ? el('span', { class: 'muted' }, 'NULL') : typeof v === 'object' ? JSON.stringify(v) : String(v);
  };
  // the columns that differ first, marked; the others folded away below them
  const row = (k) => el('tr', { class: differing.includes(k) ? 'differs' : '' },
    el('td', {}, k), el('td', {}, show(x.source, k)), el('td', {}, show(x.target, k)));
  const same = columns.filter((k) => !differing.includes(k)).sort();
  const rows = differing.map(row);
  const folded = el('tbody', { class: 'same', hidden: true }, same.map(row));
  const toggle = el('tr', { class: 'fold' }, el('td', { colspan: 3 }, el('button', { class: 'small link', onclick: (ev) => {
    folded.hidden = !folded.hidden;
    ev.target.textContent = (folded.hidden ? 'Show ' : 'Hide ') + sameColumns(same.length);
  } }, 'Show ' + sameColumns(same.length))));
  // one-way: production (source) against development (target); two-way: the first database (A) against the second (B)
  const twoWay = x.kind === 'twoWay';
  const kept = { source: 'production\u2019s', target: 'development\u2019s', a: 'A\u2019s (the first database\u2019s)',
    b: 'B\u2019s (the second database\u2019s)' };
  const resolve = async (keep) => {
    try {
      await api('conflicts/' + x.id + '/resolve', { keep });
      notify('Conflict ' + x.id + ' resolved: kept ' + kept[keep] + ' version' + (twoWay ? ', now in both databases' : ''));
      render();
    } catch (e) { notify(e.message, true); }
  };
  const heads = twoWay ? ['A \u00b7 first database (source)', 'B \u00b7 second database (target)']
    : ['Production (source)', 'Development (target, kept now)'];
  const buttons = twoWay ? [
    el('button', { class: 'keep-b', title: 'write B\u2019s version into the first database too', onclick: () => resolve('b') },
      'Keep B (second database)'),
    el('button', { class: 'primary keep-a', title: 'write A\u2019s version into the second database too', onclick: () => resolve('a') },
      'Keep A (first database)')] : [
    el('button', { class: 'keep-target', onclick: () => resolve('target') }, 'Keep development\u2019s'),
    el('button', { class: 'primary keep-source', onclick: () => resolve('source') }, 'Keep production\u2019s')];
  return el('div', { class: 'group conflict', 'data-id': x.id },
    el('div', { class: 'group-head' }, el('span', { class: 'title' }, x.table + ' ' + x.key),
      el('span', { class: 'muted' }, '#' + x.id + ' \u00b7 run ', el('a', { href: '#run/' + encodeURIComponent(x.runId), class: 'mono' },
        shortId(x.runId)), ' \u00b7 ' + when(x.createdAt) + (gone ? ' \u00b7 deleted on one side' : ' \u00b7 differs in ' + x.differing.join(', ')))),
    el('table', { class: 'versions' }, el('thead', {}, el('tr', {}, el('th', {}, 'Column'), el('th', {}, heads[0]),
      el('th', {}, heads[1]))), el('tbody', {}, rows), same.length ? el('tbody', {}, toggle) : null, folded),
    twoWay ? el('p', { class: 'muted note' }, deleted(x.source) ? 'The first database (A) deleted the row. '
      : deleted(x.target) ? 'The second database (B) deleted the row. ' : '', 'The version you keep is written into both '
      + 'databases; keeping a deletion deletes the row on the other side. References in A\u2019s version are shown in B\u2019s ids.') : null,
    el('div', { class: 'foot', style: null }, buttons));
}

// ---- live refresh: progress every 2 s while a run is in progress, else every 15 s

let pollTimer = null;
async function poll(soon) {
  clearTimeout(pollTimer);
  let running = false;
  try {
    const p = await api('progress');
    running = p.running;
    const wasRunning = state.progress && state.progress.running;
    state.progress = p;
    showSchedule(p);
    const v = currentView();
    if ((running || wasRunning || soon) && (v.name === 'runs' || v.name === 'run')) {
      await render();
    }
  } catch (e) { /* the next poll tries again */ }
  pollTimer = setTimeout(() => poll(false), running || soon ? 1500 : 15000);
}

window.addEventListener('hashchange', () => {
  document.getElementById('notice').hidden = true;
  render();
});
render().then(() => poll(false));

/** "1 column that is the same", "3 columns that are the same". */
function sameColumns(n) {
  return n === 1 ? '1 column that is the same' : n + ' columns that are the same';
}
