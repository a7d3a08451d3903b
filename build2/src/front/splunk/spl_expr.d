build2/src/front/splunk/spl_expr.o: src/front/splunk/spl_expr.c \
 src/front/splunk/spl_internal.h src/front/common/fexpr.h \
 include/ruledex/build.h include/ruledex/arena.h include/ruledex/diag.h \
 include/ruledex/pattern.h include/ruledex/rule.h include/ruledex/value.h
src/front/splunk/spl_internal.h:
src/front/common/fexpr.h:
include/ruledex/build.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/rule.h:
include/ruledex/value.h:
