build2/src/logsource/logsource.o: src/logsource/logsource.c \
 src/logsource/ls_internal.h include/ruledex/arena.h \
 include/ruledex/logsource.h include/ruledex/diag.h \
 include/ruledex/event.h include/ruledex/value.h include/ruledex/arena.h \
 include/ruledex/rule.h include/ruledex/pattern.h include/ruledex/eval.h \
 include/ruledex/logsource.h src/util/file.h
src/logsource/ls_internal.h:
include/ruledex/arena.h:
include/ruledex/logsource.h:
include/ruledex/diag.h:
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/arena.h:
include/ruledex/rule.h:
include/ruledex/pattern.h:
include/ruledex/eval.h:
include/ruledex/logsource.h:
src/util/file.h:
