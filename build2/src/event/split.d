build2/src/event/split.o: src/event/split.c include/ruledex/split.h \
 include/ruledex/diag.h include/ruledex/reader.h include/ruledex/arena.h \
 include/ruledex/event.h include/ruledex/value.h include/ruledex/source.h \
 include/ruledex/strbuf.h include/ruledex/evtx.h include/ruledex/json.h \
 src/util/file.h
include/ruledex/split.h:
include/ruledex/diag.h:
include/ruledex/reader.h:
include/ruledex/arena.h:
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/source.h:
include/ruledex/strbuf.h:
include/ruledex/evtx.h:
include/ruledex/json.h:
src/util/file.h:
