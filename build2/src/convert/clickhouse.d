build2/src/convert/clickhouse.o: src/convert/clickhouse.c \
 src/convert/convert_internal.h include/ruledex/convert.h \
 include/ruledex/event.h include/ruledex/value.h include/ruledex/arena.h \
 include/ruledex/logsource.h include/ruledex/diag.h \
 include/ruledex/rule.h include/ruledex/pattern.h \
 include/ruledex/strbuf.h
src/convert/convert_internal.h:
include/ruledex/convert.h:
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/arena.h:
include/ruledex/logsource.h:
include/ruledex/diag.h:
include/ruledex/rule.h:
include/ruledex/pattern.h:
include/ruledex/strbuf.h:
