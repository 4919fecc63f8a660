/* quiver: Arrow's IPC metadata schema (Schema.fbs, Message.fbs, File.fbs) as
 * FlatBuffers slot numbers, enum values and verifier descriptors.
 *
 * Slot numbers are the field's position among the table's fields in the .fbs
 * (FlatBuffers stores slot i at vtable offset 4 + 2*i); a union field takes
 * two slots, its `_type` tag first, then the value. Values were checked
 * against apache/arrow format/{Schema,Message,File}.fbs (format version 1.5: Decimal bitWidth
 * 32/64/128/256, the view types, variadicBufferCounts). Read a slot only with
 * the accessor that matches the kind fb_arrow.c declares for it.
 */
#ifndef QV_IPC_FLATBUF_FB_ARROW_H
#define QV_IPC_FLATBUF_FB_ARROW_H

#include "ipc/flatbuf/fb_reader.h"
#include "ipc/flatbuf/fb_verify.h"
#include "quiver/status.h"

/* ---- Message.fbs ---- */
enum {
  FB_MESSAGE_VERSION = 0,         /* short MetadataVersion */
  FB_MESSAGE_HEADER_TYPE = 1,     /* ubyte MessageHeader tag */
  FB_MESSAGE_HEADER = 2,          /* MessageHeader value */
  FB_MESSAGE_BODY_LENGTH = 3,     /* long */
  FB_MESSAGE_CUSTOM_METADATA = 4  /* [KeyValue] */
};

/* union MessageHeader */
enum {
  FB_HEADER_NONE = 0,
  FB_HEADER_SCHEMA = 1,
  FB_HEADER_DICTIONARY_BATCH = 2,
  FB_HEADER_RECORD_BATCH = 3,
  FB_HEADER_TENSOR = 4,
  FB_HEADER_SPARSE_TENSOR = 5
};

enum {
  FB_RECORD_BATCH_LENGTH = 0,                 /* long */
  FB_RECORD_BATCH_NODES = 1,                  /* [FieldNode] */
  FB_RECORD_BATCH_BUFFERS = 2,                /* [Buffer] */
  FB_RECORD_BATCH_COMPRESSION = 3,            /* BodyCompression */
  FB_RECORD_BATCH_VARIADIC_BUFFER_COUNTS = 4  /* [long] */
};

/* struct FieldNode { length: long; null_count: long; } */
enum { FB_FIELD_NODE_SIZE = 16, FB_FIELD_NODE_LENGTH = 0, FB_FIELD_NODE_NULL_COUNT = 8 };
/* struct Buffer { offset: long; length: long; } */
enum { FB_BUFFER_SIZE = 16, FB_BUFFER_OFFSET = 0, FB_BUFFER_LENGTH = 8 };

enum {
  FB_BODY_COMPRESSION_CODEC = 0, /* byte CompressionType, default LZ4_FRAME */
  FB_BODY_COMPRESSION_METHOD = 1 /* byte BodyCompressionMethod, default BUFFER */
};
enum { FB_COMPRESSION_LZ4_FRAME = 0, FB_COMPRESSION_ZSTD = 1 };
enum { FB_COMPRESSION_METHOD_BUFFER = 0 };

enum {
  FB_DICTIONARY_BATCH_ID = 0,       /* long */
  FB_DICTIONARY_BATCH_DATA = 1,     /* RecordBatch */
  FB_DICTIONARY_BATCH_IS_DELTA = 2  /* bool, default false */
};

/* ---- Schema.fbs ---- */
enum { FB_METADATA_V1 = 0, FB_METADATA_V2 = 1, FB_METADATA_V3 = 2, FB_METADATA_V4 = 3, FB_METADATA_V5 = 4 };

enum {
  FB_SCHEMA_ENDIANNESS = 0,      /* short Endianness, default Little */
  FB_SCHEMA_FIELDS = 1,          /* [Field] */
  FB_SCHEMA_CUSTOM_METADATA = 2, /* [KeyValue] */
  FB_SCHEMA_FEATURES = 3         /* [Feature] (long) */
};
enum { FB_ENDIANNESS_LITTLE = 0, FB_ENDIANNESS_BIG = 1 };
enum { FB_FEATURE_UNUSED = 0, FB_FEATURE_DICTIONARY_REPLACEMENT = 1, FB_FEATURE_COMPRESSED_BODY = 2 };

enum {
  FB_FIELD_NAME = 0,           /* string */
  FB_FIELD_NULLABLE = 1,       /* bool */
  FB_FIELD_TYPE_TYPE = 2,      /* ubyte Type tag */
  FB_FIELD_TYPE = 3,           /* Type value */
  FB_FIELD_DICTIONARY = 4,     /* DictionaryEncoding */
  FB_FIELD_CHILDREN = 5,       /* [Field] */
  FB_FIELD_CUSTOM_METADATA = 6 /* [KeyValue] */
};

enum { FB_KEY_VALUE_KEY = 0, FB_KEY_VALUE_VALUE = 1 }; /* strings */

enum {
  FB_DICTIONARY_ENCODING_ID = 0,         /* long */
  FB_DICTIONARY_ENCODING_INDEX_TYPE = 1, /* Int; absent => signed int32 */
  FB_DICTIONARY_ENCODING_IS_ORDERED = 2, /* bool */
  FB_DICTIONARY_ENCODING_KIND = 3        /* short DictionaryKind */
};
enum { FB_DICTIONARY_KIND_DENSE_ARRAY = 0 };

/* union Type */
enum {
  FB_TYPE_NONE = 0,
  FB_TYPE_NULL = 1,
  FB_TYPE_INT = 2,
  FB_TYPE_FLOATING_POINT = 3,
  FB_TYPE_BINARY = 4,
  FB_TYPE_UTF8 = 5,
  FB_TYPE_BOOL = 6,
  FB_TYPE_DECIMAL = 7,
  FB_TYPE_DATE = 8,
  FB_TYPE_TIME = 9,
  FB_TYPE_TIMESTAMP = 10,
  FB_TYPE_INTERVAL = 11,
  FB_TYPE_LIST = 12,
  FB_TYPE_STRUCT = 13, /* Struct_ */
  FB_TYPE_UNION = 14,
  FB_TYPE_FIXED_SIZE_BINARY = 15,
  FB_TYPE_FIXED_SIZE_LIST = 16,
  FB_TYPE_MAP = 17,
  FB_TYPE_DURATION = 18,
  FB_TYPE_LARGE_BINARY = 19,
  FB_TYPE_LARGE_UTF8 = 20,
  FB_TYPE_LARGE_LIST = 21,
  FB_TYPE_RUN_END_ENCODED = 22,
  FB_TYPE_BINARY_VIEW = 23,
  FB_TYPE_UTF8_VIEW = 24,
  FB_TYPE_LIST_VIEW = 25,
  FB_TYPE_LARGE_LIST_VIEW = 26,
  FB_TYPE_COUNT = 27 /* one past the last known tag */
};

/* Type member tables with fields (the others are empty tables). */
enum { FB_INT_BIT_WIDTH = 0, FB_INT_IS_SIGNED = 1 };           /* int, bool */
enum { FB_FLOATING_POINT_PRECISION = 0 };                       /* short Precision */
enum { FB_PRECISION_HALF = 0, FB_PRECISION_SINGLE = 1, FB_PRECISION_DOUBLE = 2 };
enum { FB_DECIMAL_PRECISION = 0, FB_DECIMAL_SCALE = 1, FB_DECIMAL_BIT_WIDTH = 2 }; /* ints */
enum { FB_DECIMAL_DEFAULT_BIT_WIDTH = 128 };
enum { FB_DATE_UNIT = 0 };                                      /* short DateUnit, default MILLISECOND */
enum { FB_DATE_UNIT_DAY = 0, FB_DATE_UNIT_MILLISECOND = 1 };
enum { FB_TIME_UNIT = 0, FB_TIME_BIT_WIDTH = 1 };               /* short TimeUnit (default ms), int (default 32) */
enum { FB_TIME_DEFAULT_BIT_WIDTH = 32 };
enum { FB_TIMEUNIT_SECOND = 0, FB_TIMEUNIT_MILLISECOND = 1, FB_TIMEUNIT_MICROSECOND = 2, FB_TIMEUNIT_NANOSECOND = 3 };
enum { FB_TIMESTAMP_UNIT = 0, FB_TIMESTAMP_TIMEZONE = 1 };      /* short TimeUnit (default SECOND), string */
enum { FB_INTERVAL_UNIT = 0 };                                  /* short IntervalUnit */
enum { FB_INTERVAL_YEAR_MONTH = 0, FB_INTERVAL_DAY_TIME = 1, FB_INTERVAL_MONTH_DAY_NANO = 2 };
enum { FB_DURATION_UNIT = 0 };                                  /* short TimeUnit, default MILLISECOND */
enum { FB_FIXED_SIZE_BINARY_BYTE_WIDTH = 0 };                   /* int */
enum { FB_FIXED_SIZE_LIST_LIST_SIZE = 0 };                      /* int */
enum { FB_MAP_KEYS_SORTED = 0 };                                /* bool */
enum { FB_UNION_MODE = 0, FB_UNION_TYPE_IDS = 1 };              /* short UnionMode, [int] */
enum { FB_UNION_MODE_SPARSE = 0, FB_UNION_MODE_DENSE = 1 };

/* ---- File.fbs ---- */
enum {
  FB_FOOTER_VERSION = 0,        /* short MetadataVersion */
  FB_FOOTER_SCHEMA = 1,         /* Schema */
  FB_FOOTER_DICTIONARIES = 2,   /* [Block] */
  FB_FOOTER_RECORD_BATCHES = 3  /* [Block] */
};
/* struct Block { offset: long; metaDataLength: int; (4 pad) bodyLength: long; } */
enum { FB_BLOCK_SIZE = 24, FB_BLOCK_OFFSET = 0, FB_BLOCK_META_DATA_LENGTH = 8, FB_BLOCK_BODY_LENGTH = 16 };

/* Verifier descriptors for the two root types (and Schema, for tests). */
extern const qv_fb_table_desc qv__fb_desc_message;
extern const qv_fb_table_desc qv__fb_desc_footer;
extern const qv_fb_table_desc qv__fb_desc_schema;

/* Verifies an IPC Message flatbuffer (the bytes after the 8-byte prefix,
 * padding included) with the default table-visit limit and a depth limit of
 * 68 tables (room for 64 nested Field levels, see fb_arrow.c); *root
 * (optional) gets the Message. */
qv_status qv__fb_verify_message(const uint8_t *buf, size_t len, qv_fb_table *root, qv_error *err);

/* Verifies a file Footer flatbuffer with the same limits. */
qv_status qv__fb_verify_footer(const uint8_t *buf, size_t len, qv_fb_table *root, qv_error *err);

/* Names for messages: "Int", "Struct_", ...; "unknown" past the known tags. */
const char *qv__fb_type_name(uint8_t tag);
const char *qv__fb_header_name(uint8_t tag);

#endif
