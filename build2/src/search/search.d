build2/src/search/search.o: src/search/search.c include/ruledex/search.h \
 include/ruledex/diag.h include/ruledex/event.h include/ruledex/value.h \
 include/ruledex/arena.h include/ruledex/hunt.h include/ruledex/cache.h \
 include/ruledex/rule.h include/ruledex/pattern.h \
 include/ruledex/strbuf.h include/ruledex/logsource.h \
 include/ruledex/matcher.h include/ruledex/atoms.h include/ruledex/eval.h \
 include/ruledex/sink.h include/ruledex/facts.h include/ruledex/source.h \
 include/ruledex/reader.h include/ruledex/facts.h \
 include/ruledex/matcher.h include/ruledex/sigma.h \
 include/ruledex/sigma_pattern.h include/ruledex/strbuf.h
include/ruledex/search.h:
include/ruledex/diag.h:
include/ruledex/event.h:
include/ruledex/value.h:
include/ruledex/arena.h:
include/ruledex/hunt.h:
include/ruledex/cache.h:
include/ruledex/rule.h:
include/ruledex/pattern.h:
include/ruledex/strbuf.h:
include/ruledex/logsource.h:
include/ruledex/matcher.h:
include/ruledex/atoms.h:
include/ruledex/eval.h:
include/ruledex/sink.h:
include/ruledex/facts.h:
include/ruledex/source.h:
include/ruledex/reader.h:
include/ruledex/facts.h:
include/ruledex/matcher.h:
include/ruledex/sigma.h:
include/ruledex/sigma_pattern.h:
include/ruledex/strbuf.h:
