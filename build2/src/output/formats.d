build2/src/output/formats.o: src/output/formats.c \
 src/output/output_internal.h include/ruledex/sink.h \
 include/ruledex/event.h include/ruledex/value.h include/ruledex/arena.h \
 include/ruledex/facts.h include/ruledex/rule.h include/ruledex/diag.h \
 include/ruledex/pattern.h include/ruledex/strbuf.h \
 include/ruledex/escape.h include/ruledex/json.h include/ruledex/source.h \
 include/ruledex/reader.h
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
include/ruledex/source.h:
include/ruledex/reader.h:
