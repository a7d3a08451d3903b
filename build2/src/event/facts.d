build2/src/event/facts.o: src/event/facts.c include/ruledex/facts.h \
 include/ruledex/event.h include/ruledex/value.h include/ruledex/arena.h \
 src/event/civil.h
include/ruledex/facts.h:
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/arena.h:
src/event/civil.h:
