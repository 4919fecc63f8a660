/* quiver IPC: the one-call read of a stream held in memory, without the
 * pull reader's event queue (stream_buffer.c). Internal header. */
#ifndef QV_IPC_STREAM_BUFFER_H
#define QV_IPC_STREAM_BUFFER_H

#include <stdbool.h>

#include "quiver/ipc.h"

/* Reads the whole stream in buf into a table (caller owns *out) when every
 * message reads cleanly; false (nothing held, *out NULL) when the pull
 * reader must read it instead: on any error, and on what this path leaves
 * to it (see stream_buffer.c). */
bool qv__read_stream_buffer_direct(qv_buffer *buf, const qv_ipc_read_options *opts, qv_table **out);

#endif
