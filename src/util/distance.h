/*
 * distance.h — how far apart two names are, for "did you mean" hints
 * (lint's near-miss logsources, coverage's nearest present fields).
 */
#ifndef RDX_UTIL_DISTANCE_H
#define RDX_UTIL_DISTANCE_H

/* Levenshtein distance, ASCII-case-insensitive.  Names longer than
 * RDX_DISTANCE_MAX_LEN are not compared: RDX_DISTANCE_FAR. */
#define RDX_DISTANCE_MAX_LEN 63
#define RDX_DISTANCE_FAR 999
int rdx_edit_distance(const char *a, const char *b);

#endif
