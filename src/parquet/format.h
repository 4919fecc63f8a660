/* Parquet's enumerations, as numbered in parquet-format's parquet.thrift.
 *
 * Shared by the reader and the writer so the wire numbers live in one place.
 * The values are part of the file format and never change; names follow the
 * thrift definitions with a QV__PQ_ prefix. */
#ifndef QV_PARQUET_FORMAT_H
#define QV_PARQUET_FORMAT_H

/* Type (physical type of a column chunk). */
enum qv__pq_physical_type {
  QV__PQ_BOOLEAN = 0,
  QV__PQ_INT32 = 1,
  QV__PQ_INT64 = 2,
  QV__PQ_INT96 = 3,
  QV__PQ_FLOAT = 4,
  QV__PQ_DOUBLE = 5,
  QV__PQ_BYTE_ARRAY = 6,
  QV__PQ_FIXED_LEN_BYTE_ARRAY = 7,
};

/* ConvertedType (the legacy logical annotation). */
enum qv__pq_converted_type {
  QV__PQ_CT_UTF8 = 0,
  QV__PQ_CT_MAP = 1,
  QV__PQ_CT_MAP_KEY_VALUE = 2,
  QV__PQ_CT_LIST = 3,
  QV__PQ_CT_ENUM = 4,
  QV__PQ_CT_DECIMAL = 5,
  QV__PQ_CT_DATE = 6,
  QV__PQ_CT_TIME_MILLIS = 7,
  QV__PQ_CT_TIME_MICROS = 8,
  QV__PQ_CT_TIMESTAMP_MILLIS = 9,
  QV__PQ_CT_TIMESTAMP_MICROS = 10,
  QV__PQ_CT_UINT_8 = 11,
  QV__PQ_CT_UINT_16 = 12,
  QV__PQ_CT_UINT_32 = 13,
  QV__PQ_CT_UINT_64 = 14,
  QV__PQ_CT_INT_8 = 15,
  QV__PQ_CT_INT_16 = 16,
  QV__PQ_CT_INT_32 = 17,
  QV__PQ_CT_INT_64 = 18,
  QV__PQ_CT_JSON = 19,
  QV__PQ_CT_BSON = 20,
  QV__PQ_CT_INTERVAL = 21,
};

/* FieldRepetitionType. */
enum qv__pq_repetition {
  QV__PQ_REQUIRED = 0,
  QV__PQ_OPTIONAL = 1,
  QV__PQ_REPEATED = 2,
};

/* Encoding (1 was GROUP_VAR_INT, never used). */
enum qv__pq_encoding {
  QV__PQ_ENC_PLAIN = 0,
  QV__PQ_ENC_PLAIN_DICTIONARY = 2,
  QV__PQ_ENC_RLE = 3,
  QV__PQ_ENC_BIT_PACKED = 4,
  QV__PQ_ENC_DELTA_BINARY_PACKED = 5,
  QV__PQ_ENC_DELTA_LENGTH_BYTE_ARRAY = 6,
  QV__PQ_ENC_DELTA_BYTE_ARRAY = 7,
  QV__PQ_ENC_RLE_DICTIONARY = 8,
  QV__PQ_ENC_BYTE_STREAM_SPLIT = 9,
};

/* CompressionCodec. */
enum qv__pq_codec {
  QV__PQ_CODEC_UNCOMPRESSED = 0,
  QV__PQ_CODEC_SNAPPY = 1,
  QV__PQ_CODEC_GZIP = 2,
  QV__PQ_CODEC_LZO = 3,
  QV__PQ_CODEC_BROTLI = 4,
  QV__PQ_CODEC_LZ4 = 5,
  QV__PQ_CODEC_ZSTD = 6,
  QV__PQ_CODEC_LZ4_RAW = 7,
};

/* PageType. */
enum qv__pq_page_type {
  QV__PQ_PAGE_DATA = 0,
  QV__PQ_PAGE_INDEX = 1,
  QV__PQ_PAGE_DICTIONARY = 2,
  QV__PQ_PAGE_DATA_V2 = 3,
};

/* Thrift compact protocol element types (the low nibble of a field header). */
enum qv__thrift_ctype {
  QV__TC_STOP = 0,
  QV__TC_BOOL_TRUE = 1,
  QV__TC_BOOL_FALSE = 2,
  QV__TC_I8 = 3,
  QV__TC_I16 = 4,
  QV__TC_I32 = 5,
  QV__TC_I64 = 6,
  QV__TC_DOUBLE = 7,
  QV__TC_BINARY = 8,
  QV__TC_LIST = 9,
  QV__TC_SET = 10,
  QV__TC_MAP = 11,
  QV__TC_STRUCT = 12,
};

/* "PAR1": the magic at both ends of a file ("PARE" marks encrypted footers). */
#define QV__PQ_MAGIC "PAR1"
#define QV__PQ_MAGIC_ENCRYPTED "PARE"

#endif
