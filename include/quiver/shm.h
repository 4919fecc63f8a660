/* quiver shm: zero-copy sharing of tables between processes on one host.
 *
 * A producer writes a table once into a segment: the table as an Arrow IPC
 * stream in a sealed memfd (anonymous shared memory). Sending a segment
 * passes its file descriptor over a Unix domain socket (SCM_RIGHTS) next to
 * a 16-byte header, so no data byte crosses the socket; the receiver maps
 * the memfd read-only and reads the table in place. Sending costs the same
 * for a kilobyte as for a gigabyte, and a receiver's memory grows only by
 * the pages it reads.
 *
 * Before a segment is shared, its memfd is sealed against writing,
 * shrinking and growing (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW, then
 * F_SEAL_SEAL), and receivers refuse a descriptor without those seals: the
 * producer (or anyone else holding the fd) cannot change data under a
 * reader that validated it, nor truncate it to make the reader's mapping
 * fault. Received bytes are still untrusted: the table goes through the
 * same structural validation as any IPC input.
 *
 *   // producer                                // consumer
 *   qv_shm_send_table(sock, table, NULL, &e);  qv_shm_receive_table(sock, NULL, &t, &e);
 *
 * Linux only (memfd_create and file sealing); sockets are AF_UNIX of any
 * type (stream, seqpacket, datagram). Ownership: functions that return a
 * segment or table give the caller one reference; fds passed in stay the
 * caller's.
 */
#ifndef QUIVER_SHM_H
#define QUIVER_SHM_H

#include <stdint.h>

#include "quiver/ipc.h"
#include "quiver/status.h"
#include "quiver/table.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct qv_shm_segment qv_shm_segment;

/* Writes `table` as an IPC stream into a new sealed memfd (opts may be NULL:
 * defaults; compression makes readers decompress into private memory, so
 * leave it off for zero-copy). */
QV_API qv_status qv_shm_segment_create(const qv_table *table, const qv_ipc_write_options *opts,
                                       qv_shm_segment **out, qv_error *err);

/* A copy of `table` whose buffers all live in one new sealed memfd (the
 * table written into a segment and read back in place; *out: new
 * reference). Costs one copy now and saves one on every later share: the
 * Flight client and server pass bodies of such a table to grpc+unix quiver
 * peers as a descriptor and an offset, so a DoGet of it costs the same for
 * a kilobyte as for a gigabyte. The memfd lives while any of its arrays
 * does. */
QV_API qv_status qv_shm_table_share(const qv_table *table, qv_table **out, qv_error *err);

/* Adopts a received descriptor: checks that it is a regular (memfd) file
 * carrying the write, shrink and grow seals, and maps it read-only. The
 * segment keeps a duplicate of `fd`; the caller still owns `fd`. */
QV_API qv_status qv_shm_segment_from_fd(int fd, qv_shm_segment **out, qv_error *err);

/* Reads the segment's table in place: arrays reference the shared mapping,
 * which stays mapped while any of them lives (even after the segment is
 * freed). */
QV_API qv_status qv_shm_segment_read(const qv_shm_segment *segment, const qv_ipc_read_options *opts,
                                     qv_table **out, qv_error *err);

/* Sends the segment's descriptor and size over the Unix socket `sock`. The
 * segment stays usable and may be sent to any number of receivers. */
QV_API qv_status qv_shm_segment_send(int sock, const qv_shm_segment *segment, qv_error *err);

/* Receives one segment sent by qv_shm_segment_send. A peer that sends no
 * descriptor, several, a non-memfd, an unsealed memfd, a size that differs
 * from the file's, or a bad header gets QV_ERR_INVALID_DATA; a closed
 * socket QV_ERR_TRUNCATED. Descriptors that arrive with a refused message
 * are closed. */
QV_API qv_status qv_shm_receive_segment(int sock, qv_shm_segment **out, qv_error *err);

QV_API int qv_shm_segment_fd(const qv_shm_segment *segment);     /* borrowed */
QV_API int64_t qv_shm_segment_size(const qv_shm_segment *segment); /* bytes of the IPC stream */
QV_API void qv_shm_segment_free(qv_shm_segment *segment);         /* accepts NULL */

/* One-call forms: create + send (the segment is freed after sending: the
 * receiver's descriptor keeps the memory alive), and receive + read.
 * A table made by qv_shm_table_share (all of it, unchanged) is sent as the
 * memfd it already lives in, without a copy, when opts asks for nothing
 * but the defaults; anything else (a slice, some of its columns or
 * batches) is written into a new segment. */
QV_API qv_status qv_shm_send_table(int sock, const qv_table *table, const qv_ipc_write_options *opts,
                                   qv_error *err);
QV_API qv_status qv_shm_receive_table(int sock, const qv_ipc_read_options *opts, qv_table **out,
                                      qv_error *err);

#ifdef __cplusplus
}
#endif

#endif
