/* quiver: writing Apache Parquet files from batches and tables.
 *
 * Every Arrow type Parquet can hold is written (nested types through
 * repetition and definition levels), with the Arrow schema stored under the
 * "ARROW:schema" key as pyarrow stores it, so quiver, pyarrow and arrow-rs
 * read back the same Arrow types (large and view types, dictionaries, time
 * zones, durations, extension types). Types Parquet cannot hold (unions,
 * run-end encoded, intervals) are refused with QV_ERR_NOT_IMPLEMENTED naming
 * the column.
 *
 * Rows are cut into row groups of options.row_group_size rows; each column
 * chunk into data pages of about options.data_page_size bytes. Dictionary
 * encoding (RLE_DICTIONARY) is used while the chunk's dictionary stays
 * below options.dictionary_page_size_limit bytes, then the rest of the chunk
 * is PLAIN. Every column chunk carries min/max/null-count statistics (byte
 * strings longer than statistics_truncate_length are truncated as the
 * format allows: a shorter lower bound, a shorter upper bound).
 *
 * Safety: the arrays need only have passed structural validation. Offsets
 * that go backwards or past their data, out-of-range dictionary indices or
 * view buffers give QV_ERR_INVALID_DATA naming the column and the row;
 * nothing is read out of bounds. Path output is atomic (see atomic_file.h):
 * the destination holds the old file or the whole new one.
 */
#ifndef QUIVER_PARQUET_WRITER_H
#define QUIVER_PARQUET_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "quiver/batch.h"
#include "quiver/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Page compression (the values are Parquet's CompressionCodec numbers). */
typedef enum qv_parquet_compression {
  QV_PARQUET_UNCOMPRESSED = 0,
  QV_PARQUET_SNAPPY = 1,
  QV_PARQUET_GZIP = 2,
  QV_PARQUET_BROTLI = 4,
  QV_PARQUET_ZSTD = 6,
  QV_PARQUET_LZ4_RAW = 7
} qv_parquet_compression;

/* Value encodings of non-dictionary data pages (also the encoding a
 * dictionary falls back to past its size limit). AUTO means PLAIN. Each
 * applies to some physical types only: DELTA_BINARY_PACKED to INT32/INT64
 * (integers, dates, times, timestamps, durations, small decimals stored as
 * integers), DELTA_LENGTH_BYTE_ARRAY to BYTE_ARRAY, DELTA_BYTE_ARRAY to
 * BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY, BYTE_STREAM_SPLIT to FLOAT, DOUBLE,
 * INT32, INT64 and FIXED_LEN_BYTE_ARRAY, RLE to BOOLEAN. */
typedef enum qv_parquet_encoding {
  QV_PARQUET_ENCODING_AUTO = 0,
  QV_PARQUET_ENCODING_PLAIN,
  QV_PARQUET_ENCODING_DELTA_BINARY_PACKED,
  QV_PARQUET_ENCODING_DELTA_LENGTH_BYTE_ARRAY,
  QV_PARQUET_ENCODING_DELTA_BYTE_ARRAY,
  QV_PARQUET_ENCODING_BYTE_STREAM_SPLIT,
  QV_PARQUET_ENCODING_RLE
} qv_parquet_encoding;

/* Options of some columns. `column` names a top-level field (the option
 * then applies to every leaf under it) or a leaf's dotted path
 * ("s.x", "l.list.element"); a name matching no column is an error at
 * open. Later entries override earlier ones. */
typedef struct qv_parquet_column_write_options {
  const char *column;
  qv_parquet_encoding encoding;   /* AUTO: the writer's `encoding` */
  int8_t use_dictionary;          /* 1 on, -1 off, 0: the writer's use_dictionary */
  bool bloom_filter;              /* write a split-block bloom filter per column chunk */
  double bloom_filter_fpp;        /* false-positive probability; 0: 0.05 */
  int64_t bloom_filter_ndv;       /* distinct values to size for; 0: the chunk's own count */
} qv_parquet_column_write_options;

typedef struct qv_parquet_write_options {
  qv_parquet_compression compression; /* default SNAPPY, as pyarrow */
  int32_t compression_level;          /* 0: the codec's default (ZSTD 1, GZIP 6, BROTLI 8) */
  bool use_dictionary;                /* default true */
  int64_t dictionary_page_size_limit; /* bytes of PLAIN dictionary before falling back; default 1 MiB */
  int32_t data_page_version;          /* 1 or 2; default 1 */
  int64_t row_group_size;             /* rows per row group; default 1 Mi rows */
  int64_t data_page_size;             /* target encoded bytes per data page; default 1 MiB */
  bool write_statistics;              /* default true */
  int32_t statistics_truncate_length; /* longest byte-string min/max kept; default 64 */
  bool store_schema;                  /* the ARROW:schema key; default true */
  bool store_decimal_as_integer;      /* decimals of precision <= 9 as INT32, <= 18 as INT64 (pyarrow's
                                         option of that name); default false: FIXED_LEN_BYTE_ARRAY */
  bool use_threads;                   /* default true: the column chunks of a row group of 32 Ki rows or
                                         more are encoded on two threads (the bytes written are the same) */
  const char *created_by;             /* NULL: "quiver version <v>" */
  qv_parquet_encoding encoding;       /* every leaf's non-dictionary encoding; AUTO: PLAIN (an encoding a
                                         leaf's type cannot take is an error at open, naming the column) */
  bool use_byte_stream_split;         /* BYTE_STREAM_SPLIT for the leaves that can take it (floats,
                                         INT32/INT64, FIXED_LEN_BYTE_ARRAY) and have no other encoding */
  bool write_page_index;              /* ColumnIndex and OffsetIndex of every column chunk; default false */
  bool write_page_checksum;           /* CRC32 of each page in its header; default false */
  const qv_parquet_column_write_options *columns; /* borrowed during open only; NULL: none */
  int32_t n_columns;
} qv_parquet_write_options;

/* Fills *o with the defaults above. */
QV_API void qv_parquet_write_options_init(qv_parquet_write_options *o);

/* A streaming writer: batches go in, row groups come out once
 * row_group_size rows are buffered (the batches are retained, not copied,
 * until their row group is written); close writes the rest and the footer.
 * A failure is sticky: later calls report it again. */
typedef struct qv_parquet_writer qv_parquet_writer;

/* Opens a writer to `path` (atomic: a temporary renamed at close), to an
 * open fd (not closed by the writer), or to memory (fetch the bytes with
 * qv_parquet_writer_take_memory after close). opts may be NULL (defaults).
 * The schema is checked at open: a type Parquet cannot hold is refused.
 * Caller owns *out (qv_parquet_writer_free). */
QV_API qv_status qv_parquet_writer_open_path(const char *path, qv_schema *schema,
                                             const qv_parquet_write_options *opts, qv_parquet_writer **out,
                                             qv_error *err);
QV_API qv_status qv_parquet_writer_open_fd(int fd, qv_schema *schema, const qv_parquet_write_options *opts,
                                           qv_parquet_writer **out, qv_error *err);
QV_API qv_status qv_parquet_writer_open_memory(qv_schema *schema, const qv_parquet_write_options *opts,
                                               qv_parquet_writer **out, qv_error *err);
/* Appends a batch (its schema must equal the writer's, metadata aside). */
QV_API qv_status qv_parquet_writer_write_batch(qv_parquet_writer *w, qv_batch *batch, qv_error *err);
/* Appends every batch of a table. */
QV_API qv_status qv_parquet_writer_write_table(qv_parquet_writer *w, const qv_table *table, qv_error *err);
/* Bytes written so far (pages and, after close, the footer). */
QV_API int64_t qv_parquet_writer_bytes(const qv_parquet_writer *w);
/* Writes buffered rows and the footer; a path output is renamed into place. */
QV_API qv_status qv_parquet_writer_close(qv_parquet_writer *w, qv_error *err);
/* Memory writers after close: hands over the file's bytes (*data, release
 * with free(); NULL when len is 0) and leaves the writer empty. */
QV_API qv_status qv_parquet_writer_take_memory(qv_parquet_writer *w, uint8_t **data, int64_t *len,
                                               qv_error *err);
/* Frees the writer; an unclosed path writer removes its temporary. NULL ok. */
QV_API void qv_parquet_writer_free(qv_parquet_writer *w);

/* One-call writes of a whole table (opts may be NULL). */
QV_API qv_status qv_parquet_write_path(const char *path, const qv_table *table,
                                       const qv_parquet_write_options *opts, qv_error *err);
QV_API qv_status qv_parquet_write_fd(int fd, const qv_table *table, const qv_parquet_write_options *opts,
                                     qv_error *err);
/* *data: release with free(). */
QV_API qv_status qv_parquet_write_memory(const qv_table *table, const qv_parquet_write_options *opts,
                                         uint8_t **data, int64_t *len, qv_error *err);

#ifdef __cplusplus
}
#endif
#endif
