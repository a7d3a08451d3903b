build2/src/event/evtx.o: src/event/evtx.c include/ruledex/evtx.h \
 include/ruledex/arena.h include/ruledex/diag.h include/ruledex/event.h \
 include/ruledex/value.h src/event/binxml.h include/ruledex/arena.h \
 include/ruledex/value.h src/util/file.h
include/ruledex/evtx.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/event.h:
include/ruledex/value.h:
src/event/binxml.h:
include/ruledex/arena.h:
include/ruledex/value.h:
src/util/file.h:
