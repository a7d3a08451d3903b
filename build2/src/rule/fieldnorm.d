build2/src/rule/fieldnorm.o: src/rule/fieldnorm.c \
 include/ruledex/fieldnorm.h include/ruledex/diag.h \
 include/ruledex/rule.h include/ruledex/arena.h include/ruledex/pattern.h \
 include/ruledex/value.h include/ruledex/event.h src/rule/rule_internal.h \
 src/util/file.h src/util/yaml.h include/ruledex/arena.h \
 include/ruledex/diag.h
include/ruledex/fieldnorm.h:
include/ruledex/diag.h:
include/ruledex/rule.h:
include/ruledex/arena.h:
include/ruledex/pattern.h:
include/ruledex/value.h:
include/ruledex/event.h:
src/rule/rule_internal.h:
src/util/file.h:
src/util/yaml.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
