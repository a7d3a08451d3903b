build2/src/rule/pattern.o: src/rule/pattern.c include/ruledex/pattern.h \
 include/ruledex/arena.h
include/ruledex/pattern.h:
include/ruledex/arena.h:
