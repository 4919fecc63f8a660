/* quiver IPC: internal entry points of the push decoder. Internal header.
 *
 * Besides qv_ipc_decoder_feed (which copies from the caller's pointer), a
 * reader doing its own IO can ask the decoder where the next bytes belong
 * (qv__decoder_window: the prefix scratch, the metadata scratch, or straight
 * into the aligned body buffer of the message being received) and read
 * into that space directly, then qv__decoder_commit them. A pipe or socket
 * reader thereby copies each body byte exactly once, from the kernel.
 */
#ifndef QV_IPC_DECODER_H
#define QV_IPC_DECODER_H

#include <stddef.h>
#include <stdint.h>

#include "quiver/ipc.h"

/* Where the next bytes go: *dst, at most *n of them (n >= 1 unless the
 * stream has ended or failed, in which case n is 0). */
qv_status qv__decoder_window(qv_ipc_decoder *dec, uint8_t **dst, size_t *n, qv_error *err);
/* Processes n bytes just written at the window. */
qv_status qv__decoder_commit(qv_ipc_decoder *dec, size_t n, qv_error *err);
/* Feeds buf from *pos zero-copy, at most one message (in place when the
 * whole message lies in buf, else copied up to the next message boundary
 * or the end of buf); advances *pos. For lazy readers over big buffers. */
qv_status qv__decoder_step_buffer(qv_ipc_decoder *dec, qv_buffer *buf, int64_t *pos, qv_error *err);
/* Number of events waiting in the queue. */
size_t qv__decoder_pending(const qv_ipc_decoder *dec);

/* For owners that embed a decoder in their own memory (the stream reader:
 * one allocation instead of two per stream, or none for a one-call read,
 * whose reader lives on the stack): its size (at most
 * QV__DECODER_SIZE_MAX); init on qv__decoder_size() bytes aligned like a
 * pointer-sized struct, which need not be zeroed (init zeroes what it
 * uses, leaving out the 1 KiB of the sticky failure's message, written
 * before it is ever read; never fails); dispose releases what it holds
 * but not its memory. */
#define QV__DECODER_SIZE_MAX 2048
size_t qv__decoder_size(void);
qv_ipc_decoder *qv__decoder_init(void *zeroed_mem, const qv_ipc_read_options *opts);
void qv__decoder_dispose(qv_ipc_decoder *dec);

#endif
