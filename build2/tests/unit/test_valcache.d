build2/tests/unit/test_valcache.o: tests/unit/test_valcache.c \
 tests/unit/harness.h src/engine/valcache.h
tests/unit/harness.h:
src/engine/valcache.h:
