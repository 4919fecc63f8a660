/* Parquet: one column chunk's pages -> levels and non-null values (internal).
 *
 * Walks the pages of a column chunk in file order: checks each page's CRC
 * (when present and asked to), decompresses into a scratch buffer whose size
 * the header announced and the limits allowed, decodes the dictionary page,
 * then for each data page (v1 or v2) the repetition and definition levels
 * and the values. Every level is checked against its maximum, so the
 * assembly that follows can trust them. */
#ifndef QV_PARQUET_CHUNK_H
#define QV_PARQUET_CHUNK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parquet/decode.h"
#include "parquet/metadata.h"
#include "quiver/memory.h"

typedef struct qv__pq_limits {
  int64_t max_page_size; /* decompressed bytes of one page */
  int64_t max_values;    /* levels (values with nulls) of one column chunk */
  int64_t max_bytes;     /* decoded value bytes of one column chunk */
  bool verify_crc;
} qv__pq_limits;

typedef struct qv__pq_chunk {
  qv__pq_values values; /* the non-null values, in order */
  int16_t *def;         /* n_levels definition levels; NULL when max_def == 0 or when, outside any list
                           (max_rep == 0), every level is max_def (no value is null) */
  int16_t *rep;         /* n_levels repetition levels; NULL when max_rep == 0 */
  int64_t n_levels;
  int64_t levels_cap;
  int16_t max_def, max_rep;
} qv__pq_chunk;

/* Reads column chunk `cc` from `region`, which holds the file's bytes from
 * offset `base` up to offset `data_end` (exclusive; at most where the footer
 * starts): the whole mapped file (base 0) or the chunk's bytes read with
 * pread (base: the chunk's first byte). When the chunk is one PLAIN,
 * uncompressed page of fixed-width values without nulls whose first value
 * is aligned to its width, the values are a view of region_buf (zero-copy)
 * instead of a copy. split: decode the data pages on two threads (this one
 * and a helper) when the chunk is large enough, for a column read alone. */
qv_status qv__pq_chunk_read(qv_buffer *region_buf, int64_t base, size_t data_end, const qv__pq_column_chunk *cc,
                            const qv__pq_schema_element *elem, const char *path, int16_t max_def, int16_t max_rep,
                            const qv__pq_limits *limits, bool split, qv__pq_chunk *out, qv_error *err);
void qv__pq_chunk_free(qv__pq_chunk *c);

#endif
