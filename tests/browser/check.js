// check.js — drive headless Chromium over the DevTools protocol and check a
// built catalog site.  Node built-ins only: the protocol runs over the pipe
// Chromium opens with --remote-debugging-pipe (fd 3 in, fd 4 out, messages
// separated by NUL), so no WebSocket client and no npm package is needed.
//
//   node tests/browser/check.js SITE_DIR SCREENSHOT.png RULE_ID RULE_TITLE [REPORT.html HUNT.jsonl]
//
// With REPORT.html (a `hunt --report` written inside SITE_DIR) and the same
// hunt's --format jsonl --summary-record output, the report is checked too:
// it loads without errors and without a single network request, its counts
// equal the JSON Lines detections, and its rule links reach catalog pages.
//
// Prints "ok - ..." / "not ok - ..." per check and ends with
// "browser: N passed, N failed".  Exit status 0 when nothing failed.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const [site, shot, ruleId, ruleTitle, report, huntJsonl] = process.argv.slice(2);
const chromium = process.env.CHROMIUM || 'chromium';
let passed = 0, failed = 0;

function result(ok, what, detail) {
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'ok' : 'not ok'} - ${what}${!ok && detail ? ': ' + detail : ''}`);
}

// ---- the protocol ---------------------------------------------------------

function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-chromium-'));
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-extensions',
    '--user-data-dir=' + profile, '--remote-debugging-pipe', '--window-size=1280,1600', 'about:blank'];
  const proc = spawn(chromium, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  proc.stderr.on('data', () => {});   // chromium's own logging, not page errors
  const out = proc.stdio[3], inp = proc.stdio[4];
  let buf = Buffer.alloc(0), nextId = 1;
  const waiting = new Map(), listeners = [];
  inp.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    let end;
    while ((end = buf.indexOf(0)) >= 0) {
      const msg = JSON.parse(buf.subarray(0, end).toString('utf8'));
      buf = buf.subarray(end + 1);
      if (msg.id && waiting.has(msg.id)) {
        const { resolve, reject } = waiting.get(msg.id);
        waiting.delete(msg.id);
        if (msg.error) reject(new Error(msg.error.message)); else resolve(msg.result);
      } else if (msg.method) {
        listeners.forEach((l) => l(msg));
      }
    }
  });
  function send(method, params = {}, sessionId) {
    const id = nextId++;
    const msg = { id, method, params };
    if (sessionId) msg.sessionId = sessionId;
    out.write(JSON.stringify(msg) + '\0');
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      setTimeout(() => {
        if (waiting.has(id)) { waiting.delete(id); reject(new Error(method + ' timed out')); }
      }, 60000);
    });
  }
  // Chromium keeps writing its profile while it shuts down: wait for the
  // process to exit, and let rmSync retry, so cleanup never races it.
  function close() {
    return new Promise((resolve) => {
      const done = () => {
        try {
          fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
        } catch (e) {
          process.stderr.write('note: could not remove ' + profile + ': ' + e.code + '\n');
        }
        resolve();
      };
      if (proc.exitCode !== null || proc.signalCode !== null) return done();
      proc.once('exit', done);
      proc.kill();
    });
  }
  return { send, on: (l) => listeners.push(l), close };
}

async function openPage(b) {
  const { targetId } = await b.send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await b.send('Target.attachToTarget', { targetId, flatten: true });
  const errors = [], requests = [];
  let loaded = null;
  b.on((m) => {
    if (m.sessionId !== sessionId) return;
    if (m.method === 'Runtime.exceptionThrown')
      errors.push('exception: ' + (m.params.exceptionDetails.exception?.description || m.params.exceptionDetails.text));
    if (m.method === 'Runtime.consoleAPICalled' && (m.params.type === 'error' || m.params.type === 'assert'))
      errors.push('console.error: ' + m.params.args.map((a) => a.value ?? a.description).join(' '));
    if (m.method === 'Log.entryAdded' && m.params.entry.level === 'error')
      errors.push('log: ' + m.params.entry.text + (m.params.entry.url ? ' (' + m.params.entry.url + ')' : ''));
    if (m.method === 'Network.requestWillBeSent') requests.push(m.params.request.url);
    if (m.method === 'Page.loadEventFired' && loaded) { loaded(); loaded = null; }
  });
  const s = (method, params) => b.send(method, params, sessionId);
  await s('Page.enable');
  await s('Runtime.enable');
  await s('Log.enable');
  await s('Network.enable');
  return {
    errors,
    requests,
    send: s,
    async go(url) {
      errors.length = 0;
      requests.length = 0;
      const done = new Promise((resolve) => { loaded = resolve; });
      await s('Page.navigate', { url });
      await Promise.race([done, new Promise((_, rej) => setTimeout(() => rej(new Error('load timed out: ' + url)), 60000))]);
    },
    async eval(expr) {
      const r = await s('Runtime.evaluate', { expression: expr, returnByValue: true, awaitPromise: true });
      if (r.exceptionDetails) throw new Error(r.exceptionDetails.text + ' in ' + expr);
      return r.result.value;
    },
  };
}

// ---- the checks -------------------------------------------------------------

const fileUrl = (rel) => 'file://' + path.resolve(site, rel);

async function pagesLoadCleanly(page) {
  const first = (dir) => fs.readdirSync(path.join(site, dir)).filter((f) => f.endsWith('.html')).sort()[0];
  const pages = ['index.html', 'attack.html', 'events.html', 'indicators.html',
    'rules/' + ruleId + '.html', 'indicators/' + first('indicators'),
    'techniques/' + first('techniques'), 'tactics/' + first('tactics'), 'events/' + first('events')];
  for (const rel of pages) {
    await page.go(fileUrl(rel));
    const title = await page.eval('document.title');
    result(page.errors.length === 0 && /ruledex/.test(title), `${rel} loads without console errors`,
      page.errors.slice(0, 3).join('; ') || 'title ' + title);
  }
}

const visibleRows = `[...document.querySelectorAll('#rules tbody tr')].filter((r) => !r.hidden)`;

async function searchFindsRule(page) {
  // the search box of every page sends ?q= to the index
  await page.go(fileUrl('index.html') + '?q=' + encodeURIComponent(ruleTitle));
  const titles = await page.eval(`${visibleRows}.map((r) => r.cells[0].textContent)`);
  result(titles.includes(ruleTitle) && titles.length < 10, `search "${ruleTitle}" finds the rule`,
    JSON.stringify(titles.slice(0, 5)) + ` (${titles.length} rows)`);
  // typing in the box filters as you type; an id finds exactly one rule
  const n = await page.eval(`(() => { const q = document.getElementById('q'); q.value = ${JSON.stringify(ruleId)};
      q.dispatchEvent(new Event('input', { bubbles: true })); return ${visibleRows}.length; })()`);
  result(n === 1, 'typing the rule id leaves one row', `${n} rows`);
  const count = await page.eval(`document.getElementById('count').textContent`);
  result(/^1 of \d+ rules$/.test(count), 'the count says so', count);
  // the filters: critical level only
  const levels = await page.eval(`(() => { const q = document.getElementById('q'); q.value = '';
      const f = document.getElementById('f-level'); f.value = 'critical';
      f.dispatchEvent(new Event('input', { bubbles: true }));
      return ${visibleRows}.map((r) => r.cells[1].textContent); })()`);
  result(levels.length > 0 && levels.every((l) => l === 'critical'), 'level filter shows only critical rules',
    `${levels.length} rows: ${[...new Set(levels)].join(',')}`);
  const tactic = await page.eval(`(() => { const f = document.getElementById('f-level'); f.value = '';
      const t = document.getElementById('f-tactic'); t.value = 'Defense Evasion';
      t.dispatchEvent(new Event('input', { bubbles: true })); return ${visibleRows}.length; })()`);
  result(tactic > 100, 'tactic filter narrows the index', `${tactic} rows`);
  result(page.errors.length === 0, 'searching and filtering raise no errors', page.errors.join('; '));
}

async function worksWithoutJavaScript(page) {
  await page.send('Emulation.setScriptExecutionDisabled', { value: true });
  await page.go(fileUrl('index.html') + '?q=nothing-matches-this');
  const rows = await page.eval(`${visibleRows}.length`);
  const all = await page.eval(`JSON.parse(document.getElementById('rdx-index').textContent).rules.length`);
  result(rows === all && rows > 3900, 'without JavaScript the index shows every rule', `${rows} of ${all}`);
  await page.go(fileUrl('rules/' + ruleId + '.html'));
  const sections = await page.eval(`[...document.querySelectorAll('section h2')].map((h) => h.textContent)`);
  result(sections.length === 5, 'without JavaScript a rule page shows all its sections', sections.join(' | '));
  await page.send('Emulation.setScriptExecutionDisabled', { value: false });
}

async function rulePageContent(page) {
  await page.go(fileUrl('rules/' + ruleId + '.html'));
  const text = await page.eval('document.body.innerText');
  const want = ['MITRE ATT&CK coverage', 'Event coverage', 'Stages and Predicates', 'Indicators',
    'Defense Evasion', 'T1218', 'Process creation', 'Stage 0: condition', 'corpus'];
  const missing = want.filter((w) => !text.includes(w));
  result(missing.length === 0, 'the rule page shows the seed sections', 'missing ' + missing.join(', '));
  const external = await page.eval(`[...document.querySelectorAll('link[href],script[src],img[src]')]
      .map((e) => e.getAttribute('href') || e.getAttribute('src')).filter((u) => /^(https?:)?\\/\\//.test(u))`);
  result(external.length === 0, 'no resources from the network', external.join(', '));
  await page.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 1600, deviceScaleFactor: 1, mobile: false });
  const { data } = await page.send('Page.captureScreenshot', { format: 'png' });
  fs.mkdirSync(path.dirname(shot), { recursive: true });
  fs.writeFileSync(shot, Buffer.from(data, 'base64'));
  result(fs.statSync(shot).size > 10000, 'screenshot of the rule page written to ' + shot);
}

// ---- a catalog of several sources (sigma, splunk, kusto, chronicle, elastic) ---

async function everySource(page) {
  const index = JSON.parse(fs.readFileSync(path.join(site, 'index.html'), 'utf8')
    .match(/<script type="application\/json" id="rdx-index">([\s\S]*?)<\/script>/)[1]);
  const bySource = {};
  index.rules.forEach((r) => { (bySource[r.source] = bySource[r.source] || []).push(r); });
  const names = Object.keys(bySource).sort();
  result(['chronicle', 'elastic', 'kusto', 'sigma', 'splunk'].every((n) => names.includes(n)),
    'the index holds rules of every source', names.join(', '));
  for (const name of names) {
    // a page of the source's rules: the first with an indicator, else the first
    const rule = bySource[name][0];
    await page.go(fileUrl('rules/' + rule.slug + '.html'));
    const text = await page.eval('document.body.innerText');
    result(page.errors.length === 0 && text.includes('Stages and Predicates') && text.includes(rule.title),
      `a ${name} rule page (${rule.slug}) loads and shows its stages`, page.errors.slice(0, 2).join('; '));
    // the index's source filter
    await page.go(fileUrl('index.html') + '?source=' + encodeURIComponent(name));
    const sources = await page.eval(`${visibleRows}.map((r) => r.cells[3].textContent)`);
    result(sources.length === bySource[name].length && sources.every((s) => s === name),
      `the source filter shows the ${bySource[name].length} ${name} rules only`,
      `${sources.length} rows: ${[...new Set(sources)].join(',')}`);
  }
  // the seed rule's indicators count across sources
  await page.go(fileUrl('rules/' + ruleId + '.html'));
  const text = await page.eval('document.body.innerText');
  result(/corpus \d+ \(sigma \d+, (splunk|kusto|chronicle|elastic) \d+/.test(text),
    'an indicator of the seed rule counts rules of several sources', text.match(/corpus \d+ \([^)]*\)/g)?.slice(0, 3).join(' | '));
}

async function matrixBySource(page) {
  await page.go(fileUrl('attack.html'));
  const options = await page.eval(`[...document.querySelectorAll('#m-source option')].map((o) => o.value + '=' + o.textContent)`);
  result(options.length === 7 && !(await page.eval(`document.getElementById('msources').hidden`)),
    'the ATT&CK matrix offers every source and their overlap', options.join(' '));
  const cell = `document.querySelector('.matrix li[title^="T1218:"]')`;
  const by = (await page.eval(`${cell}.dataset.by`)).split(',').map(Number);
  const shown = [];
  for (let i = 0; i < by.length; i++) {
    shown.push(Number(await page.eval(`(() => { const s = document.getElementById('m-source'); s.value = '${i}';
        s.dispatchEvent(new Event('input', { bubbles: true })); return ${cell}.querySelector('.n').textContent; })()`)));
  }
  result(JSON.stringify(shown) === JSON.stringify(by) && by.filter((n) => n > 0).length > 1,
    'choosing a source shows its rules in a technique', `shown ${shown} for ${by}`);
  const overlap = await page.eval(`(() => { const s = document.getElementById('m-source'); s.value = 'overlap';
      s.dispatchEvent(new Event('input', { bubbles: true }));
      const cells = [...document.querySelectorAll('.matrix li[data-by]')];
      const multi = (c) => c.dataset.by.split(',').filter((x) => x !== '0').length > 1;
      return [cells.filter((c) => !c.classList.contains('hide')).every(multi),
              cells.filter((c) => c.classList.contains('hide')).every((c) => !multi(c)),
              cells.filter(multi).length]; })()`);
  result(overlap[0] && overlap[1] && overlap[2] > 50, 'overlap shows exactly the techniques two or more sources cover',
    JSON.stringify(overlap));
  result(page.errors.length === 0, 'the matrix selector raises no errors', page.errors.join('; '));
  const layer = (f) => JSON.parse(fs.readFileSync(path.join(site, f), 'utf8'));
  const all = layer('navigator-layer.json'), ov = layer('navigator-layer-overlap.json');
  const perSource = options.filter((o) => /^\d/.test(o)).map((o) => layer('navigator-layer-source-' + o.split('=')[1] + '.json'));
  const t1218 = (l) => (l.techniques.find((t) => t.techniqueID === 'T1218') || { score: 0 }).score;
  result(perSource.length === 5 && JSON.stringify(perSource.map(t1218)) === JSON.stringify(by) &&
    t1218(all) === by.reduce((a, x) => a + x, 0),
    'a Navigator layer per source scores its own rules', `${perSource.map(t1218)} vs ${by}`);
  // every matrix cell two or more sources cover is in the overlap layer,
  // scored by its number of sources (the layer also has sub-techniques)
  const multi = await page.eval(`[...document.querySelectorAll('.matrix li[data-by]')]
      .map((c) => [c.title.split(':')[0], c.dataset.by.split(',').filter((x) => x !== '0').length])
      .filter(([, k]) => k > 1)`);
  const ovScore = Object.fromEntries(ov.techniques.map((t) => [t.techniqueID, t.score]));
  const wrong = multi.filter(([id, k]) => ovScore[id] !== k);
  result(multi.length === overlap[2] && wrong.length === 0 && ov.techniques.every((t) => t.score >= 2),
    'the overlap layer lists the techniques two or more sources cover, scored by sources',
    `${ov.techniques.length} in the layer, ${multi.length} in the matrix, wrong: ${JSON.stringify(wrong.slice(0, 3))}`);
}

// ---- the hunt report (hunt --report) -----------------------------------------

function huntCounts() {
  const c = { detections: 0, byRule: {}, byLevel: {}, byHost: {}, summary: null };
  for (const line of fs.readFileSync(huntJsonl, 'utf8').split('\n')) {
    if (!line) continue;
    const d = JSON.parse(line);
    if (d.summary) { c.summary = d.summary; continue; }
    if (!d.event) continue;   // correlations and warnings
    c.detections++;
    c.byRule[d.rule.id] = (c.byRule[d.rule.id] || 0) + 1;
    const level = d.rule.level || 'none';
    c.byLevel[level] = (c.byLevel[level] || 0) + 1;
  }
  return c;
}

async function reportChecks(page) {
  const want = huntCounts();
  await page.go('file://' + path.resolve(report));
  const title = await page.eval('document.title');
  result(page.errors.length === 0 && /ruledex/.test(title), 'the hunt report loads without console errors',
    page.errors.slice(0, 3).join('; ') || 'title ' + title);
  const self = 'file://' + path.resolve(report);
  const others = page.requests.filter((u) => u !== self);
  result(others.length === 0, 'the report makes no request beyond itself', others.slice(0, 3).join(', '));
  const external = await page.eval(`[...document.querySelectorAll('[src],link[href]')].map((e) => e.getAttribute('src') || e.getAttribute('href'))`);
  result(external.length === 0, 'the report refers to no resource', external.join(', '));
  const main = await page.eval(`Object.assign({}, document.getElementById('summary').dataset)`);
  result(Number(main.reported) === want.detections && want.detections > 0,
    'its detections shown equal the JSON Lines detections', `${main.reported} vs ${want.detections}`);
  result(want.summary && Number(main.detections) === want.summary.detections.total &&
    Number(main.suppressed) > 0 && Number(main.reported) + Number(main.suppressed) === Number(main.detections),
    'shown + suppressed = every detection, as the summary record says', JSON.stringify(main));
  const rows = await page.eval(`[...document.querySelectorAll('#rules tr.rule')].map((r) => [r.dataset.id, Number(r.dataset.count)])`);
  const wrong = rows.filter(([id, n]) => (want.byRule[id] || 0) !== n);
  result(rows.length > 10 && wrong.length === 0, 'every rule row counts what the JSON Lines hold for it',
    `${rows.length} rows; ${wrong.slice(0, 3).map(([id, n]) => id + ' ' + n + ' vs ' + want.byRule[id]).join(', ')}`);
  const levels = await page.eval(`[...document.querySelectorAll('#levels tr[data-level]')].map((r) => [r.dataset.level, Number(r.dataset.count)])`);
  const badLevels = levels.filter(([l, n]) => (want.byLevel[l] || 0) !== n);
  result(levels.length >= 5 && badLevels.length === 0, 'the level table counts what the JSON Lines hold',
    JSON.stringify(badLevels));
  const hostSum = await page.eval(`[...document.querySelectorAll('#hosts tr.host')].reduce((s, r) => s + Number(r.dataset.count), 0)`);
  const hostRows = await page.eval(`document.querySelectorAll('#hosts tr.host').length`);
  result(hostRows === Math.min(200, Number(main.hosts)) && (hostRows === 200 || hostSum === want.detections),
    'the host table adds up', `${hostRows} rows, ${hostSum} detections`);
  const bins = await page.eval(`[...document.querySelectorAll('#chart g[data-count]')].reduce((s, g) => s + Number(g.dataset.count), 0)`);
  const bars = await page.eval(`document.querySelectorAll('#chart rect').length`);
  result(bars > 0 && bins === want.detections - want.summary.detections.without_time,
    'the time chart draws every timed detection', `${bins} in ${bars} bars`);
  const links = await page.eval(`[...document.querySelectorAll('#rules a[href]')].map((a) => a.getAttribute('href'))`);
  const dead = links.filter((h) => !fs.existsSync(path.join(path.dirname(report), decodeURIComponent(h))));
  result(links.length === rows.length && dead.length === 0, 'every rule links to its catalog page',
    `${links.length} links, dead: ${dead.slice(0, 3).join(', ')}`);
  await page.go(self.replace(/[^/]*$/, '') + links[0]);
  result(page.errors.length === 0 && (await page.eval('document.title')).includes('ruledex'),
    'a rule link opens its catalog page', page.errors.join('; '));
  await page.go(self);
  await page.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 1600, deviceScaleFactor: 1, mobile: false });
  const { data } = await page.send('Page.captureScreenshot', { format: 'png' });
  const reportShot = path.join(path.dirname(shot), 'hunt-report.png');
  fs.writeFileSync(reportShot, Buffer.from(data, 'base64'));
  result(fs.statSync(reportShot).size > 10000, 'screenshot of the report written to ' + reportShot);
}

(async () => {
  const b = launch();
  try {
    const page = await openPage(b);
    await pagesLoadCleanly(page);
    await searchFindsRule(page);
    await worksWithoutJavaScript(page);
    await rulePageContent(page);
    await everySource(page);
    await matrixBySource(page);
    if (report) await reportChecks(page);
  } catch (e) {
    result(false, 'browser session', e.message);
  } finally {
    await b.close();
  }
  console.log(`browser: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})();
