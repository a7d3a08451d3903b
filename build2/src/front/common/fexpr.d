build2/src/front/common/fexpr.o: src/front/common/fexpr.c \
 src/front/common/fexpr.h include/ruledex/build.h include/ruledex/arena.h \
 include/ruledex/diag.h include/ruledex/pattern.h include/ruledex/rule.h \
 include/ruledex/value.h
src/front/common/fexpr.h:
include/ruledex/build.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/rule.h:
include/ruledex/value.h:
