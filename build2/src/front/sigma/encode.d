build2/src/front/sigma/encode.o: src/front/sigma/encode.c \
 include/ruledex/sigma_pattern.h include/ruledex/arena.h \
 include/ruledex/pattern.h
include/ruledex/sigma_pattern.h:
include/ruledex/arena.h:
include/ruledex/pattern.h:
