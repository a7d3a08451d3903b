build2/src/output/corr_formats.o: src/output/corr_formats.c \
 src/output/output_internal.h include/ruledex/sink.h \
 include/ruledex/event.h include/ruledex/value.h include/ruledex/arena.h \
 include/ruledex/facts.h include/ruledex/rule.h include/ruledex/diag.h \
 include/ruledex/pattern.h include/ruledex/strbuf.h \
 include/ruledex/escape.h include/ruledex/json.h
src/output/output_internal.h:
include/ruledex/sink.h:
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/arena.h:
include/ruledex/facts.h:
include/ruledex/rule.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/strbuf.h:
include/ruledex/escape.h:
include/ruledex/json.h:
