build2/src/logsource/table.o: src/logsource/table.c \
 src/logsource/ls_internal.h include/ruledex/arena.h \
 include/ruledex/logsource.h include/ruledex/diag.h \
 include/ruledex/event.h include/ruledex/value.h include/ruledex/arena.h \
 include/ruledex/rule.h include/ruledex/pattern.h src/util/yaml.h \
 include/ruledex/diag.h include/ruledex/pattern.h include/ruledex/value.h
src/logsource/ls_internal.h:
include/ruledex/arena.h:
include/ruledex/logsource.h:
include/ruledex/diag.h:
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/arena.h:
include/ruledex/rule.h:
include/ruledex/pattern.h:
src/util/yaml.h:
include/ruledex/diag.h:
include/ruledex/pattern.h:
include/ruledex/value.h:
