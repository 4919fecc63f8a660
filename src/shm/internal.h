/* quiver shm internals: the segment object and the wire header. */
#ifndef QV_SHM_INTERNAL_H
#define QV_SHM_INTERNAL_H

#include <fcntl.h> /* F_SEAL_* */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quiver/memory.h"
#include "quiver/shm.h"

/* What travels beside the descriptor: "QVSHM" NUL, a little-endian u16
 * version, and the little-endian i64 size of the IPC stream in the memfd
 * (checked against the file's size, so a mix-up of descriptors is caught
 * before mapping). */
#define QV__SHM_HEADER_SIZE 16
#define QV__SHM_MAGIC "QVSHM"
#define QV__SHM_VERSION 1

/* The seals a shared segment must carry before a reader trusts it. */
#define QV__SHM_REQUIRED_SEALS (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW)

struct qv_shm_segment {
  int fd;            /* owned: the sealed memfd */
  int64_t size;      /* bytes of the IPC stream (the file's size) */
  qv_buffer *mapping; /* read-only mapping of the whole memfd; arrays retain views of it */
};

/* Checks that `fd` is a memfd with the required seals (and, when
 * expected_size >= 0, of that size), maps it and wraps it in a segment that
 * owns `fd`. On failure `fd` is closed. */
qv_status qv__shm_segment_take_fd(int fd, int64_t expected_size, qv_shm_segment **out, qv_error *err);

/* A new memfd holding the bytes of iov[0, n) (total bytes in all), sealed
 * like a segment's; *fd_out is the caller's to close. For senders that
 * never read what they share (no mapping is made). */
struct iovec;
qv_status qv__shm_memfd_from_iov(const struct iovec *iov, size_t n, int64_t total, int *fd_out, qv_error *err);
/* Sends `fd` (a sealed memfd of `size` bytes) the way qv_shm_segment_send
 * does; qv_shm_receive_segment receives it. */
qv_status qv__shm_send_fd(int sock, int fd, int64_t size, qv_error *err);

/* Sends n bytes with `fd` attached as SCM_RIGHTS (fd < 0: none). */
qv_status qv__shm_send_msg(int sock, const uint8_t *bytes, size_t n, int fd, qv_error *err);
/* Receives exactly n bytes; *fd_out is the one descriptor that came with
 * them, or -1. More than one descriptor is QV_ERR_INVALID_DATA (all are
 * closed); a closed socket QV_ERR_TRUNCATED. */
qv_status qv__shm_recv_msg(int sock, uint8_t *bytes, size_t n, int *fd_out, qv_error *err);

/* ---- registry.c: shared regions made in this process ---- */

typedef struct qv__shm_region {
  const uint8_t *base; /* the read-only mapping of the whole memfd */
  int64_t size;
  int fd;              /* the memfd (borrowed: see qv__shm_registry_find) */
  uint64_t id;         /* unique in this process, never reused */
} qv__shm_region;

/* Registers a mapping of sealed memfd `fd`; *id receives its id. */
qv_status qv__shm_registry_add(const uint8_t *base, int64_t size, int fd, uint64_t *id, qv_error *err);
void qv__shm_registry_remove(uint64_t id);
/* The registered region holding [p, p + n), if any. The caller must hold a
 * reference to memory inside it (that keeps the region and its fd alive). */
bool qv__shm_registry_find(const void *p, size_t n, qv__shm_region *out);

/* ---- shared_table.c ---- */

/* True when `table` is exactly the stream held by one registered region
 * (a table made by qv_shm_table_share, or one rebuilt from all of its
 * batches and arrays unchanged); *out then names that region. The caller
 * holds `table`, which keeps the region alive. */
struct qv_table;
bool qv__shm_table_region(const struct qv_table *table, qv__shm_region *out);

void qv__shm_header_encode(uint8_t out[QV__SHM_HEADER_SIZE], int64_t size);
/* QV_ERR_INVALID_DATA naming what is wrong with the header. */
qv_status qv__shm_header_decode(const uint8_t in[QV__SHM_HEADER_SIZE], int64_t *size, qv_error *err);

#endif
