/* quiver shm internals: the segment object and the wire header. */
#ifndef QV_SHM_INTERNAL_H
#define QV_SHM_INTERNAL_H

#include <fcntl.h> /* F_SEAL_* */
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

void qv__shm_header_encode(uint8_t out[QV__SHM_HEADER_SIZE], int64_t size);
/* QV_ERR_INVALID_DATA naming what is wrong with the header. */
qv_status qv__shm_header_decode(const uint8_t in[QV__SHM_HEADER_SIZE], int64_t *size, qv_error *err);

#endif
