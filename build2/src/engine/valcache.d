build2/src/engine/valcache.o: src/engine/valcache.c src/engine/valcache.h \
 src/util/bytes.h
src/engine/valcache.h:
src/util/bytes.h:
