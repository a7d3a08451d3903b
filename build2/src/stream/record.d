build2/src/stream/record.o: src/stream/record.c \
 src/correlate/corr_internal.h include/ruledex/correlate.h \
 include/ruledex/diag.h include/ruledex/rule.h include/ruledex/arena.h \
 include/ruledex/pattern.h include/ruledex/value.h include/ruledex/sink.h \
 include/ruledex/event.h include/ruledex/facts.h include/ruledex/strbuf.h \
 include/ruledex/event.h include/ruledex/strbuf.h \
 src/correlate/hits_internal.h include/ruledex/source.h \
 include/ruledex/reader.h include/ruledex/stream.h \
 include/ruledex/correlate.h include/ruledex/hunt.h \
 include/ruledex/cache.h include/ruledex/logsource.h \
 include/ruledex/matcher.h include/ruledex/atoms.h include/ruledex/eval.h \
 include/ruledex/source.h
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
src/correlate/hits_internal.h:
include/ruledex/source.h:
include/ruledex/reader.h:
include/ruledex/stream.h:
include/ruledex/correlate.h:
include/ruledex/hunt.h:
include/ruledex/cache.h:
include/ruledex/logsource.h:
include/ruledex/matcher.h:
include/ruledex/atoms.h:
include/ruledex/eval.h:
include/ruledex/source.h:
