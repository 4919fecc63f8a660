/* quiver IPC: Arrow metadata (Message, Schema, RecordBatch, DictionaryBatch,
 * Footer) <-> quiver objects and plain C structs. Internal header.
 *
 * Decoding starts from bytes: qv__ipc_message_decode verifies the Message
 * flatbuffer (fb_verify) and checks the envelope (version, header kind, body
 * length); the header table it returns is then decoded by the function for
 * its kind. Schema decoding builds a qv_schema (every Arrow type, dictionary
 * encodings, custom metadata, extension types from field metadata); batch
 * headers decode into zero-copy views whose nodes/buffers are read with the
 * inline accessors below (the structs may sit at 4-aligned addresses, so
 * they are loaded with memcpy, never cast).
 *
 * Encoding goes through a qv_fb_builder that the caller owns and resets per
 * message (so the writer allocates nothing after warm-up); the finished
 * bytes stay owned by the builder.
 *
 * Dictionary ids: a schema's dictionary-encoded fields are numbered in
 * pre-order of the Field tree (a field before its children; the children of
 * a dictionary field are those of its value type). The decoder reports the
 * ids in that order; the encoder takes them in that order (or uses 0, 1, ...).
 */
#ifndef QV_IPC_METADATA_H
#define QV_IPC_METADATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc/flatbuf/fb_arrow.h"
#include "ipc/flatbuf/fb_builder.h"
#include "ipc/flatbuf/fb_reader.h"
#include "quiver/metadata.h"
#include "quiver/schema.h"
#include "quiver/status.h"

/* Extension types travel as these two field metadata keys. */
#define QV_IPC_EXTENSION_NAME_KEY "ARROW:extension:name"
#define QV_IPC_EXTENSION_METADATA_KEY "ARROW:extension:metadata"

/* Maximum depth of nested fields accepted when decoding or encoding. */
#define QV_IPC_MAX_FIELD_DEPTH 64

/* ------------------------------------------------------------------ */
/* Message envelope                                                     */
/* ------------------------------------------------------------------ */

typedef struct qv_ipc_message {
  int16_t version;     /* FB_METADATA_V4 or FB_METADATA_V5 */
  uint8_t type;        /* FB_HEADER_SCHEMA, _DICTIONARY_BATCH or _RECORD_BATCH */
  int64_t body_length; /* >= 0; 0 for a Schema */
  qv_fb_table message; /* the verified Message table (borrows the bytes) */
  qv_fb_table header;  /* its header table */
  size_t meta_len;     /* bytes of the Message flatbuffer, which starts at message.buf */
} qv_ipc_message;

/* Verifies and decodes the Message flatbuffer meta[0, len) (the bytes after
 * the 8-byte prefix; trailing padding allowed). Errors: QV_ERR_INVALID_DATA
 * (malformed flatbuffer, no header, negative bodyLength, a Schema with a
 * body), QV_ERR_LIMIT (verifier limits), QV_ERR_UNSUPPORTED (version before
 * V4 or after V5, Tensor/SparseTensor or an unknown header). *out borrows
 * `meta`. */
qv_status qv__ipc_message_decode(const uint8_t *meta, size_t len, qv_ipc_message *out, qv_error *err);

/* The same without running the verifier, for bytes that are byte for byte
 * a Message verified before (the schema cache says so): the
 * verifier's verdict depends on the bytes alone. */
qv_status qv__ipc_message_decode_known(const uint8_t *meta, size_t len, qv_ipc_message *out, qv_error *err);

/* Decodes a [KeyValue] slot (Message/Schema/Field custom_metadata) into a new
 * qv_metadata; *out = NULL when the slot is absent or empty. */
qv_status qv__ipc_metadata_decode(const qv_fb_table *t, unsigned slot, qv_metadata **out, qv_error *err);

/* ------------------------------------------------------------------ */
/* Schema                                                               */
/* ------------------------------------------------------------------ */

/* A dictionary-encoded field, in pre-order. */
typedef struct qv_ipc_dict_field {
  int64_t id;            /* DictionaryEncoding.id */
  const qv_field *field; /* borrowed from the schema */
  const qv_type *type;   /* the QV_TYPE_DICTIONARY type (under any extension), borrowed */
} qv_ipc_dict_field;

typedef struct qv_ipc_schema_info {
  qv_schema *schema;         /* owned */
  bool big_endian;           /* Schema.endianness == Big */
  int64_t features;          /* OR of Schema.features (FB_FEATURE_*) */
  int32_t n_dicts;
  qv_ipc_dict_field *dicts;  /* owned array of n_dicts, pre-order */
  size_t batch_arena;        /* arena bytes of one batch's structs (ipc/read_message.c), 0: not known yet */
  int32_t flat_buffers;      /* > 0: every top-level field is flat, a batch has this many Buffers (ipc/body_flat.c) */
} qv_ipc_schema_info;

/* Decodes a verified Schema table (Message header or Footer.schema).
 * Errors: QV_ERR_INVALID_DATA (missing Schema.fields or Field.type, bad type
 * parameters, wrong child counts, union codes outside 0..127, duplicate
 * dictionary ids...), QV_ERR_UNSUPPORTED (a Type tag newer than this
 * quiver), QV_ERR_LIMIT (fields nested deeper than 64), QV_ERR_NO_MEMORY.
 * Messages name the field path ("field 'a.b.c': ..."). On success the caller
 * frees *out with qv__ipc_schema_info_free. */
qv_status qv__ipc_schema_decode(const qv_fb_table *schema, qv_ipc_schema_info *out, qv_error *err);
void qv__ipc_schema_info_free(qv_ipc_schema_info *info); /* accepts a zeroed struct */

/* Number of dictionary-encoded fields of `schema` (pre-order, as above). */
int32_t qv__ipc_schema_count_dicts(const qv_schema *schema);

/* Encodes `schema` as a Schema table. dict_ids gives the id of each
 * dictionary-encoded field in pre-order (n_dict_ids of them); NULL numbers
 * them 0, 1, ... Extension types become storage types plus the two
 * ARROW:extension:* field metadata keys. Errors: QV_ERR_INVALID_ARGUMENT
 * (too few ids, nesting deeper than 64, an unencodable type), builder errors
 * (QV_ERR_NO_MEMORY, QV_ERR_LIMIT). */
qv_status qv__ipc_schema_encode(qv_fb_builder *b, const qv_schema *schema, const int64_t *dict_ids,
                               int32_t n_dict_ids, qv_fb_ref *out, qv_error *err);

/* Wraps a finished header table in a Message (version V5) and finishes the
 * buffer: *data / *len belong to the builder. custom_metadata may be NULL. */
qv_status qv__ipc_message_encode(qv_fb_builder *b, uint8_t header_type, qv_fb_ref header,
                                int64_t body_length, const qv_metadata *custom_metadata,
                                const uint8_t **data, size_t *len, qv_error *err);

/* Convenience: a complete Schema message. */
qv_status qv__ipc_schema_message_encode(qv_fb_builder *b, const qv_schema *schema,
                                       const int64_t *dict_ids, int32_t n_dict_ids,
                                       const uint8_t **data, size_t *len, qv_error *err);

/* ------------------------------------------------------------------ */
/* RecordBatch and DictionaryBatch                                      */
/* ------------------------------------------------------------------ */

typedef struct qv_ipc_field_node {
  int64_t length;
  int64_t null_count;
} qv_ipc_field_node;

typedef struct qv_ipc_buffer_loc {
  int64_t offset; /* from the start of the message body */
  int64_t length;
} qv_ipc_buffer_loc;

#define QV_IPC_NO_COMPRESSION (-1)

/* A decoded RecordBatch header: a view into the verified metadata. */
typedef struct qv_ipc_batch_header {
  int64_t length;         /* rows */
  int codec;              /* QV_IPC_NO_COMPRESSION or FB_COMPRESSION_LZ4_FRAME/ZSTD */
  uint32_t n_nodes;
  uint32_t n_buffers;
  uint32_t n_variadic;    /* variadicBufferCounts entries (0 when absent) */
  const uint8_t *nodes_;  /* private: FieldNode structs, read with qv_ipc_batch_node */
  const uint8_t *buffers_;
  const uint8_t *variadic_;
} qv_ipc_batch_header;

static inline qv_ipc_field_node qv_ipc_batch_node(const qv_ipc_batch_header *h, uint32_t i) {
  const uint8_t *p = h->nodes_ + (size_t)FB_FIELD_NODE_SIZE * i;
  qv_ipc_field_node n = {qv_fb_load_i64(p + FB_FIELD_NODE_LENGTH),
                         qv_fb_load_i64(p + FB_FIELD_NODE_NULL_COUNT)};
  return n;
}
static inline qv_ipc_buffer_loc qv_ipc_batch_buffer(const qv_ipc_batch_header *h, uint32_t i) {
  const uint8_t *p = h->buffers_ + (size_t)FB_BUFFER_SIZE * i;
  qv_ipc_buffer_loc b = {qv_fb_load_i64(p + FB_BUFFER_OFFSET), qv_fb_load_i64(p + FB_BUFFER_LENGTH)};
  return b;
}
static inline int64_t qv_ipc_batch_variadic_count(const qv_ipc_batch_header *h, uint32_t i) {
  return qv_fb_load_i64(h->variadic_ + 8u * (size_t)i);
}

/* Decodes a verified RecordBatch table and checks it against the message
 * body: nodes and buffers present; length >= 0; every node 0 <= null_count
 * <= length; every buffer offset, length >= 0 and offset + length <=
 * body_length (no overflow); variadic counts >= 0; codec LZ4_FRAME or ZSTD
 * with method BUFFER. Errors: QV_ERR_INVALID_DATA naming the node/buffer.
 * Buffer alignment and counts against the schema are the loader's job. */
qv_status qv__ipc_batch_decode(const qv_fb_table *rb, int64_t body_length, qv_ipc_batch_header *out,
                              qv_error *err);

typedef struct qv_ipc_dict_batch_header {
  int64_t id;
  bool is_delta;
  qv_ipc_batch_header data;
} qv_ipc_dict_batch_header;

/* Decodes a verified DictionaryBatch table (data required). */
qv_status qv__ipc_dict_batch_decode(const qv_fb_table *db, int64_t body_length,
                                   qv_ipc_dict_batch_header *out, qv_error *err);

/* What the encoder needs for a RecordBatch (plain arrays, borrowed). */
typedef struct qv_ipc_batch_desc {
  int64_t length;
  const qv_ipc_field_node *nodes;
  uint32_t n_nodes;
  const qv_ipc_buffer_loc *buffers;
  uint32_t n_buffers;
  const int64_t *variadic_counts; /* NULL/0: the field is omitted */
  uint32_t n_variadic;
  int codec;                      /* QV_IPC_NO_COMPRESSION or FB_COMPRESSION_* */
} qv_ipc_batch_desc;

/* A RecordBatch table (header of a RecordBatch, or DictionaryBatch.data). */
qv_status qv__ipc_batch_encode(qv_fb_builder *b, const qv_ipc_batch_desc *d, qv_fb_ref *out,
                              qv_error *err);
/* A complete RecordBatch message. */
qv_status qv__ipc_batch_message_encode(qv_fb_builder *b, const qv_ipc_batch_desc *d,
                                      int64_t body_length, const uint8_t **data, size_t *len,
                                      qv_error *err);
/* A complete DictionaryBatch message. */
qv_status qv__ipc_dict_batch_message_encode(qv_fb_builder *b, int64_t id, bool is_delta,
                                           const qv_ipc_batch_desc *d, int64_t body_length,
                                           const uint8_t **data, size_t *len, qv_error *err);

/* ------------------------------------------------------------------ */
/* File footer                                                          */
/* ------------------------------------------------------------------ */

typedef struct qv_ipc_block {
  int64_t offset;          /* of the message's 0xFFFFFFFF prefix in the file */
  int32_t metadata_length; /* prefix + flatbuffer + padding */
  int64_t body_length;
} qv_ipc_block;

typedef struct qv_ipc_footer {
  int16_t version;         /* FB_METADATA_V4/V5, or V1 when the writer left it out */
  qv_fb_table schema;      /* verified Schema table; decode with qv__ipc_schema_decode */
  uint32_t n_dictionaries;
  uint32_t n_record_batches;
  const uint8_t *dictionaries_;   /* private: Block structs */
  const uint8_t *record_batches_;
} qv_ipc_footer;

static inline qv_ipc_block qv_ipc__block_at(const uint8_t *base, uint32_t i) {
  const uint8_t *p = base + (size_t)FB_BLOCK_SIZE * i;
  qv_ipc_block b = {qv_fb_load_i64(p + FB_BLOCK_OFFSET), qv_fb_load_i32(p + FB_BLOCK_META_DATA_LENGTH),
                    qv_fb_load_i64(p + FB_BLOCK_BODY_LENGTH)};
  return b;
}
static inline qv_ipc_block qv_ipc_footer_dictionary(const qv_ipc_footer *f, uint32_t i) {
  return qv_ipc__block_at(f->dictionaries_, i);
}
static inline qv_ipc_block qv_ipc_footer_record_batch(const qv_ipc_footer *f, uint32_t i) {
  return qv_ipc__block_at(f->record_batches_, i);
}

/* Verifies and decodes a Footer flatbuffer: version V4/V5 (or absent), schema present,
 * every block with offset >= 0, metadata_length > 0 and a multiple of 8,
 * body_length >= 0 (bounds against the file are the reader's job).
 * *out borrows `buf`. */
qv_status qv__ipc_footer_decode(const uint8_t *buf, size_t len, qv_ipc_footer *out, qv_error *err);

/* Encodes a complete Footer (version V5). */
qv_status qv__ipc_footer_encode(qv_fb_builder *b, const qv_schema *schema, const int64_t *dict_ids,
                               int32_t n_dict_ids, const qv_ipc_block *dictionaries,
                               uint32_t n_dictionaries, const qv_ipc_block *record_batches,
                               uint32_t n_record_batches, const uint8_t **data, size_t *len,
                               qv_error *err);

#endif
