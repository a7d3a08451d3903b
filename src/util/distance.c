/* distance.c — edit distance between two names (distance.h). */
#include "util/distance.h"

#include <ctype.h>
#include <string.h>

int rdx_edit_distance(const char *a, const char *b) {
    size_t n = strlen(a), m = strlen(b);
    if (n > RDX_DISTANCE_MAX_LEN || m > RDX_DISTANCE_MAX_LEN) return RDX_DISTANCE_FAR;
    int row[RDX_DISTANCE_MAX_LEN + 1];   /* one row of the matrix, reused */
    for (size_t j = 0; j <= m; j++) row[j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= m; j++) {
            int up = row[j];
            int sub = diag + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            int best = (up < row[j - 1] ? up : row[j - 1]) + 1;
            row[j] = sub < best ? sub : best;
            diag = up;
        }
    }
    return row[m];
}
