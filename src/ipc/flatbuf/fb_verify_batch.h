/* quiver: the verifier's fast path for plain RecordBatch Messages
 * (fb_verify_batch.c). Internal header. */
#ifndef QV_IPC_FB_VERIFY_BATCH_H
#define QV_IPC_FB_VERIFY_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when buf[0, len) is a well-formed Message flatbuffer of the plain
 * RecordBatch shape (no custom_metadata, no compression, no slots newer
 * than this code): then qv__fb_verify with the Message descriptor would
 * accept it too. False says nothing: verify it the generic way. */
bool qv__fb_batch_message_plain(const uint8_t *buf, size_t len);

#endif
