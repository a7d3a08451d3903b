build2/tests/unit/main.o: tests/unit/main.c tests/unit/harness.h \
 src/util/file.h
tests/unit/harness.h:
src/util/file.h:
