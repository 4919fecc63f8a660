/* Parquet: the decoded footer and page headers as plain C structs (internal).
 *
 * Only what the reader uses is kept; every other field is skipped by the
 * decoder. Byte strings that are values (statistics) borrow the footer
 * bytes, which the file object keeps alive; names and paths are copied
 * (NUL-terminated). Absent optional integers are -1 unless a has_ flag says
 * otherwise. */
#ifndef QV_PARQUET_METADATA_H
#define QV_PARQUET_METADATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quiver/metadata.h"
#include "quiver/status.h"

/* LogicalType: the union's member, numbered as in parquet.thrift. */
enum qv__pq_logical_kind {
  QV__PQ_LT_NONE = 0,
  QV__PQ_LT_STRING = 1,
  QV__PQ_LT_MAP = 2,
  QV__PQ_LT_LIST = 3,
  QV__PQ_LT_ENUM = 4,
  QV__PQ_LT_DECIMAL = 5,
  QV__PQ_LT_DATE = 6,
  QV__PQ_LT_TIME = 7,
  QV__PQ_LT_TIMESTAMP = 8,
  QV__PQ_LT_INTEGER = 10,
  QV__PQ_LT_UNKNOWN = 11,
  QV__PQ_LT_JSON = 12,
  QV__PQ_LT_BSON = 13,
  QV__PQ_LT_UUID = 14,
  QV__PQ_LT_FLOAT16 = 15,
  QV__PQ_LT_OTHER = 1000 /* a member this reader does not know: read as storage */
};

typedef struct qv__pq_logical {
  int32_t kind;      /* qv__pq_logical_kind */
  int32_t scale;     /* DECIMAL */
  int32_t precision; /* DECIMAL */
  bool utc;          /* TIME/TIMESTAMP isAdjustedToUTC */
  int32_t unit;      /* TIME/TIMESTAMP: 1 millis, 2 micros, 3 nanos */
  int32_t bit_width; /* INTEGER */
  bool is_signed;    /* INTEGER */
} qv__pq_logical;

typedef struct qv__pq_schema_element {
  char *name;
  int32_t type;           /* physical type, -1 for a group */
  int32_t type_length;    /* FIXED_LEN_BYTE_ARRAY width, -1 when absent */
  int32_t repetition;     /* -1 for the root (absent) */
  int32_t num_children;   /* -1 when absent */
  int32_t converted_type; /* -1 when absent */
  int32_t scale, precision;
  int32_t field_id;
  bool has_field_id;
  qv__pq_logical logical;
} qv__pq_schema_element;

typedef struct qv__pq_statistics {
  bool present;
  bool has_min, has_max, has_null_count, has_distinct_count;
  bool legacy; /* min/max came from the deprecated fields 1/2 (signed order) */
  const uint8_t *min, *max;
  int32_t min_len, max_len;
  int64_t null_count, distinct_count;
} qv__pq_statistics;

typedef struct qv__pq_column_meta {
  int32_t type;
  int32_t codec;
  int32_t *encodings;
  int32_t n_encodings;
  char **path;
  int32_t path_len;
  int64_t num_values;
  int64_t total_uncompressed_size;
  int64_t total_compressed_size;
  int64_t data_page_offset;
  int64_t dictionary_page_offset; /* -1 when absent */
  qv__pq_statistics stats;
  qv_metadata *kv; /* NULL when absent */
} qv__pq_column_meta;

typedef struct qv__pq_column_chunk {
  char *file_path; /* NULL: this file */
  int64_t file_offset;
  bool has_meta;
  bool encrypted; /* crypto metadata present */
  qv__pq_column_meta meta;
} qv__pq_column_chunk;

typedef struct qv__pq_row_group {
  qv__pq_column_chunk *columns;
  int32_t n_columns;
  int64_t total_byte_size;
  int64_t num_rows;
} qv__pq_row_group;

typedef struct qv__pq_file_meta {
  int32_t version;
  qv__pq_schema_element *schema;
  int32_t n_schema;
  int64_t num_rows;
  qv__pq_row_group *row_groups;
  int32_t n_row_groups;
  qv_metadata *kv; /* NULL when absent */
  char *created_by;
  bool encrypted; /* encryption_algorithm present (plaintext footer of an encrypted file) */
} qv__pq_file_meta;

typedef struct qv__pq_page_header {
  int32_t type;
  int32_t uncompressed_size;
  int32_t compressed_size;
  bool has_crc;
  uint32_t crc;
  bool has_v1, has_v2, has_dict;
  /* DataPageHeader / DataPageHeaderV2 */
  int32_t num_values;
  int32_t encoding;
  int32_t def_encoding, rep_encoding; /* v1 */
  int32_t num_nulls, num_rows;        /* v2 */
  int32_t def_length, rep_length;     /* v2 */
  bool is_compressed;                 /* v2 (default true) */
  /* DictionaryPageHeader */
  int32_t dict_num_values;
  int32_t dict_encoding;
} qv__pq_page_header;

/* Decodes FileMetaData from footer[0, size). *out must be zeroed; free with
 * qv__pq_file_meta_free even on failure. Errors: QV_ERR_INVALID_DATA /
 * QV_ERR_TRUNCATED naming the byte offset, QV_ERR_LIMIT, QV_ERR_NO_MEMORY. */
qv_status qv__pq_file_meta_decode(const uint8_t *footer, size_t size, qv__pq_file_meta *out, qv_error *err);
void qv__pq_file_meta_free(qv__pq_file_meta *m);

/* Decodes a PageHeader from data[0, size); *header_size receives the bytes
 * it took. */
qv_status qv__pq_page_header_decode(const uint8_t *data, size_t size, qv__pq_page_header *out,
                                    size_t *header_size, qv_error *err);

#endif
