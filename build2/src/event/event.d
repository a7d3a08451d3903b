build2/src/event/event.o: src/event/event.c include/ruledex/event.h \
 include/ruledex/value.h include/ruledex/arena.h src/util/bytes.h
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/arena.h:
src/util/bytes.h:
