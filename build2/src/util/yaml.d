build2/src/util/yaml.o: src/util/yaml.c src/util/yaml.h \
 include/ruledex/arena.h include/ruledex/diag.h
src/util/yaml.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
