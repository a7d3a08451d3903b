build2/src/event/value.o: src/event/value.c include/ruledex/value.h \
 include/ruledex/arena.h
include/ruledex/value.h:
include/ruledex/arena.h:
