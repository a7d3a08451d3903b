build2/src/explain/explain.o: src/explain/explain.c \
 include/ruledex/eval.h include/ruledex/event.h include/ruledex/value.h \
 include/ruledex/arena.h include/ruledex/logsource.h \
 include/ruledex/diag.h include/ruledex/rule.h include/ruledex/pattern.h \
 include/ruledex/explain.h include/ruledex/strbuf.h \
 include/ruledex/json.h include/ruledex/source.h include/ruledex/reader.h
include/ruledex/eval.h:
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/arena.h:
include/ruledex/logsource.h:
include/ruledex/diag.h:
include/ruledex/rule.h:
include/ruledex/pattern.h:
include/ruledex/explain.h:
include/ruledex/strbuf.h:
include/ruledex/json.h:
include/ruledex/source.h:
include/ruledex/reader.h:
