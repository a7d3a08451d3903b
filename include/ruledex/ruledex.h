/*
 * ruledex.h — the whole public API of the ruledex library, in one include.
 *
 *     #include <ruledex/ruledex.h>      // cc ... -lruledex $(pkg-config ...)
 *
 * The pieces, in the order data flows through them:
 *
 *   rules    rule.h (the intermediate form) · build.h (building it)
 *            · frontend.h (readers by language, -r LANG:PATH) · sigma.h
 *            and sigma_pattern.h (the Sigma reader and string notation)
 *            · pattern.h (values as segment patterns)
 *   events   event.h · value.h · facts.h (time, host, channel, ids)
 *            · source.h (files, buffers, custom sources) · reader.h
 *            · json.h · evtx.h
 *   running  logsource.h (routing and field maps) · fieldnorm.h (native
 *            field names into the Sigma taxonomy, data/fields.yml) · eval.h (the
 *            reference evaluator) · atoms.h (the literals a rule needs)
 *            · matcher.h (the compiled matcher)
 *            · hunt.h (the session: selection, time range, account)
 *            · correlate.h (correlation rules over event time)
 *            · sink.h (table, JSON Lines, CSV timeline, custom sinks)
 *   catalog  catalog.h · attack.h · render.h (pages, catalog.json, site)
 *   basics   arena.h · diag.h · strbuf.h
 *
 * examples/c/hunt_jsonl.c is a complete program written against it.
 */
#ifndef RULEDEX_H
#define RULEDEX_H
#include "arena.h"
#include "atoms.h"
#include "attack.h"
#include "build.h"
#include "cache.h"
#include "correlate.h"
#include "catalog.h"
#include "convert.h"
#include "coverage.h"
#include "diag.h"
#include "dir.h"
#include "escape.h"
#include "eval.h"
#include "event.h"
#include "evtx.h"
#include "explain.h"
#include "facts.h"
#include "fieldnorm.h"
#include "frontend.h"
#include "hunt.h"
#include "json.h"
#include "lint.h"
#include "logsource.h"
#include "matcher.h"
#include "pattern.h"
#include "reader.h"
#include "render.h"
#include "report.h"
#include "rule.h"
#include "ruletest.h"
#include "search.h"
#include "sigma.h"
#include "sigma_pattern.h"
#include "sink.h"
#include "source.h"
#include "stream.h"
#include "split.h"
#include "strbuf.h"
#include "value.h"
#define RULEDEX_VERSION "0.1.0"
#endif
