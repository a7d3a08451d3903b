build2/src/front/sigma/syntax.o: src/front/sigma/syntax.c \
 include/ruledex/sigma_pattern.h include/ruledex/arena.h \
 include/ruledex/pattern.h
include/ruledex/sigma_pattern.h:
include/ruledex/arena.h:
include/ruledex/pattern.h:
