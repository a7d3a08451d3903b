build2/src/coverage/coverage.o: src/coverage/coverage.c \
 include/ruledex/coverage.h include/ruledex/event.h \
 include/ruledex/value.h include/ruledex/arena.h \
 include/ruledex/logsource.h include/ruledex/diag.h \
 include/ruledex/rule.h include/ruledex/pattern.h \
 include/ruledex/strbuf.h include/ruledex/eval.h include/ruledex/json.h \
 src/util/distance.h
include/ruledex/coverage.h:
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/arena.h:
include/ruledex/logsource.h:
include/ruledex/diag.h:
include/ruledex/rule.h:
include/ruledex/pattern.h:
include/ruledex/strbuf.h:
include/ruledex/eval.h:
include/ruledex/json.h:
src/util/distance.h:
