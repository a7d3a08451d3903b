build2/src/report/summary.o: src/report/summary.c \
 src/report/report_internal.h src/catalog/strmap.h \
 include/ruledex/report.h include/ruledex/diag.h include/ruledex/hunt.h \
 include/ruledex/cache.h include/ruledex/rule.h include/ruledex/arena.h \
 include/ruledex/pattern.h include/ruledex/value.h \
 include/ruledex/strbuf.h include/ruledex/event.h \
 include/ruledex/logsource.h include/ruledex/matcher.h \
 include/ruledex/atoms.h include/ruledex/eval.h include/ruledex/sink.h \
 include/ruledex/facts.h include/ruledex/source.h \
 include/ruledex/reader.h include/ruledex/json.h
src/report/report_internal.h:
src/catalog/strmap.h:
include/ruledex/report.h:
include/ruledex/diag.h:
include/ruledex/hunt.h:
include/ruledex/cache.h:
include/ruledex/rule.h:
include/ruledex/arena.h:
include/ruledex/pattern.h:
include/ruledex/value.h:
include/ruledex/strbuf.h:
include/ruledex/event.h:
include/ruledex/logsource.h:
include/ruledex/matcher.h:
include/ruledex/atoms.h:
include/ruledex/eval.h:
include/ruledex/sink.h:
include/ruledex/facts.h:
include/ruledex/source.h:
include/ruledex/reader.h:
include/ruledex/json.h:
