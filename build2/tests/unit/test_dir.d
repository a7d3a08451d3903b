build2/tests/unit/test_dir.o: tests/unit/test_dir.c tests/unit/harness.h \
 include/ruledex/ruledex.h include/ruledex/arena.h \
 include/ruledex/atoms.h include/ruledex/rule.h include/ruledex/diag.h \
 include/ruledex/pattern.h include/ruledex/value.h \
 include/ruledex/attack.h include/ruledex/build.h include/ruledex/cache.h \
 include/ruledex/strbuf.h include/ruledex/correlate.h \
 include/ruledex/sink.h include/ruledex/event.h include/ruledex/facts.h \
 include/ruledex/catalog.h include/ruledex/logsource.h \
 include/ruledex/convert.h include/ruledex/coverage.h \
 include/ruledex/dir.h include/ruledex/escape.h include/ruledex/eval.h \
 include/ruledex/evtx.h include/ruledex/explain.h \
 include/ruledex/fieldnorm.h include/ruledex/frontend.h \
 include/ruledex/hunt.h include/ruledex/matcher.h \
 include/ruledex/source.h include/ruledex/reader.h include/ruledex/json.h \
 include/ruledex/lint.h include/ruledex/render.h include/ruledex/report.h \
 include/ruledex/ruletest.h include/ruledex/search.h \
 include/ruledex/sigma.h include/ruledex/sigma_pattern.h \
 include/ruledex/stream.h include/ruledex/split.h
tests/unit/harness.h:
include/ruledex/ruledex.h:
include/ruledex/arena.h:
include/ruledex/atoms.h:
include/ruledex/rule.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/value.h:
include/ruledex/attack.h:
include/ruledex/build.h:
include/ruledex/cache.h:
include/ruledex/strbuf.h:
include/ruledex/correlate.h:
include/ruledex/sink.h:
include/ruledex/event.h:
include/ruledex/facts.h:
include/ruledex/catalog.h:
include/ruledex/logsource.h:
include/ruledex/convert.h:
include/ruledex/coverage.h:
include/ruledex/dir.h:
include/ruledex/escape.h:
include/ruledex/eval.h:
include/ruledex/evtx.h:
include/ruledex/explain.h:
include/ruledex/fieldnorm.h:
include/ruledex/frontend.h:
include/ruledex/hunt.h:
include/ruledex/matcher.h:
include/ruledex/source.h:
include/ruledex/reader.h:
include/ruledex/json.h:
include/ruledex/lint.h:
include/ruledex/render.h:
include/ruledex/report.h:
include/ruledex/ruletest.h:
include/ruledex/search.h:
include/ruledex/sigma.h:
include/ruledex/sigma_pattern.h:
include/ruledex/stream.h:
include/ruledex/split.h:
