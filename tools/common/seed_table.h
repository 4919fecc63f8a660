/* The seed scenario's table, shared by the demo and the `quiver` CLI. */
#ifndef QV_TOOLS_SEED_TABLE_H
#define QV_TOOLS_SEED_TABLE_H

#include <stdint.h>

#include "quiver/quiver.h"

/* `rows` rows of two utf8 columns "a" and "b" of random 10-character ASCII
 * strings from a xorshift64 seeded with `seed` (0 picks a fixed non-zero
 * state), in one batch. Caller owns *out. */
qv_status seed_build_table(int64_t rows, uint64_t seed, qv_table **out, qv_error *err);

#endif
