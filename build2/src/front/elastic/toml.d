build2/src/front/elastic/toml.o: src/front/elastic/toml.c \
 src/front/elastic/toml.h include/ruledex/arena.h include/ruledex/value.h \
 include/ruledex/arena.h
src/front/elastic/toml.h:
include/ruledex/arena.h:
include/ruledex/value.h:
include/ruledex/arena.h:
