build2/tests/unit/test_pattern.o: tests/unit/test_pattern.c \
 tests/unit/harness.h include/ruledex/sigma_pattern.h \
 include/ruledex/arena.h include/ruledex/pattern.h
tests/unit/harness.h:
include/ruledex/sigma_pattern.h:
include/ruledex/arena.h:
include/ruledex/pattern.h:
