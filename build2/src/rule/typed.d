build2/src/rule/typed.o: src/rule/typed.c include/ruledex/pattern.h \
 include/ruledex/arena.h
include/ruledex/pattern.h:
include/ruledex/arena.h:
