build2/tests/unit/test_encode.o: tests/unit/test_encode.c \
 tests/unit/harness.h include/ruledex/sigma_pattern.h \
 include/ruledex/arena.h include/ruledex/pattern.h
tests/unit/harness.h:
include/ruledex/sigma_pattern.h:
include/ruledex/arena.h:
include/ruledex/pattern.h:
