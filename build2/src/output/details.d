build2/src/output/details.o: src/output/details.c \
 include/ruledex/escape.h include/ruledex/strbuf.h include/ruledex/sink.h \
 include/ruledex/event.h include/ruledex/value.h include/ruledex/arena.h \
 include/ruledex/facts.h include/ruledex/rule.h include/ruledex/diag.h \
 include/ruledex/pattern.h
include/ruledex/escape.h:
include/ruledex/strbuf.h:
include/ruledex/sink.h:
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/arena.h:
include/ruledex/facts.h:
include/ruledex/rule.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
