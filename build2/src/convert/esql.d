build2/src/convert/esql.o: src/convert/esql.c include/ruledex/pattern.h \
 include/ruledex/arena.h src/convert/fieldq.h \
 src/convert/convert_internal.h include/ruledex/convert.h \
 include/ruledex/event.h include/ruledex/value.h \
 include/ruledex/logsource.h include/ruledex/diag.h \
 include/ruledex/rule.h include/ruledex/pattern.h \
 include/ruledex/strbuf.h
include/ruledex/pattern.h:
include/ruledex/arena.h:
src/convert/fieldq.h:
src/convert/convert_internal.h:
include/ruledex/convert.h:
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/logsource.h:
include/ruledex/diag.h:
include/ruledex/rule.h:
include/ruledex/pattern.h:
include/ruledex/strbuf.h:
