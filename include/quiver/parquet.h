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
} qv_parquet_read_options;

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
/* Opens, reads every row group, closes. */
QV_API qv_status qv_parquet_read_path(const char *path, const qv_parquet_read_options *opts, qv_table **out,
                                      qv_error *err);

#ifdef __cplusplus
}
#endif
#endif
