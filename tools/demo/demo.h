/* Shared declarations of the seed demo's parts. */
#ifndef QV_DEMO_H
#define QV_DEMO_H

#include <stdint.h>

#include "quiver/quiver.h"
#include "seed_table.h"

/* Seconds from a monotonic clock. */
double demo_now(void);

/* Part 1: a table of several types built in memory, validated and printed. */
int demo_types_showcase(void);

/* Row-wise baseline: the same rows as JSON Lines, written and parsed in C.
 * Returns the number of bytes written; fills the two timings in seconds. */
int64_t demo_jsonl_roundtrip(const qv_table *table, double *write_s, double *read_s, qv_error *err);

/* Part 3: the table through IPC (memory stream, then a file read by mmap),
 * printed next to the JSON Lines figures. Returns 0 on success. */
int demo_ipc_part(const qv_table *table, const char *file_path, double jsonl_write, double jsonl_read,
                  int64_t jsonl_bytes);

/* Part 4: kernels over a column of `rows` random int64 values, timed. */
int demo_compute_part(int64_t rows);

/* Part 5: the table written as CSV and read back (types inferred), next to
 * the IPC stream of the same table. */
int demo_csv_part(const qv_table *table);

#endif
