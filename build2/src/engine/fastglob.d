build2/src/engine/fastglob.o: src/engine/fastglob.c src/engine/fastglob.h \
 include/ruledex/pattern.h include/ruledex/arena.h
src/engine/fastglob.h:
include/ruledex/pattern.h:
include/ruledex/arena.h:
