build2/src/ruletest/ruletest.o: src/ruletest/ruletest.c \
 include/ruledex/ruletest.h include/ruledex/diag.h include/ruledex/hunt.h \
 include/ruledex/cache.h include/ruledex/rule.h include/ruledex/arena.h \
 include/ruledex/pattern.h include/ruledex/value.h \
 include/ruledex/strbuf.h include/ruledex/event.h \
 include/ruledex/logsource.h include/ruledex/matcher.h \
 include/ruledex/atoms.h include/ruledex/eval.h include/ruledex/sink.h \
 include/ruledex/facts.h include/ruledex/source.h \
 include/ruledex/reader.h src/util/file.h src/util/yaml.h \
 include/ruledex/arena.h include/ruledex/diag.h
include/ruledex/ruletest.h:
include/ruledex/diag.h:
include/ruledex/hunt.h:
include/ruledex/cache.h:
include/ruledex/rule.h:
include/ruledex/arena.h:
include/ruledex/pattern.h:
include/ruledex/value.h:
include/ruledex/strbuf.h:
include/ruledex/event.h:
include/ruledex/logsource.h:
include/ruledex/matcher.h:
include/ruledex/atoms.h:
include/ruledex/eval.h:
include/ruledex/sink.h:
include/ruledex/facts.h:
include/ruledex/source.h:
include/ruledex/reader.h:
src/util/file.h:
src/util/yaml.h:
include/ruledex/arena.h:
include/ruledex/diag.h:
