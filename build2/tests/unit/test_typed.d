build2/tests/unit/test_typed.o: tests/unit/test_typed.c \
 tests/unit/harness.h include/ruledex/pattern.h include/ruledex/arena.h
tests/unit/harness.h:
include/ruledex/pattern.h:
include/ruledex/arena.h:
