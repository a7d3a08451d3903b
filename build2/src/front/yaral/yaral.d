build2/src/front/yaral/yaral.o: src/front/yaral/yaral.c \
 src/front/yaral/yaral.h include/ruledex/diag.h include/ruledex/rule.h \
 include/ruledex/arena.h include/ruledex/diag.h include/ruledex/pattern.h \
 include/ruledex/value.h src/front/common/fexpr.h include/ruledex/build.h \
 include/ruledex/rule.h include/ruledex/frontend.h \
 include/ruledex/strbuf.h src/front/common/read.h
src/front/yaral/yaral.h:
include/ruledex/diag.h:
include/ruledex/rule.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/value.h:
src/front/common/fexpr.h:
include/ruledex/build.h:
include/ruledex/rule.h:
include/ruledex/frontend.h:
include/ruledex/strbuf.h:
src/front/common/read.h:
