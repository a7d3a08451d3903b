build2/src/util/distance.o: src/util/distance.c src/util/distance.h
src/util/distance.h:
