/* quiver IPC: output collected as pieces (pieces.c). Internal header.
 *
 * A pieces writer's sink (io.h, QV_IO_SINK_PIECES) appends what it is given
 * to a qv_ipc_pieces: bytes that live in the writer's own scratch (prefixes,
 * metadata, rewritten or compressed buffers, padding) are copied into the
 * object's chunks; bytes that lie inside a buffer of the arrays being
 * written are referenced where they are, and that buffer is retained, so
 * the pieces stay valid after the writer and the arrays are gone.
 */
#ifndef QV_IPC_PIECES_H
#define QV_IPC_PIECES_H

#include <stdint.h>
#include <sys/uio.h>

#include "quiver/array.h"
#include "quiver/ipc.h"

/* The buffers of some arrays, sorted by address, to find which of them
 * (if any) holds a range of bytes. Rebuilt per message, memory reused. */
typedef struct qv_buffer_index {
  struct qv_buffer_range *items;
  size_t n, cap;
} qv_buffer_index;

/* Replaces the index's contents with every buffer of arrays[0, n)
 * (children and dictionaries included). */
qv_status qv__buffer_index_build(qv_buffer_index *ix, const qv_array *const *arrays, int32_t n, qv_error *err);
void qv__buffer_index_free(qv_buffer_index *ix);

qv_status qv__pieces_new(qv_ipc_pieces **out, qv_error *err);
/* Appends iov[0, n) in order: ranges inside a buffer of `ix` (may be NULL)
 * are referenced and the buffer retained, all else is copied. */
qv_status qv__pieces_append(qv_ipc_pieces *p, const struct iovec *iov, int n, const qv_buffer_index *ix,
                            qv_error *err);

#endif
