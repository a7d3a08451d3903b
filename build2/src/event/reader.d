build2/src/event/reader.o: src/event/reader.c include/ruledex/reader.h \
 include/ruledex/arena.h include/ruledex/diag.h include/ruledex/event.h \
 include/ruledex/value.h include/ruledex/evtx.h include/ruledex/json.h \
 include/ruledex/strbuf.h
include/ruledex/reader.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/evtx.h:
include/ruledex/json.h:
include/ruledex/strbuf.h:
