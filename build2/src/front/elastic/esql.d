build2/src/front/elastic/esql.o: src/front/elastic/esql.c \
 src/front/elastic/elastic_internal.h src/front/common/fexpr.h \
 include/ruledex/build.h include/ruledex/arena.h include/ruledex/diag.h \
 include/ruledex/pattern.h include/ruledex/rule.h include/ruledex/value.h
src/front/elastic/elastic_internal.h:
src/front/common/fexpr.h:
include/ruledex/build.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/rule.h:
include/ruledex/value.h:
