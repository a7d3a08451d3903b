build2/src/event/binxml.o: src/event/binxml.c src/event/binxml.h \
 include/ruledex/arena.h include/ruledex/value.h include/ruledex/arena.h \
 src/event/civil.h
src/event/binxml.h:
include/ruledex/arena.h:
include/ruledex/value.h:
include/ruledex/arena.h:
src/event/civil.h:
