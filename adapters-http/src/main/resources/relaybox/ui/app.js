// Relaybox ops dashboard. No framework, no inline script, and no innerHTML: every value from the server (job keys,
// errors, assistance descriptions written by strangers) reaches the page through textContent only.
(function () {
  'use strict';

  var adminKey = null;          // held in memory only: never in the URL, cookies or storage
  var timer = null;
  var selected = new Set();
  var lastDeadSignature = '';
  var activeLookup = null;
  var activeJob = null;
  var REFRESH_MS = 3000;

  function $(id) { return document.getElementById(id); }

  function el(tag, text, className) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (className) e.className = className;
    return e;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function status(text) { $('status').textContent = text; }

  function api(method, path, body) {
    var init = { method: method, headers: { 'Authorization': 'Bearer ' + adminKey }, cache: 'no-store', credentials: 'omit' };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(path, init).then(function (r) {
      var type = r.headers.get('Content-Type') || '';
      var parsed = type.indexOf('json') >= 0 ? r.json() : r.text();
      return parsed.then(function (data) {
        if (r.status === 401) { logout('The key was refused.'); throw new Error('unauthorized'); }
        if (!r.ok) { throw new Error((data && data.detail) || ('HTTP ' + r.status)); }
        return data;
      });
    });
  }

  // ---- login -------------------------------------------------------------------------------------------------

  $('login').addEventListener('submit', function (event) {
    event.preventDefault();
    var key = $('key').value.trim();
    $('key').value = '';
    if (!key) return;
    adminKey = key;
    $('login-error').textContent = '';
    api('GET', '/admin/stats').then(function () {
      $('login-panel').hidden = true;
      $('app').hidden = false;
      $('logout').hidden = false;
      status('logged in');
      refresh();
      timer = setInterval(refresh, REFRESH_MS);
    }).catch(function (e) {
      if (adminKey) { adminKey = null; $('login-error').textContent = 'Login failed: ' + e.message; }
    });
  });

  $('logout').addEventListener('click', function () { logout(''); });

  function logout(message) {
    adminKey = null;
    if (timer) clearInterval(timer);
    timer = null;
    $('app').hidden = true;
    $('logout').hidden = true;
    $('login-panel').hidden = false;
    $('login-error').textContent = message;
    status('');
  }

  // ---- refresh -------------------------------------------------------------------------------------------------

  function refresh() {
    if (!adminKey) return;
    Promise.all([api('GET', '/admin/stats'), api('GET', '/admin/throughput'),
      api('GET', '/admin/jobs?state=dead&limit=100')])
      .then(function (r) {
        renderQueues(r[0].subscriptions, r[1].minutes);
        renderChart(r[1].minutes);
        renderDead(r[2].jobs);
        $('refreshed').textContent = 'updated ' + new Date().toLocaleTimeString();
      })
      .catch(function (e) { status('refresh failed: ' + e.message); });
    refreshEndpoints();
    if (activeLookup) runLookup(activeLookup);
    if (activeJob) showJob(activeJob);
  }

  // ---- webhook endpoints: health and failed deliveries ------------------------------------------------------

  function refreshEndpoints() {
    api('GET', '/admin/webhook-endpoints').then(function (r) {
      renderEndpoints(r.endpoints);
      return Promise.all(r.endpoints.map(function (e) {
        return api('GET', '/admin/webhook-endpoints/' + encodeURIComponent(e.id) + '/deliveries?failed=true&limit=20')
          .then(function (d) { return { endpoint: e, deliveries: d.deliveries }; });
      }));
    }).then(renderFailedDeliveries).catch(function (e) { status('endpoints refresh failed: ' + e.message); });
  }

  function renderEndpoints(endpoints) {
    var body = $('endpoints').tBodies[0];
    clear(body);
    endpoints.forEach(function (e) {
      var h = e.health || {};
      var tr = el('tr');
      tr.dataset.endpoint = e.id;
      tr.appendChild(el('td', (e.name ? e.name + ' ' : '') + e.url));
      tr.appendChild(el('td', (e.eventTypes || []).join(', ')));
      tr.appendChild(el('td', e.enabled ? 'enabled' : 'disabled: ' + (e.disabledReason || ''), e.enabled ? '' : 'warn'));
      tr.appendChild(el('td', h.attemptsLastDay || 0, 'num'));
      tr.appendChild(el('td', h.failuresLastDay || 0, h.failuresLastDay > 0 ? 'num warn' : 'num'));
      tr.appendChild(el('td', h.waiting || 0, 'num'));
      tr.appendChild(el('td', h.lastSuccessAt || '-'));
      tr.appendChild(el('td', h.lastFailureAt || '-', h.lastFailureAt ? 'warn' : ''));
      var cell = el('td');
      if (!e.enabled) {
        var button = el('button', 'Enable');
        button.id = 'enable-' + e.id;
        button.addEventListener('click', function () {
          api('PATCH', '/admin/webhook-endpoints/' + encodeURIComponent(e.id), { enabled: true })
            .then(function () { status('endpoint enabled; its backlog is being delivered'); refreshEndpoints(); })
            .catch(function (err) { status('enable failed: ' + err.message); });
        });
        cell.appendChild(button);
      }
      tr.appendChild(cell);
      body.appendChild(tr);
    });
  }

  function renderFailedDeliveries(perEndpoint) {
    var body = $('failed-deliveries').tBodies[0];
    clear(body);
    perEndpoint.forEach(function (p) {
      p.deliveries.forEach(function (d) {
        var tr = el('tr');
        tr.dataset.endpoint = p.endpoint.id;
        tr.appendChild(el('td', p.endpoint.name || p.endpoint.url));
        tr.appendChild(el('td', d.eventId));
        tr.appendChild(el('td', d.eventType));
        tr.appendChild(el('td', d.attempt, 'num'));
        tr.appendChild(el('td', d.status === 0 ? 'no answer' : d.status, 'num warn'));
        tr.appendChild(el('td', d.latencyMs, 'num'));
        tr.appendChild(el('td', d.at));
        tr.appendChild(el('td', d.response));
        body.appendChild(tr);
      });
    });
  }

  function renderQueues(subscriptions, minutes) {
    var retries = {};
    minutes.forEach(function (m) { retries[m.subscription] = (retries[m.subscription] || 0) + m.retried; });
    var body = $('queues').tBodies[0];
    clear(body);
    subscriptions.forEach(function (s) {
      var tr = el('tr');
      tr.dataset.subscription = s.subscription;
      tr.appendChild(el('td', s.subscription));
      [s.counts.available, s.counts.running].forEach(function (n) { tr.appendChild(el('td', n, 'num')); });
      var lag = s.oldestAvailableAgeSeconds === undefined || s.oldestAvailableAgeSeconds === null ? 0 : s.oldestAvailableAgeSeconds;
      tr.appendChild(el('td', lag.toFixed(1), lag > 60 ? 'num warn' : 'num'));
      tr.appendChild(el('td', retries[s.subscription] || 0, 'num'));
      tr.appendChild(el('td', s.counts.dead, s.counts.dead > 0 ? 'num warn' : 'num'));
      tr.appendChild(el('td', s.counts.done, 'num'));
      tr.appendChild(el('td', s.counts.cancelled, 'num'));
      body.appendChild(tr);
    });
  }

  function renderChart(minutes) {
    var svg = $('chart');
    clear(svg);
    var ns = 'http://www.w3.org/2000/svg';
    var byMinute = [];
    var index = {};
    minutes.forEach(function (m) {
      if (!(m.minute in index)) { index[m.minute] = byMinute.length; byMinute.push({ minute: m.minute, done: 0, retry: 0, dead: 0 }); }
      var b = byMinute[index[m.minute]];
      b.done += m.completed; b.retry += m.retried; b.dead += m.dead;
    });
    var max = 1;
    byMinute.forEach(function (b) { max = Math.max(max, b.done + b.retry + b.dead); });
    var width = 600, height = 120, slot = width / Math.max(15, byMinute.length);
    byMinute.forEach(function (b, i) {
      var y = height;
      [['done', b.done], ['retry', b.retry], ['dead', b.dead]].forEach(function (part) {
        var h = part[1] / max * (height - 10);
        if (h <= 0) return;
        var rect = document.createElementNS(ns, 'rect');
        rect.setAttribute('x', String(i * slot + 2));
        rect.setAttribute('y', String(y - h));
        rect.setAttribute('width', String(slot - 4));
        rect.setAttribute('height', String(h));
        rect.setAttribute('class', part[0]);
        var title = document.createElementNS(ns, 'title');
        title.textContent = new Date(b.minute).toLocaleTimeString() + ': ' + part[1] + ' ' + part[0];
        rect.appendChild(title);
        svg.appendChild(rect);
        y -= h;
      });
      if (i % 3 === 0) {
        var label = document.createElementNS(ns, 'text');
        label.setAttribute('x', String(i * slot + 2));
        label.setAttribute('y', '135');
        label.textContent = new Date(b.minute).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
        svg.appendChild(label);
      }
    });
    var top = document.createElementNS(ns, 'text');
    top.setAttribute('x', '4'); top.setAttribute('y', '10');
    top.textContent = 'max ' + max + '/min';
    svg.appendChild(top);
  }

  function renderDead(jobs) {
    var signature = JSON.stringify(jobs.map(function (j) { return [j.id, j.attempts, j.lastError]; })) + '|' + Array.from(selected).join(',');
    if (signature === lastDeadSignature) return;   // keep the rows (and the operator's clicks) stable between refreshes
    lastDeadSignature = signature;
    var ids = new Set(jobs.map(function (j) { return j.id; }));
    selected.forEach(function (id) { if (!ids.has(id)) selected.delete(id); });
    var body = $('dead').tBodies[0];
    clear(body);
    if (jobs.length === 0) {
      var empty = el('tr');
      var td = el('td', 'No dead letters.');
      td.colSpan = 8;
      empty.appendChild(td);
      body.appendChild(empty);
    }
    jobs.forEach(function (j) {
      var tr = el('tr');
      tr.dataset.jobId = String(j.id);
      tr.dataset.key = j.key || '';
      var box = el('input');
      box.type = 'checkbox';
      box.checked = selected.has(j.id);
      box.setAttribute('aria-label', 'select job ' + j.id);
      box.addEventListener('change', function () { if (box.checked) selected.add(j.id); else selected.delete(j.id); lastDeadSignature = ''; });
      var cell = el('td'); cell.appendChild(box); tr.appendChild(cell);
      tr.appendChild(el('td', j.id, 'num'));
      tr.appendChild(el('td', j.subscription));
      tr.appendChild(el('td', j.key || '', 'wrap'));
      tr.appendChild(el('td', j.attempts, 'num'));
      tr.appendChild(el('td', j.finishedAt ? new Date(j.finishedAt).toLocaleString() : ''));
      tr.appendChild(el('td', j.lastError || '', 'wrap error'));
      var actions = el('td');
      actions.appendChild(button('History', 'show-' + j.id, function () { showJob(j.id); }));
      actions.appendChild(button('Replay', 'replay-' + j.id, function () { act('replay', [j.id]); }));
      actions.appendChild(button('Cancel', 'cancel-' + j.id, function () { act('cancel', [j.id]); }));
      tr.appendChild(actions);
      body.appendChild(tr);
    });
  }

  function button(label, id, onClick) {
    var b = el('button', label);
    b.type = 'button';
    b.id = id;
    b.addEventListener('click', onClick);
    return b;
  }

  $('select-all').addEventListener('change', function () {
    var rows = $('dead').tBodies[0].rows;
    for (var i = 0; i < rows.length; i++) {
      var id = Number(rows[i].dataset.jobId);
      if (!id) continue;
      if ($('select-all').checked) selected.add(id); else selected.delete(id);
    }
    lastDeadSignature = '';
    refresh();
  });
  $('replay-selected').addEventListener('click', function () { act('replay', Array.from(selected)); });
  $('cancel-selected').addEventListener('click', function () { act('cancel', Array.from(selected)); });

  function act(action, ids) {
    if (ids.length === 0) { $('action-result').textContent = 'Nothing selected.'; return; }
    Promise.allSettled(ids.map(function (id) { return api('POST', '/admin/jobs/' + id + '/' + action); }))
      .then(function (results) {
        var ok = results.filter(function (r) { return r.status === 'fulfilled'; }).length;
        var failed = results.filter(function (r) { return r.status === 'rejected'; })
          .map(function (r) { return r.reason.message; });
        $('action-result').textContent = action + ': ' + ok + ' of ' + ids.length + ' done'
          + (failed.length ? '; ' + failed.join('; ') : '');
        ids.forEach(function (id) { selected.delete(id); });
        lastDeadSignature = '';
        refresh();
      });
  }

  // ---- one job and look-up ----------------------------------------------------------------------------------------

  function showJob(id) {
    activeJob = id;
    api('GET', '/admin/jobs/' + id).then(function (detail) {
      $('job-panel').hidden = false;
      $('job-title').textContent = String(id);
      var box = $('job-detail');
      clear(box);
      box.appendChild(jobView(detail));
    }).catch(function (e) { status('job ' + id + ': ' + e.message); });
  }

  function jobView(detail) {
    var wrap = el('div', null, 'job');
    wrap.dataset.jobId = String(detail.job.id);
    wrap.appendChild(pairs({
      job: detail.job.id, subscription: detail.job.subscription, state: detail.job.state, key: detail.job.key,
      attempts: detail.job.attempts, created: detail.job.createdAt, 'run at': detail.job.runAt,
      finished: detail.job.finishedAt, 'last error': detail.job.lastError,
      'request id': detail.headers && detail.headers.correlationId, traceparent: detail.headers && detail.headers.traceparent
    }));
    var table = el('table', null, 'history');
    var head = el('tr');
    ['at', 'kind', 'attempt', 'node', 'message'].forEach(function (h) { head.appendChild(el('th', h)); });
    table.appendChild(head);
    (detail.history || []).forEach(function (h) {
      var tr = el('tr');
      tr.appendChild(el('td', new Date(h.at).toLocaleString()));
      tr.appendChild(el('td', h.kind));
      tr.appendChild(el('td', h.attempt, 'num'));
      tr.appendChild(el('td', h.node || ''));
      tr.appendChild(el('td', h.message, 'wrap'));
      table.appendChild(tr);
    });
    wrap.appendChild(el('h3', 'History (' + (detail.history || []).length + ')'));
    wrap.appendChild(table);
    wrap.appendChild(el('h3', 'Payload'));
    wrap.appendChild(el('pre', JSON.stringify(detail.payload, null, 2)));
    return wrap;
  }

  function pairs(object) {
    var dl = el('dl');
    Object.keys(object).forEach(function (k) {
      var v = object[k];
      if (v === undefined || v === null || v === '') return;
      dl.appendChild(el('dt', k));
      var dd = el('dd', typeof v === 'object' ? JSON.stringify(v) : v);
      dd.dataset.field = k;
      dl.appendChild(dd);
    });
    return dl;
  }

  $('lookup').addEventListener('submit', function (event) {
    event.preventDefault();
    var id = $('lookup-id').value.trim();
    if (id) runLookup(id);
  });

  function runLookup(id) {
    activeLookup = id;
    api('GET', '/admin/lookup/' + encodeURIComponent(id)).then(function (found) {
      var box = $('lookup-result');
      clear(box);
      if (found.record) {
        box.appendChild(el('h3', (found.kind || 'record') + ' ' + found.id));
        var rec = pairs(found.record);
        rec.id = 'lookup-record';
        box.appendChild(rec);
      } else {
        box.appendChild(el('h3', 'No record; jobs keyed ' + found.id));
      }
      found.jobs.forEach(function (j) { box.appendChild(jobView(j)); });
    }).catch(function (e) {
      var box = $('lookup-result');
      clear(box);
      box.appendChild(el('p', e.message, 'error'));
    });
  }
})();
