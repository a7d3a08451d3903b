build2/src/util/arena.o: src/util/arena.c include/ruledex/arena.h
include/ruledex/arena.h:
