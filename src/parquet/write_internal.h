/* quiver Parquet writer: the pieces shared by its files. Internal header.
 *
 *   write_schema.c   Arrow schema -> Parquet schema elements and leaf columns
 *   write_levels.c   arrays -> repetition/definition levels and leaf slots
 *   write_values.c   leaf slots -> values in their Parquet physical form
 *   write_encode.c   RLE/bit-packed hybrid, PLAIN, the dictionary hash table
 *   write_stats.c    min/max/null count per column chunk
 *   write_codec.c    page compression
 *   write_column.c   one column chunk: pages, dictionary fallback
 *   write_delta.c    DELTA_* and BYTE_STREAM_SPLIT value encodings
 *   write_options.c  per-leaf encoding, dictionary and bloom filter settings
 *   write_bloom.c    split-block bloom filters (xxHash64)
 *   write_meta.c     FileMetaData and PageHeader in Thrift
 *   writer.c         the public API: sinks, row groups, ARROW:schema
 */
#ifndef QV_PARQUET_WRITE_INTERNAL_H
#define QV_PARQUET_WRITE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "parquet/format.h"
#include "parquet/thrift_write.h"
#include "quiver/array.h"
#include "quiver/parquet_writer.h"
#include "quiver/schema.h"

/* ------------------------------------------------------------------ */
/* Schema                                                               */
/* ------------------------------------------------------------------ */

/* LogicalType union members (parquet.thrift field ids); 0 = none. */
enum qv__pq_logical {
  QV__PQ_LT_NONE = 0,
  QV__PQ_LT_STRING = 1,
  QV__PQ_LT_MAP = 2,
  QV__PQ_LT_LIST = 3,
  QV__PQ_LT_DECIMAL = 5,
  QV__PQ_LT_DATE = 6,
  QV__PQ_LT_TIME = 7,
  QV__PQ_LT_TIMESTAMP = 8,
  QV__PQ_LT_INTEGER = 10,
  QV__PQ_LT_UNKNOWN = 11,
  QV__PQ_LT_UUID = 14,
  QV__PQ_LT_FLOAT16 = 15,
};

/* One SchemaElement, in the depth-first order the footer lists them. */
typedef struct qv__pq_element {
  char *name;           /* owned */
  int32_t repetition;   /* qv__pq_repetition; -1 for the root */
  int32_t n_children;   /* groups: > 0; leaves: 0 */
  int32_t physical;     /* leaves: qv__pq_physical_type; groups: -1 */
  int32_t type_length;  /* FIXED_LEN_BYTE_ARRAY: bytes per value; else 0 */
  int32_t converted;    /* qv__pq_converted_type or -1 */
  int32_t logical;      /* enum qv__pq_logical */
  int32_t scale, precision; /* DECIMAL */
  int32_t unit;         /* TIME/TIMESTAMP: 1 MILLIS, 2 MICROS, 3 NANOS */
  bool utc;             /* TIME/TIMESTAMP isAdjustedToUTC */
  int32_t int_bits;     /* INTEGER bitWidth */
  bool int_signed;
} qv__pq_element;

/* How a leaf's Arrow values become Parquet values (write_values.c). */
typedef enum qv__pq_conv {
  QV__CONV_BOOL = 0,      /* bits -> one byte per value */
  QV__CONV_COPY,          /* same bytes: int32, int64, float, double, time, timestamp, duration... */
  QV__CONV_SEXT8,         /* int8 -> int32 */
  QV__CONV_SEXT16,        /* int16 -> int32 */
  QV__CONV_ZEXT8,         /* uint8 -> int32 */
  QV__CONV_ZEXT16,        /* uint16 -> int32 */
  QV__CONV_DATE64,        /* ms since epoch -> int32 days (floor) */
  QV__CONV_SCALE32,       /* int32 * scale (time32 seconds -> ms) */
  QV__CONV_SCALE64,       /* int64 * scale, overflow checked (timestamp seconds -> ms) */
  QV__CONV_DECIMAL,       /* little-endian decimal -> big-endian, type_length bytes */
  QV__CONV_DECIMAL_INT,   /* little-endian decimal -> its low 4 or 8 bytes (INT32/INT64) */
  QV__CONV_BINARY32,      /* binary/string: int32 offsets */
  QV__CONV_BINARY64,      /* large_binary/large_string */
  QV__CONV_VIEW,          /* binary_view/string_view */
  QV__CONV_NULL           /* the null type: no values ever */
} qv__pq_conv;

/* One step from a top-level array down to a leaf. */
typedef enum qv__pq_step_kind {
  QV__STEP_LEAF = 0, /* the values (a dictionary's indices are looked up at gather) */
  QV__STEP_STRUCT,   /* go to child `child` at the same slot */
  QV__STEP_LIST      /* list-likes and maps: each slot's child range, one level deeper */
} qv__pq_step_kind;

typedef struct qv__pq_step {
  qv__pq_step_kind kind;
  int32_t child;     /* STRUCT: child index */
  bool nullable;     /* slots of this array may be null (an OPTIONAL element) */
  int16_t def_present; /* definition level of a non-null slot here */
  int16_t rep;       /* LIST: repetition level of its elements after the first */
} qv__pq_step;

#define QV__PQ_MAX_STEPS 64

/* One leaf column of the Parquet schema. */
typedef struct qv__pq_leaf {
  int32_t top;          /* index of the top-level Arrow field it belongs to */
  int32_t element;      /* its SchemaElement */
  char **path;          /* path_in_schema (owned strings) */
  int32_t path_len;
  char *dotted;         /* the path joined by '.', for messages (owned) */
  int16_t max_def, max_rep;
  int32_t n_steps;
  qv__pq_step steps[QV__PQ_MAX_STEPS];
  /* values */
  int32_t physical;     /* qv__pq_physical_type */
  int32_t width;        /* bytes per canonical value: 1 bool, 4, 8, FLBA length; 0 BYTE_ARRAY */
  qv__pq_conv conv;
  int64_t scale;        /* SCALE32/SCALE64 factor */
  int32_t src_width;    /* DECIMAL: bytes per Arrow value */
  bool sort_unsigned;   /* statistics: unsigned integer order */
  bool sort_float16;    /* statistics: FLBA(2) compared as half floats */
  bool sort_decimal;    /* statistics: FLBA compared as signed big-endian */
  bool utf8;            /* STRING: truncated statistics stay valid UTF-8 */
  /* options resolved per leaf at open (write_options.c) */
  int32_t encoding;     /* Parquet Encoding of non-dictionary data pages */
  bool dictionary;      /* dictionary-encode this leaf's chunks */
  bool bloom;           /* write a bloom filter per chunk */
  double bloom_fpp;     /* its false-positive probability */
  int64_t bloom_ndv;    /* distinct values to size it for; 0: the chunk's count */
} qv__pq_leaf;

typedef struct qv__pqw_schema {
  qv__pq_element *elements;
  int32_t n_elements, cap_elements;
  qv__pq_leaf *leaves;
  int32_t n_leaves, cap_leaves;
} qv__pqw_schema;

/* Builds the Parquet schema of `schema` as pyarrow does (lists as
 * <list>.list.element, maps as <map>.key_value.{key,value}). Errors:
 * QV_ERR_NOT_IMPLEMENTED naming the field for types Parquet cannot hold,
 * QV_ERR_LIMIT past QV__PQ_MAX_STEPS levels, QV_ERR_NO_MEMORY.
 * decimal_as_integer: decimals of precision <= 18 as INT32/INT64. */
qv_status qv__pqw_schema_build(const qv_schema *schema, bool decimal_as_integer, qv__pqw_schema *out, qv_error *err);
void qv__pqw_schema_free(qv__pqw_schema *s);

/* Sets each leaf's encoding, dictionary and bloom filter settings from the
 * writer options and their per-column entries. QV_ERR_INVALID_ARGUMENT
 * naming the column for an unknown column name, an encoding its physical
 * type cannot take, or a false-positive probability outside (0, 1). */
qv_status qv__pqw_resolve_options(qv__pqw_schema *s, const qv_schema *schema, const qv_parquet_write_options *o,
                                  qv_error *err);

/* ------------------------------------------------------------------ */
/* Levels                                                               */
/* ------------------------------------------------------------------ */

/* A leaf column's levels and the leaf-array slots holding its values, for
 * the pieces of one row group (appended piece by piece). */
typedef struct qv__pq_shred {
  int16_t *def, *rep;   /* n_levels each, unless `implicit` */
  int64_t n_levels, cap_levels;
  bool implicit;        /* every level so far is (max_def, rep 0) and none is stored: flat columns
                           without nulls (and required ones) cost no level memory */
  int64_t *slots;       /* leaf-array slots of the non-null values, in order */
  int64_t n_slots, cap_slots;
  bool all_slots;       /* flat and null-free: the values are slots [0, n_slots), `slots` unused */
  int64_t n_rows;
  int64_t n_nulls;      /* levels below max_def (null or empty at some depth) */
} qv__pq_shred;

/* Appends the levels of `array` (a top-level column piece; its rows are
 * rows [row_base, row_base + length) of the output, for messages) and sets
 * *leaf_array (borrowed) to the array whose slots `sh->slots` index.
 * The slots appended by this call start at sh->n_slots on entry. Errors:
 * QV_ERR_INVALID_DATA naming column and row for list offsets out of range,
 * QV_ERR_NO_MEMORY. */
qv_status qv__pq_shred_piece(const qv__pq_leaf *leaf, const qv_array *array, int64_t row_base,
                             qv__pq_shred *sh, const qv_array **leaf_array, qv_error *err);
void qv__pq_shred_reset(qv__pq_shred *sh);
void qv__pq_shred_free(qv__pq_shred *sh);

/* ------------------------------------------------------------------ */
/* Values                                                               */
/* ------------------------------------------------------------------ */

typedef struct qv__pq_bytes {
  const uint8_t *ptr;
  int64_t len;
} qv__pq_bytes;

/* A column chunk's non-null values in Parquet form: `fixed` holds n values
 * of leaf->width bytes (booleans one byte each), or `bytes` n byte strings
 * (pointing into the Arrow buffers, which outlive the chunk). */
typedef struct qv__pqw_values {
  int64_t n;
  qv__pq_buf fixed;
  qv__pq_bytes *bytes;
  int64_t cap_bytes;
  const uint8_t *borrowed; /* set instead of `fixed` when the Arrow buffer serves as is */
} qv__pqw_values;

/* Appends the values at `slots` (n of them; slots NULL: slots [0, n)) of
 * `leaf_array` (a dictionary is looked up, indices checked). row_base and
 * flat name rows in messages. Errors: QV_ERR_INVALID_DATA naming column and
 * row (offsets, views, dictionary indices out of range), QV_ERR_OVERFLOW
 * (timestamp scaling), QV_ERR_NO_MEMORY. */
qv_status qv__pq_values_gather(const qv__pq_leaf *leaf, const qv_array *leaf_array, const int64_t *slots, int64_t n,
                               int64_t row_base, bool single_piece, qv__pqw_values *v, qv_error *err);
/* The fixed-width bytes (borrowed or owned). */
static inline const uint8_t *qv__pq_values_fixed(const qv__pqw_values *v) {
  return v->borrowed ? v->borrowed : v->fixed.data;
}
void qv__pq_values_reset(qv__pqw_values *v);
void qv__pqw_values_free(qv__pqw_values *v);

/* ------------------------------------------------------------------ */
/* Encoders                                                             */
/* ------------------------------------------------------------------ */

/* Bits needed for values 0..max_value. */
int qv__pqw_bit_width(uint64_t max_value);
/* RLE/bit-packed hybrid of n values of `bit_width` bits (no length prefix). */
void qv__pq_rle_encode_u32(qv__pq_buf *out, const uint32_t *v, int64_t n, int bit_width);
void qv__pq_rle_encode_i16(qv__pq_buf *out, const int16_t *v, int64_t n, int bit_width);
/* PLAIN encoding of values [from, from + n). */
void qv__pq_plain_encode(qv__pq_buf *out, const qv__pq_leaf *leaf, const qv__pqw_values *v, int64_t from, int64_t n);

/* Values [from, from + n) in the leaf's non-dictionary encoding
 * `encoding` (a Parquet Encoding the leaf accepts; write_delta.c for the
 * DELTA_* and BYTE_STREAM_SPLIT forms). */
void qv__pqw_encode_values(qv__pq_buf *out, const qv__pq_leaf *leaf, int32_t encoding, const qv__pqw_values *v,
                           int64_t from, int64_t n);
/* DELTA_BINARY_PACKED of n integers (4 or 8 bytes each, little-endian;
 * 4-byte values difference in 32-bit wrapping arithmetic as readers do). */
void qv__pqw_delta_binary_packed(qv__pq_buf *out, const uint8_t *src, int32_t width, int64_t n);
void qv__pqw_delta_length_byte_array(qv__pq_buf *out, const qv__pq_bytes *b, int64_t n);
void qv__pqw_delta_byte_array(qv__pq_buf *out, const qv__pq_bytes *b, int64_t n);
/* DELTA_BYTE_ARRAY of n fixed-width values. */
void qv__pqw_delta_byte_array_fixed(qv__pq_buf *out, const uint8_t *src, int32_t width, int64_t n);
void qv__pqw_byte_stream_split(qv__pq_buf *out, const uint8_t *src, int32_t width, int64_t n);

/* Dictionary of a column chunk: distinct values in first-seen order. */
typedef struct qv__pq_dict {
  int32_t width;         /* fixed width, or 0 for byte arrays */
  uint32_t *table;       /* open addressing: entry + 1, 0 = empty */
  uint64_t mask;
  uint32_t n;            /* distinct values */
  qv__pq_buf fixed;      /* fixed-width entries */
  qv__pq_bytes *bytes;   /* byte-array entries (borrowed pointers) */
  uint32_t cap_bytes;
  qv__pq_buf hashes;     /* uint64_t hash of each entry, so growth needs no rehash of values */
  int64_t plain_size;    /* bytes of the PLAIN-encoded dictionary page */
} qv__pq_dict;

qv_status qv__pq_dict_init(qv__pq_dict *d, int32_t width, qv_error *err);
/* Empties the dictionary for a new chunk of values `width` bytes wide,
 * keeping its memory (a zeroed dictionary is initialised). */
qv_status qv__pq_dict_reset(qv__pq_dict *d, int32_t width, qv_error *err);
void qv__pq_dict_free(qv__pq_dict *d);
/* Looks up values [from, from + n) and writes their indices to idx,
 * inserting new ones. QV_ERR_NO_MEMORY. */
qv_status qv__pq_dict_put(qv__pq_dict *d, const qv__pqw_values *v, int64_t from, int64_t n, uint32_t *idx,
                          qv_error *err);
/* PLAIN bytes of the dictionary page. */
void qv__pq_dict_plain(const qv__pq_dict *d, qv__pq_buf *out);

/* ------------------------------------------------------------------ */
/* Statistics                                                           */
/* ------------------------------------------------------------------ */

typedef struct qv__pq_stats {
  bool has_minmax;
  qv__pq_buf min, max; /* PLAIN bytes (no length prefix for byte arrays) */
  bool min_exact, max_exact;
  int64_t null_count;
} qv__pq_stats;

/* Min and max of values [0, v->n) in the leaf's sort order (NaN skipped,
 * zero min written as -0.0 and zero max as +0.0), byte strings truncated
 * to `truncate` bytes. */
qv_status qv__pq_stats_compute(const qv__pq_leaf *leaf, const qv__pqw_values *v, int32_t truncate,
                               qv__pq_stats *st, qv_error *err);
void qv__pq_stats_free(qv__pq_stats *st);
/* The same over values [from, from + n) (one page's, for the page index). */
qv_status qv__pqw_stats_range(const qv__pq_leaf *leaf, const qv__pqw_values *v, int64_t from, int64_t n,
                              int32_t truncate, qv__pq_stats *st, qv_error *err);
/* Orders two statistics values (PLAIN bytes) as the leaf sorts: <0, 0, >0. */
int qv__pqw_stats_compare(const qv__pq_leaf *leaf, const uint8_t *a, size_t na, const uint8_t *b, size_t nb);

/* ------------------------------------------------------------------ */
/* Compression                                                          */
/* ------------------------------------------------------------------ */

typedef struct qv__pq_compressor {
  qv_parquet_compression codec;
  int level;
  void *zstd; /* ZSTD_CCtx*, created on first use */
} qv__pq_compressor;

/* Checks the codec and level (QV_ERR_INVALID_ARGUMENT). */
qv_status qv__pq_codec_init(qv__pq_compressor *c, qv_parquet_compression codec, int level, qv_error *err);
void qv__pq_codec_free(qv__pq_compressor *c);
/* Appends the compressed form of src[0, n) to out. */
qv_status qv__pq_codec_compress(qv__pq_compressor *c, const uint8_t *src, size_t n, qv__pq_buf *out, qv_error *err);

/* ------------------------------------------------------------------ */
/* Metadata                                                             */
/* ------------------------------------------------------------------ */

/* One data page of a column chunk, for the page index. */
typedef struct qv__pqw_page_rec {
  int64_t offset;          /* of its header: in the chunk, then (once written) in the file */
  int32_t size;            /* header and body bytes */
  int64_t first_row;       /* index in the row group of its first row */
  int64_t null_count;      /* levels below max_def */
  bool null_page;          /* no value at all */
  bool has_minmax;
  uint32_t min_at, min_len, max_at, max_len; /* in the chunk's page_bounds */
} qv__pqw_page_rec;

/* What the footer says about one column chunk. */
typedef struct qv__pq_chunk_meta {
  int64_t num_values;
  int64_t total_uncompressed, total_compressed;
  int64_t data_page_offset;
  int64_t dictionary_page_offset; /* -1: none */
  uint32_t encodings;             /* bit e set: Encoding e used */
  qv__pq_stats stats;
  bool has_stats;
  int64_t distinct;               /* dictionary size when every page used it, else 0 */
  /* page index (write_page_index): one record per data page */
  qv__pqw_page_rec *pages;
  int32_t n_pages, cap_pages;
  qv__pq_buf page_bounds;         /* the pages' min and max bytes */
  bool column_index_ok;           /* every non-null page has min/max (else no ColumnIndex) */
  int64_t column_index_offset, offset_index_offset; /* -1: none */
  int32_t column_index_length, offset_index_length;
  /* bloom filter: -1 offset when none */
  int64_t bloom_offset;
  int32_t bloom_length;
} qv__pq_chunk_meta;

/* Frees what a chunk's record owns (statistics, page records). */
void qv__pqw_chunk_meta_free(qv__pq_chunk_meta *m);

typedef struct qv__pq_row_group_meta {
  int64_t num_rows;
  int64_t total_byte_size, total_compressed;
  int64_t file_offset;
  qv__pq_chunk_meta *chunks; /* one per leaf */
} qv__pq_row_group_meta;

typedef struct qv__pqw_page_header {
  int32_t type;                  /* qv__pq_page_type */
  int32_t uncompressed_size, compressed_size;
  int32_t num_values;
  int32_t encoding;
  /* v2 */
  int32_t num_nulls, num_rows;
  int32_t def_bytes, rep_bytes;
  bool is_compressed;
  bool has_crc;                  /* write `crc`: CRC32 of the page body as stored */
  uint32_t crc;
} qv__pqw_page_header;

/* Appends the Thrift PageHeader. */
qv_status qv__pq_page_header_encode(const qv__pqw_page_header *h, qv__pq_buf *out, qv_error *err);

/* Appends the Thrift ColumnIndex / OffsetIndex of a chunk's pages. */
qv_status qv__pqw_column_index_encode(const qv__pq_leaf *leaf, const qv__pq_chunk_meta *m, qv__pq_buf *out,
                                      qv_error *err);
qv_status qv__pqw_offset_index_encode(const qv__pq_chunk_meta *m, qv__pq_buf *out, qv_error *err);

/* Appends the Thrift FileMetaData (every chunk compressed with `codec`,
 * a qv_parquet_compression). kv may be NULL. */
qv_status qv__pq_file_meta_encode(const qv__pqw_schema *s, const qv__pq_row_group_meta *groups, int64_t n_groups,
                                  int64_t num_rows, const qv_metadata *kv, const char *created_by, int32_t codec,
                                  qv__pq_buf *out, qv_error *err);

/* ------------------------------------------------------------------ */
/* Column chunks                                                        */
/* ------------------------------------------------------------------ */

/* Scratch reused across column chunks. */
typedef struct qv__pq_scratch {
  qv__pq_buf page, levels, compressed, header, chunk;
  uint32_t *idx;
  int64_t cap_idx;
  qv__pq_dict dict; /* reset per chunk: its memory serves every chunk */
  qv__pq_stats page_stats; /* one page's min/max for the page index */
  qv__pq_compressor codec;
} qv__pq_scratch;

/* Encodes one column chunk (its levels and values) into `out` (emptied
 * first; its memory may be exchanged with the scratch's) and fills *meta,
 * whose page offsets are relative to the start of `out`: the writer adds
 * the chunk's file position. Touches only its arguments, so two column
 * chunks are encoded at once on two threads with two scratches. */
qv_status qv__pq_column_write(const qv__pq_leaf *leaf, const qv__pq_shred *sh, const qv__pqw_values *v,
                              const qv_parquet_write_options *o, qv__pq_scratch *sc, qv__pq_buf *out,
                              qv__pq_chunk_meta *meta, qv_error *err);
void qv__pq_scratch_free(qv__pq_scratch *sc);

/* ------------------------------------------------------------------ */
/* Bloom filters (write_bloom.c)                                        */
/* ------------------------------------------------------------------ */

/* The split-block bloom filter of a column chunk's values, serialized
 * (BloomFilterHeader, then the bitset) into `out` (emptied first).
 * num_values: the chunk's levels; dict_ndv: distinct values when known
 * (0: unknown). QV_ERR_NO_MEMORY. */
qv_status qv__pqw_bloom_build(const qv__pq_leaf *leaf, const qv__pqw_values *v, int64_t num_values, int64_t dict_ndv,
                              qv__pq_buf *out, qv_error *err);
/* Bytes of the bitset for ndv distinct values at false-positive rate fpp. */
int64_t qv__pqw_bloom_bytes(int64_t ndv, double fpp);

#endif
