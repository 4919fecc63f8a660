/* "Consume everything": runs every consumer of quiver's arrays on an array,
 * batch or table that passed structural validation, as the safety contract
 * (issue 9, docs/robustness) requires: each must return an error or a
 * correct answer, never crash, read out of bounds or overflow.
 *
 * Shared by every fuzz target that gets its hands on arrays (the IPC
 * readers, the JSON reader, the C Data importer, the hostile-array builder)
 * and by the corpus replay test, so a finding stays fixed under ctest.
 *
 * Consumers run, in order:
 *   - full validation (its error must carry its status and a message);
 *   - the public slot accessors that take no caller-checked index
 *     (null count, is_valid_any, union child offsets, REE physical index,
 *     dictionary index) on the first and last slots;
 *   - pretty printing (default and narrow options) and compact printing
 *     (batch, table), to a string and to a null sink;
 *   - equality and diff against itself, against an equal slice made twice,
 *     and against a different slice;
 *   - C Data export, import, structural validation and release (array and
 *     batch);
 *   - slice-then-write: a slice of at most QV_FUZZ_CONSUME_SLICE_ROWS rows
 *     (and, for a dictionary column, a two-batch table whose first batch
 *     has a prefix of the dictionary, so the writer sends a delta and the
 *     reader concatenates), written as an IPC stream, an IPC file, LZ4- and
 *     ZSTD-compressed IPC, and integration JSON, then read back.
 *   - the compute kernels (fuzz_kernels.c), on the array and a slice of it:
 *     cast to string and to int64, filter by a derived mask, take of
 *     derived indices and of out-of-range ones (which must be an error),
 *     sort_indices, unique, value_counts, sum, min_max, utf8_length, upper.
 * `quiver stats` is a CLI command with no library entry point, so it is not
 * run here (tests/cli covers it).
 *
 * Oracles: whatever the data, errors carry their status and a message. When
 * the data passes full validation: printing succeeds, an array equals
 * itself and equal slices, exports re-import equal, every write succeeds
 * and reads back equal. Whatever the data, a write that succeeds reads back
 * (structurally valid) and prints the same text as what was written. O(n)
 * consumers are skipped when the data is too large to visit in a fuzz
 * iteration (QV_FUZZ_CONSUME_MAX_COST slots, counted through children).
 */
#ifndef QV_TESTS_SUPPORT_FUZZ_CONSUME_H
#define QV_TESTS_SUPPORT_FUZZ_CONSUME_H

#include <stdbool.h>
#include <stdint.h>

#include "quiver/array.h"
#include "quiver/batch.h"

#define QV_FUZZ_CONSUME_SLICE_ROWS 64
#define QV_FUZZ_CONSUME_MAX_COST ((int64_t)1 << 18)

/* Each returns 0 when every consumer behaved, 1 (after qv_fuzz_fail with
 * `target`) for a broken oracle. `seed` picks the slices (deterministic for
 * a given seed). The input must have passed structural validation; it is
 * not modified (the cached null count aside). */
int qv_fuzz_consume_array(const char *target, qv_array *array, uint64_t seed);
int qv_fuzz_consume_batch(const char *target, qv_batch *batch, uint64_t seed);
int qv_fuzz_consume_table(const char *target, qv_table *table, uint64_t seed);

/* The compute part (fuzz_kernels.c), run by qv_fuzz_consume_array;
 * `valid`: the array passed full validation. */
int qv_fuzz_consume_kernels(const char *target, qv_array *array, bool valid, uint64_t seed);

/* A seed from input bytes (FNV-1a), for the targets. */
uint64_t qv_fuzz_seed(const uint8_t *data, size_t size);

#endif
