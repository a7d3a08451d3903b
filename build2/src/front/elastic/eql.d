build2/src/front/elastic/eql.o: src/front/elastic/eql.c \
 src/front/elastic/elastic_internal.h src/front/common/fexpr.h \
 include/ruledex/build.h include/ruledex/arena.h include/ruledex/diag.h \
 include/ruledex/pattern.h include/ruledex/rule.h include/ruledex/value.h \
 include/ruledex/strbuf.h
src/front/elastic/elastic_internal.h:
src/front/common/fexpr.h:
include/ruledex/build.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/rule.h:
include/ruledex/value.h:
include/ruledex/strbuf.h:
