build2/src/correlate/hits.o: src/correlate/hits.c \
 src/correlate/hits_internal.h include/ruledex/correlate.h \
 include/ruledex/diag.h include/ruledex/rule.h include/ruledex/arena.h \
 include/ruledex/pattern.h include/ruledex/value.h include/ruledex/sink.h \
 include/ruledex/event.h include/ruledex/facts.h include/ruledex/strbuf.h
src/correlate/hits_internal.h:
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
