build2/src/front/kusto/kusto.o: src/front/kusto/kusto.c \
 src/front/kusto/kql_internal.h src/front/common/fexpr.h \
 include/ruledex/build.h include/ruledex/arena.h include/ruledex/diag.h \
 include/ruledex/pattern.h include/ruledex/rule.h include/ruledex/value.h \
 include/ruledex/frontend.h src/util/file.h src/util/yaml.h \
 include/ruledex/arena.h include/ruledex/diag.h src/front/common/read.h \
 include/ruledex/rule.h
src/front/kusto/kql_internal.h:
src/front/common/fexpr.h:
include/ruledex/build.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/rule.h:
include/ruledex/value.h:
include/ruledex/frontend.h:
src/util/file.h:
src/util/yaml.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
src/front/common/read.h:
include/ruledex/rule.h:
