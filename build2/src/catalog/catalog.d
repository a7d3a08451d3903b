build2/src/catalog/catalog.o: src/catalog/catalog.c \
 include/ruledex/catalog.h include/ruledex/attack.h \
 include/ruledex/diag.h include/ruledex/logsource.h \
 include/ruledex/event.h include/ruledex/value.h include/ruledex/arena.h \
 include/ruledex/rule.h include/ruledex/pattern.h \
 include/ruledex/strbuf.h src/catalog/catalog_internal.h \
 include/ruledex/arena.h src/catalog/strmap.h include/ruledex/strbuf.h
include/ruledex/catalog.h:
include/ruledex/attack.h:
include/ruledex/diag.h:
include/ruledex/logsource.h:
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/arena.h:
include/ruledex/rule.h:
include/ruledex/pattern.h:
include/ruledex/strbuf.h:
src/catalog/catalog_internal.h:
include/ruledex/arena.h:
src/catalog/strmap.h:
include/ruledex/strbuf.h:
