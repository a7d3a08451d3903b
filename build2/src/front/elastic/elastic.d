build2/src/front/elastic/elastic.o: src/front/elastic/elastic.c \
 src/front/elastic/elastic_internal.h src/front/common/fexpr.h \
 include/ruledex/build.h include/ruledex/arena.h include/ruledex/diag.h \
 include/ruledex/pattern.h include/ruledex/rule.h include/ruledex/value.h \
 src/front/elastic/toml.h include/ruledex/arena.h include/ruledex/value.h \
 include/ruledex/frontend.h include/ruledex/json.h \
 include/ruledex/event.h include/ruledex/strbuf.h \
 include/ruledex/strbuf.h src/front/common/read.h include/ruledex/diag.h \
 include/ruledex/rule.h
src/front/elastic/elastic_internal.h:
src/front/common/fexpr.h:
include/ruledex/build.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/rule.h:
include/ruledex/value.h:
src/front/elastic/toml.h:
include/ruledex/arena.h:
include/ruledex/value.h:
include/ruledex/frontend.h:
include/ruledex/json.h:
include/ruledex/event.h:
include/ruledex/strbuf.h:
include/ruledex/strbuf.h:
src/front/common/read.h:
include/ruledex/diag.h:
include/ruledex/rule.h:
