// kusto_check.js — ruledex's KQL reader against Microsoft's own Kusto parser
// (npm @kusto/language-service-next: Kusto.Language compiled to JavaScript).
//
// Reads tests/oracle/kusto_dump.c's JSON lines on stdin.  For each query,
// Microsoft's parser (KustoCode.Parse: syntax only, no schema) gives:
//   - its syntax diagnostics;
//   - the query statement's pipeline: its source (a table name, or
//     something else) and its `where` operators (FilterOperator), with the
//     names each where-clause refers to.
// ruledex must agree: a query Microsoft parses cleanly is read without an
// error, and read as a rule; the table is the same; ruledex has one where
// step per FilterOperator of the pipeline; every field ruledex tests is a
// name Microsoft sees in a where-clause.  Disagreements are allowed only
// when tests/oracle/kusto_known_differences.txt lists the file (its path
// under the corpus, a tab, the reason); a listed file that agrees fails, so
// the list shrinks with fixes.
// A file that yields no rule is parsed from its own text (the first fenced
// block of a Markdown file, the whole of a query file).
//
// Prints one line per disagreement and ends with
// "kusto: N passed, N failed".  Usage:
//   node kusto_check.js NODE_MODULES_DIR KNOWN_DIFFERENCES < dump.jsonl
'use strict';
const fs = require('fs');
const path = require('path');

const modules = path.resolve(process.argv[2]);
global.Bridge = require(path.join(modules, '@kusto/language-service-next/bridge.js'));
require(path.join(modules, '@kusto/language-service-next/Kusto.Language.Bridge.js'));
const K = global.Kusto.Language;

function typeName(n) {
  return Bridge.getTypeName(n).replace('Kusto.Language.Syntax.', '');
}

function children(n) {
  const out = [];
  for (let i = 0; i < n.ChildCount; i++) {
    const c = n.GetChild(i);
    if (c) out.push(c);
  }
  return out;
}

function find(n, pred, out) {
  if (!n) return out;
  if (pred(n)) out.push(n);
  for (const c of children(n)) find(c, pred, out);
  return out;
}

// A comparison with a time function (`Timestamp > ago(7d)`, `between
// (ago(1d) .. now())`) is a time window, not an event filter: the reader
// drops it (kql_query.c), so it is left out here too.
const TIME_FNS = new Set(['ago', 'now', 'datetime', 'startofday', 'startofweek', 'startofmonth',
                          'endofday', 'todatetime', 'datetime_add']);
function hasTimeCall(n) {
  return find(n, (x) => typeName(x) === 'FunctionCallExpression' &&
                        TIME_FNS.has(children(x)[0] && children(x)[0].SimpleName), []).length > 0;
}

// The names a where-clause refers to: every NameReference, except the
// called name of a function call and what time windows name.
function names(n, out) {
  const t = typeName(n);
  if ((t === 'BinaryExpression' || t === 'BetweenExpression') && hasTimeCall(n)) {
    const op = t === 'BinaryExpression' ? children(n)[1] : null;
    const logical = op && (op.Text === 'and' || op.Text === 'or');
    if (!logical) return out;   // the time comparison itself
  }
  if (t === 'NameReference') out.add(n.SimpleName);
  const kids = children(n);
  kids.forEach((c, i) => {
    if (t === 'FunctionCallExpression' && i === 0) return;
    names(c, out);
  });
  return out;
}

// The first query statement's pipeline, left to right.
function pipeline(code) {
  const stmts = find(code.Syntax, (n) => typeName(n) === 'ExpressionStatement', []);
  if (!stmts.length) return null;
  let e = children(stmts[0])[0];
  const ops = [];
  while (e && typeName(e) === 'PipeExpression') {
    const k = children(e);
    ops.unshift(k[k.length - 1]);
    e = k[0];
  }
  // a name a `let` binds is a variable, not a table
  const lets = new Set(find(code.Syntax, (n) => typeName(n) === 'LetStatement', [])
    .map((l) => children(l)[1]).filter((x) => x).map((x) => x.SimpleName));
  const src = e ? typeName(e) : 'none';
  return {
    table: src === 'NameReference' && !lets.has(e.SimpleName) ? e.SimpleName : null,
    source: src === 'NameReference' ? 'let ' + e.SimpleName : src,
    // every where-clause with the names it tests; one that tests only a
    // time window has none (the reader drops it, unless it follows a step
    // that makes the rest opaque)
    wheres: ops.filter((o) => typeName(o) === 'FilterOperator').map((o) => names(o, new Set())),
  };
}

function ownText(file) {
  const s = fs.readFileSync(file, 'utf8');
  if (!file.endsWith('.md')) return s;
  const m = s.match(/^```[^\n]*\n([\s\S]*?)^```/m);
  return m ? m[1] : '';
}

const known = new Map();
for (const line of fs.readFileSync(process.argv[3], 'utf8').split('\n')) {
  const t = line.trim();
  if (!t || t.startsWith('#')) continue;
  const sp = t.indexOf('\t');   // paths hold spaces: a tab ends the path
  known.set(sp < 0 ? t : t.slice(0, sp), sp < 0 ? '' : t.slice(sp + 1));
}

const lines = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l);
let passed = 0, failed = 0, listed = 0, clean = 0, bothClean = 0;
const seen = new Set();
for (const line of lines) {
  const d = JSON.parse(line);
  const rel = d.file.replace(/^.*?corpus\/kusto\//, '');
  const text = d.norule ? ownText(d.file) : d.query;
  if (d.norule && !/\|\s*(where|project|summarize|extend|join|take|limit|count)\b/.test(text)) {
    continue;   // no query in the file (prose, a README): nothing to compare
  }
  const code = K.KustoCode.Parse(text);
  const diags = code.GetDiagnostics().Count;
  const ms = pipeline(code);
  const why = [];
  if (!diags) clean++;
  if (d.norule) {
    if (!diags)   // both reject a broken file: agreement
      why.push(`ruledex reads no rule (${d.errors} errors); Microsoft parses it cleanly`);
  } else {
    // several queries one after the other without ';': Microsoft's parser
    // reads one script and reports the missing ';', ruledex warns and
    // reads the first: both saw the same defect
    const rejects = d.errors > 0 || d.several;
    if ((diags === 0) === rejects) {
      let first = '';
      if (diags) {
        const g = code.GetDiagnostics().getItem(0);
        first = ` (first: "${g.Message}" at "${text.substr(g.Start, 30).replace(/\s+/g, ' ')}")`;
      }
      why.push(`diagnostics: Microsoft ${diags}, ruledex ${d.errors} errors` +
               `${d.several ? ' (several queries)' : ''}${first}`);
    }
    if (!diags && !d.errors) bothClean++;
    if (ms && !diags && !d.several) {
      if ((ms.table || null) !== (d.table || null))
        why.push(`table: Microsoft ${ms.table || ms.source}, ruledex ${d.table}`);
      const filtering = ms.wheres.filter((x) => x.size).length;
      if (d.wheres < filtering || d.wheres > ms.wheres.length)
        why.push(`where steps: Microsoft ${ms.wheres.length} (${filtering} not only a time window), ` +
                 `ruledex ${d.wheres}`);
      const all = new Set();
      ms.wheres.forEach((s) => s.forEach((x) => all.add(x)));
      // a.b.c is the column a and a path in it: Microsoft names the column
      const extra = d.fields.filter((f) => !all.has(f) && !all.has(f.split('.')[0]));
      if (extra.length) why.push(`fields Microsoft does not see in a where: ${extra.join(', ')}`);
    }
  }
  const key = rel;
  if (why.length) {
    if (known.has(key)) {
      listed++;
      passed++;
      seen.add(key);
    } else {
      failed++;
      console.log(`${rel}: ${why.join('; ')}`);
    }
  } else {
    passed++;
    if (known.has(key)) {
      seen.add(key);
      failed++;
      console.log(`${rel}: listed in kusto_known_differences.txt but agrees now`);
    }
  }
}
for (const k of known.keys())
  if (!seen.has(k)) {
    failed++;
    console.log(`${k}: listed in kusto_known_differences.txt but not in the corpus (stale?)`);
  }
console.log(`kusto: ${passed + failed} queries; Microsoft parses ${clean} without diagnostics, ` +
            `${bothClean} read by both without an error; ${listed} differ for a listed reason`);
console.log(`kusto: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
