/* quiver: reading Parquet files.
 *
 * A qv_parquet_file is an open file: its footer decoded (FileMetaData),
 * its schema mapped to Arrow the way pyarrow maps it, and its bytes mapped
 * (or borrowed from memory). Row groups are read on demand, one at a time
 * (qv_parquet_file_read_row_group is the batch reader: memory holds one
 * row group's projected columns at most), or all at once into a table.
 * A row group's fields are read on two threads (max_threads = 1: one);
 * reads of one open file may run concurrently.
 *
 * Supported: every physical type; logical and converted types as pyarrow
 * reads them (strings, decimals from INT32/INT64/BYTE_ARRAY/FLBA, dates,
 * times and timestamps in every unit, INT96 as timestamp[ns], integers of
 * every width and sign, FLOAT16, unknown logical types as their storage);
 * nested LIST (including the legacy two-level forms), MAP and structs of any
 * depth; encodings PLAIN, PLAIN_DICTIONARY/RLE_DICTIONARY, RLE,
 * DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY,
 * BYTE_STREAM_SPLIT; data pages v1 and v2; codecs UNCOMPRESSED, SNAPPY,
 * GZIP, ZSTD, LZ4_RAW, LZ4 (Hadoop framing or a bare block), BROTLI. Page
 * CRCs are verified when present. When the file carries pyarrow's
 * "ARROW:schema" metadata, the stored Arrow types that share the storage
 * read (time zones, durations, large strings/lists, extension types) are
 * restored. Encrypted files are refused with QV_ERR_UNSUPPORTED.
 *
 * Errors name what failed and where: column, page, byte offset
 * ("Parquet column 'a', page 3: CRC mismatch (stored ..., computed ...)").
 * Every size read from the file is checked against the bytes present and
 * the limits below before anything is allocated.
 */
#ifndef QUIVER_PARQUET_H
#define QUIVER_PARQUET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quiver/batch.h"
#include "quiver/metadata.h"
#include "quiver/schema.h"
#include "quiver/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define QV_PARQUET_DEFAULT_MAX_METADATA ((int64_t)64 << 20)
#define QV_PARQUET_DEFAULT_MAX_PAGE ((int64_t)1 << 30)
#define QV_PARQUET_DEFAULT_MAX_VALUES ((int64_t)1 << 31)
#define QV_PARQUET_DEFAULT_MAX_BYTES ((int64_t)4 << 30)

/* Reading options; a zeroed struct (or NULL) means the defaults. */
typedef struct qv_parquet_read_options {
  bool skip_crc_check;      /* do not verify page CRCs */
  bool ignore_arrow_schema; /* read the Parquet types even when ARROW:schema is stored */
  int64_t max_metadata_size;/* footer bytes (0: 64 MiB) */
  int64_t max_page_size;    /* decompressed bytes of one page (0: 1 GiB) */
  int64_t max_chunk_values; /* values (with nulls) of one column chunk (0: 2^31) */
  int64_t max_chunk_bytes;  /* decoded bytes of one column chunk (0: 4 GiB) */
  int32_t max_threads;      /* threads reading a row group's fields: 1, or 0 for 2 */
  /* Leaf column paths ("s", "a.b", "l.list.element") whose string or
   * binary values are read as dictionary<int32, string/binary> (pyarrow's
   * read_dictionary; other types are read as usual). A path that names no
   * leaf column fails the open with QV_ERR_NOT_FOUND. */
  const char *const *read_dictionary;
  int32_t n_read_dictionary;
  /* How string/binary columns are read when the file stores no
   * ARROW:schema (pyarrow's binary_type): QV_PARQUET_BINARY_DEFAULT,
   * _LARGE (large_string/large_binary) or _VIEW (string_view/binary_view). */
  int32_t binary_type;
  /* Read column chunks with pread into memory instead of mapping the file
   * (qv_parquet_open_path only): the process then holds the footer and the
   * chunks being decoded, never the whole file. */
  bool use_pread;
} qv_parquet_read_options;

enum { QV_PARQUET_BINARY_DEFAULT = 0, QV_PARQUET_BINARY_LARGE = 1, QV_PARQUET_BINARY_VIEW = 2 };

typedef struct qv_parquet_file qv_parquet_file;

/* Opens a file (mapped read-only). Errors: QV_ERR_IO (path, errno),
 * QV_ERR_INVALID_DATA (not Parquet, corrupt footer), QV_ERR_UNSUPPORTED
 * (encrypted), QV_ERR_LIMIT. Caller closes *out. */
QV_API qv_status qv_parquet_open_path(const char *path, const qv_parquet_read_options *opts, qv_parquet_file **out,
                                      qv_error *err);
/* Opens Parquet bytes in memory. The bytes are BORROWED: they must stay
 * valid and unchanged until the file is closed and every array read from it
 * is released (arrays may share the bytes of uncompressed pages). */
QV_API qv_status qv_parquet_open_memory(const void *data, size_t size, const qv_parquet_read_options *opts,
                                        qv_parquet_file **out, qv_error *err);
QV_API void qv_parquet_file_close(qv_parquet_file *file); /* accepts NULL */

/* The Arrow schema (borrowed; valid while the file is open). Its metadata is
 * the file's key-value metadata (without ARROW:schema). */
QV_API const qv_schema *qv_parquet_file_schema(const qv_parquet_file *file);
QV_API int64_t qv_parquet_file_num_rows(const qv_parquet_file *file);
QV_API int32_t qv_parquet_file_num_row_groups(const qv_parquet_file *file);
/* Rows of row group `rg`, or -1 when rg is out of range. */
QV_API int64_t qv_parquet_file_row_group_num_rows(const qv_parquet_file *file, int32_t rg);
/* Leaf columns of the Parquet schema (a nested field has several). */
QV_API int32_t qv_parquet_file_num_columns(const qv_parquet_file *file);
QV_API int32_t qv_parquet_file_format_version(const qv_parquet_file *file);
/* created_by, or NULL (borrowed). */
QV_API const char *qv_parquet_file_created_by(const qv_parquet_file *file);
/* The footer's key-value metadata, ARROW:schema included, or NULL (borrowed). */
QV_API const qv_metadata *qv_parquet_file_key_value_metadata(const qv_parquet_file *file);

/* What the footer says about one column chunk (borrowed pointers, valid
 * while the file is open). min/max are the PLAIN-encoded statistics bytes. */
typedef struct qv_parquet_column_chunk_info {
  const char *path;          /* dotted path in the schema ("a.list.element") */
  int32_t physical_type;     /* parquet.thrift Type */
  const char *codec;         /* "SNAPPY", ... */
  int64_t num_values;
  int64_t total_compressed_size;
  int64_t total_uncompressed_size;
  bool has_statistics;
  bool has_null_count;
  int64_t null_count;
  bool has_distinct_count;
  int64_t distinct_count;
  bool has_min, has_max;
  const uint8_t *min, *max;
  int32_t min_len, max_len;
} qv_parquet_column_chunk_info;

/* Info of leaf column `column` in row group `rg`. QV_ERR_OUT_OF_RANGE. */
QV_API qv_status qv_parquet_file_column_chunk(const qv_parquet_file *file, int32_t rg, int32_t column,
                                              qv_parquet_column_chunk_info *out, qv_error *err);

/* Reads row group `rg` into a batch of the top-level fields listed in
 * `fields` (indices into the schema, in the order given; NULL means every
 * field). Caller owns *out. */
QV_API qv_status qv_parquet_file_read_row_group(qv_parquet_file *file, int32_t rg, const int32_t *fields,
                                                int32_t n_fields, qv_batch **out, qv_error *err);
/* Reads the row groups listed (NULL: all) into a table of one batch per
 * row group. */
QV_API qv_status qv_parquet_file_read_table(qv_parquet_file *file, const int32_t *row_groups, int32_t n_row_groups,
                                            const int32_t *fields, int32_t n_fields, qv_table **out, qv_error *err);
/* Leaf column index of a dotted Parquet path ("a.b", "l.list.element").
 * QV_ERR_NOT_FOUND names the path when no leaf has it. */
QV_API qv_status qv_parquet_file_column_index(const qv_parquet_file *file, const char *path, int32_t *out,
                                              qv_error *err);

/* Dotted path of leaf column `column` (borrowed; valid while the file is
 * open), or NULL when out of range. */
QV_API const char *qv_parquet_file_column_path(const qv_parquet_file *file, int32_t column);

/* ---- Row-group skipping by statistics ----
 * A predicate compares one leaf column with a constant. The constant is
 * given in the column's physical representation: integers (INT32/INT64,
 * including dates, times and timestamps in the column's unit, and
 * unsigned logical types compared unsigned), doubles (FLOAT/DOUBLE, or
 * integer columns), byte strings (BYTE_ARRAY strings and binaries, compared
 * as unsigned bytes) or booleans. A row group is skipped only when its
 * statistics prove that no row can satisfy the predicate; where the
 * statistics are absent, ambiguous (deprecated signed-order min/max of
 * byte arrays, decimals, INT96, NaN bounds) or of another kind, it is kept.
 * Nulls never satisfy a comparison (as in Arrow compute filters). */
typedef enum qv_parquet_compare_op {
  QV_PARQUET_EQ,
  QV_PARQUET_NE,
  QV_PARQUET_LT,
  QV_PARQUET_LE,
  QV_PARQUET_GT,
  QV_PARQUET_GE,
  QV_PARQUET_IS_NULL,
  QV_PARQUET_IS_NOT_NULL
} qv_parquet_compare_op;

typedef enum qv_parquet_value_kind {
  QV_PARQUET_VALUE_INT,    /* int_value */
  QV_PARQUET_VALUE_DOUBLE, /* double_value */
  QV_PARQUET_VALUE_BYTES,  /* bytes, bytes_len (borrowed) */
  QV_PARQUET_VALUE_BOOL    /* int_value 0 or 1 */
} qv_parquet_value_kind;

typedef struct qv_parquet_predicate {
  int32_t column; /* leaf column index */
  qv_parquet_compare_op op;
  qv_parquet_value_kind kind; /* ignored for IS_NULL / IS_NOT_NULL */
  int64_t int_value;
  double double_value;
  const uint8_t *bytes;
  int64_t bytes_len;
} qv_parquet_predicate;

/* *out = false when the statistics of row group `rg` prove that no row
 * satisfies every one of the n predicates (their AND); true otherwise. */
QV_API qv_status qv_parquet_file_row_group_may_match(const qv_parquet_file *file, int32_t rg,
                                                     const qv_parquet_predicate *preds, int32_t n, bool *out,
                                                     qv_error *err);

/* ---- Scans: selection, projection, skipping, batch by batch ---- */
typedef struct qv_parquet_scan_options {
  const int32_t *row_groups; /* row groups to read, in this order (NULL: all) */
  int32_t n_row_groups;
  /* Leaf columns to read (nested projection: a struct keeps the children
   * holding a selected leaf, as pyarrow's ParquetFile.read(columns=["a.b"]));
   * top-level fields come in the order of their first selected leaf. */
  const int32_t *columns;
  int32_t n_columns;
  const int32_t *fields; /* whole top-level fields, when columns is NULL (NULL: all) */
  int32_t n_fields;
  const qv_parquet_predicate *predicates; /* AND; row groups they rule out are skipped */
  int32_t n_predicates;
} qv_parquet_scan_options;

/* A batch reader: one batch per row group kept, read when asked for, so
 * memory holds one row group's projected column chunks (and the batch
 * handed out) at most. It borrows `file`, which must outlive it. */
typedef struct qv_parquet_batch_reader qv_parquet_batch_reader;
QV_API qv_status qv_parquet_batch_reader_open(qv_parquet_file *file, const qv_parquet_scan_options *opts,
                                              qv_parquet_batch_reader **out, qv_error *err);
/* The schema of the batches (borrowed; valid while the reader is open). */
QV_API const qv_schema *qv_parquet_batch_reader_schema(const qv_parquet_batch_reader *r);
/* The next batch (caller owns it), or *out = NULL at the end. */
QV_API qv_status qv_parquet_batch_reader_next(qv_parquet_batch_reader *r, qv_batch **out, qv_error *err);
/* Row groups skipped by the predicates' statistics so far. */
QV_API int32_t qv_parquet_batch_reader_row_groups_skipped(const qv_parquet_batch_reader *r);
QV_API void qv_parquet_batch_reader_close(qv_parquet_batch_reader *r); /* accepts NULL */
/* The whole scan into a table (one batch per row group read, two row
 * groups decoded at once when max_threads allows); *skipped (may be NULL)
 * receives the row groups the predicates ruled out. */
QV_API qv_status qv_parquet_file_scan(qv_parquet_file *file, const qv_parquet_scan_options *opts, qv_table **out,
                                      int32_t *skipped, qv_error *err);

/* Opens, reads every row group, closes. */
QV_API qv_status qv_parquet_read_path(const char *path, const qv_parquet_read_options *opts, qv_table **out,
                                      qv_error *err);

#ifdef __cplusplus
}
#endif
#endif
