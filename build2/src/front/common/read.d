build2/src/front/common/read.o: src/front/common/read.c \
 src/front/common/read.h include/ruledex/diag.h include/ruledex/rule.h \
 include/ruledex/arena.h include/ruledex/diag.h include/ruledex/pattern.h \
 include/ruledex/value.h src/util/file.h
src/front/common/read.h:
include/ruledex/diag.h:
include/ruledex/rule.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/value.h:
src/util/file.h:
