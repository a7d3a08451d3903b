build2/src/event/source.o: src/event/source.c include/ruledex/source.h \
 include/ruledex/arena.h include/ruledex/diag.h include/ruledex/event.h \
 include/ruledex/value.h include/ruledex/reader.h \
 include/ruledex/strbuf.h include/ruledex/evtx.h include/ruledex/json.h
include/ruledex/source.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/reader.h:
include/ruledex/strbuf.h:
include/ruledex/evtx.h:
include/ruledex/json.h:
