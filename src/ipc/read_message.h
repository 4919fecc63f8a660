/* quiver IPC: what every reader shares once a message's bytes are in hand
 * (the push decoder for streams, the file reader for blocks). Internal
 * header.
 *
 * A qv_read_core holds the decoded schema, the dictionary memo and the
 * codec contexts, and turns one framed message (its verified metadata plus
 * its body as a qv_buffer) into a schema, an applied dictionary or a batch.
 */
#ifndef QV_IPC_READ_MESSAGE_H
#define QV_IPC_READ_MESSAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "ipc/compression.h"
#include "ipc/dictionary_memo.h"
#include "ipc/metadata.h"
#include "quiver/ipc.h"

typedef struct qv_read_core {
  qv_ipc_read_options opts;   /* with defaults filled in */
  bool have_schema;
  bool schema_looked_up;      /* schema holds a cached decoding of the Schema message about to be dispatched */
  qv_ipc_schema_info schema;
  qv_dict_memo memo;
  qv_codec_ctx codec;
  bool is_file;               /* files: no dictionary replacement */
  int64_t decompressed;       /* bytes decompressed so far (max_total_decompressed_size) */
  size_t batch_array_bytes;   /* arena of a batch's block: its arrays, itself, a one-batch table */
} qv_read_core;

/* Copies opts (NULL = defaults) and fills in the defaults. */
void qv__read_options_normalize(const qv_ipc_read_options *opts, qv_ipc_read_options *out);

void qv__read_core_init(qv_read_core *c, const qv_ipc_read_options *opts, bool is_file);
void qv__read_core_free(qv_read_core *c);

/* Decodes a Schema table (from a Schema message or a Footer). */
qv_status qv__read_core_set_schema(qv_read_core *c, const qv_fb_table *schema, qv_error *err);

/* Looks the first message's metadata up in the schema cache
 * (ipc/schema_cache.h) before it is verified: true when it is a Schema
 * message seen before, whose decoding is then held for
 * qv__read_core_set_schema_message (one lookup per stream, not two). */
bool qv__read_core_schema_lookup(qv_read_core *c, const uint8_t *meta, size_t len);

/* The same for a Schema message, through the schema cache (ipc/schema_cache.h):
 * a message seen before is not decoded again, a new one is remembered. */
qv_status qv__read_core_set_schema_message(qv_read_core *c, const qv_ipc_message *msg, qv_error *err);

/* Applies a DictionaryBatch message; *id and *is_delta report what it was.
 * body may be NULL when msg->body_length is 0. */
qv_status qv__read_core_dictionary(qv_read_core *c, const qv_ipc_message *msg, qv_buffer *body, int64_t *id,
                                  bool *is_delta, qv_error *err);

/* Loads a RecordBatch message into a batch (caller owns *out). */
qv_status qv__read_core_batch(qv_read_core *c, const qv_ipc_message *msg, qv_buffer *body, qv_batch **out,
                             qv_error *err);

/* Frames one message at data[0, avail): reads the prefix (continuation
 * marker + int32 length, or a legacy bare int32 length), checks the
 * metadata length against max_metadata and avail. Results: *eos when it is
 * an end-of-stream marker (*prefix_len = its size), else *prefix_len (4 or
 * 8) and *meta_len. QV_ERR_TRUNCATED when avail is too short for the prefix
 * or metadata; QV_ERR_INVALID_DATA for negative lengths; QV_ERR_LIMIT past
 * max_metadata. `where` is the message's byte offset, for messages. */
/* QV_ERR_INVALID_DATA naming the format when data[0, n) (the first bytes
 * of an input) is another known format (qv_ipc_foreign_format), else
 * QV_OK. The framing paths pass exactly the 4 bytes of the first length
 * prefix, so a stream fed byte by byte and one read from memory are judged
 * alike. */
qv_status qv__read_foreign_check(const uint8_t *data, size_t n, qv_error *err);

/* One message's framing prefix, parsed in one place for the push decoder
 * (which has it byte by byte) and the one-shot readers: either the 8-byte
 * <0xFFFFFFFF><int32 metadata length>, or the legacy 4-byte <int32 length>.
 * A length of 0 is the end-of-stream marker. */
typedef struct qv__frame {
  bool complete;      /* false: fewer bytes than the prefix needs (nothing else set) */
  bool eos;           /* the end-of-stream marker */
  int32_t prefix_len; /* 8, or 4 for the legacy framing */
  int32_t meta_len;   /* metadata bytes that follow the prefix (0 at EOS) */
} qv__frame;

/* Parses the prefix from the `have` bytes at p of the message starting at
 * byte `where` (where == 0: a foreign format is named). Errors: a negative
 * length (QV_ERR_INVALID_DATA), one above max_metadata (QV_ERR_LIMIT). */
qv_status qv__frame_parse(const uint8_t *p, int64_t have, int64_t max_metadata, int64_t where, qv__frame *f,
                          qv_error *err);

/* The same over `avail` bytes that must hold the whole prefix and metadata
 * (QV_ERR_TRUNCATED otherwise). */
qv_status qv__read_frame(const uint8_t *data, int64_t avail, int64_t max_metadata, int64_t where, bool *eos,
                         int32_t *prefix_len, int32_t *meta_len, qv_error *err);

#endif
