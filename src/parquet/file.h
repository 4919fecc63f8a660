/* Parquet: the open file's state, shared by opening (file.c) and reading
 * (read.c) (internal).
 *
 * Exactly one of `bytes` (the mapped or borrowed file) and `fd` (pread
 * mode) is set. The metadata's byte strings borrow the footer: the mapping,
 * or footer_copy in pread mode. */
#ifndef QV_PARQUET_FILE_H
#define QV_PARQUET_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "parquet/chunk.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"
#include "quiver/parquet.h"

struct qv_parquet_file {
  qv_buffer *bytes;         /* the whole file (mapped or borrowed); NULL in pread mode */
  int fd;                   /* pread mode: the open file (-1 otherwise) */
  uint8_t *footer_copy;     /* pread mode: the footer bytes (the metadata borrows them) */
  size_t data_end;          /* where the footer starts */
  qv__pq_file_meta meta;
  qv__pq_schema tree;
  qv_schema *schema;        /* what reads produce (ARROW:schema applied) */
  char **paths;             /* dotted path per leaf */
  qv__pq_limits limits;
  int32_t threads;          /* 1 or 2 */
};

#endif
