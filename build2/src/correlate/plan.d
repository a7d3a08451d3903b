build2/src/correlate/plan.o: src/correlate/plan.c \
 src/correlate/corr_internal.h include/ruledex/correlate.h \
 include/ruledex/diag.h include/ruledex/rule.h include/ruledex/arena.h \
 include/ruledex/pattern.h include/ruledex/value.h include/ruledex/sink.h \
 include/ruledex/event.h include/ruledex/facts.h include/ruledex/strbuf.h \
 include/ruledex/event.h include/ruledex/strbuf.h
src/correlate/corr_internal.h:
include/ruledex/correlate.h:
include/ruledex/diag.h:
include/ruledex/rule.h:
include/ruledex/arena.h:
include/ruledex/pattern.h:
include/ruledex/value.h:
include/ruledex/sink.h:
include/ruledex/event.h:
include/ruledex/facts.h:
include/ruledex/strbuf.h:
include/ruledex/event.h:
include/ruledex/strbuf.h:
