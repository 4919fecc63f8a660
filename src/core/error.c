/* quiver core: status names and the caller-owned qv_error slot.
 *
 * Invariants: every function here tolerates err == NULL; a message is always
 * NUL-terminated and truncated (never overflowing) at QV_ERROR_MESSAGE_MAX;
 * formatting goes through a temporary so a message may safely be built from
 * the slot's own previous text (e.g. qv_error_set(err, c, "%s", err->message)).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

const char *qv_status_name(qv_status status) {
  switch (status) {
    case QV_OK: return "QV_OK";
    case QV_ERR_INVALID_ARGUMENT: return "QV_ERR_INVALID_ARGUMENT";
    case QV_ERR_NO_MEMORY: return "QV_ERR_NO_MEMORY";
    case QV_ERR_INVALID_DATA: return "QV_ERR_INVALID_DATA";
    case QV_ERR_TYPE: return "QV_ERR_TYPE";
    case QV_ERR_OUT_OF_RANGE: return "QV_ERR_OUT_OF_RANGE";
    case QV_ERR_OVERFLOW: return "QV_ERR_OVERFLOW";
    case QV_ERR_NOT_IMPLEMENTED: return "QV_ERR_NOT_IMPLEMENTED";
    case QV_ERR_UNSUPPORTED: return "QV_ERR_UNSUPPORTED";
    case QV_ERR_TRUNCATED: return "QV_ERR_TRUNCATED";
    case QV_ERR_IO: return "QV_ERR_IO";
    case QV_ERR_LIMIT: return "QV_ERR_LIMIT";
    case QV_ERR_NOT_FOUND: return "QV_ERR_NOT_FOUND";
  }
  return "QV_ERR_UNKNOWN";
}

qv_status qv_error_setv(qv_error *err, qv_status code, const char *fmt, va_list ap) {
  if (err == NULL) return code;
  char tmp[QV_ERROR_MESSAGE_MAX];
  if (fmt == NULL) {
    tmp[0] = '\0';
  } else {
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    if (n < 0) tmp[0] = '\0';
  }
  memcpy(err->message, tmp, sizeof tmp);
  err->code = code;
  return code;
}

qv_status qv_error_set(qv_error *err, qv_status code, const char *fmt, ...) {
  if (err == NULL) return code;
  va_list ap;
  va_start(ap, fmt);
  qv_error_setv(err, code, fmt, ap);
  va_end(ap);
  return code;
}

void qv_error_prefix(qv_error *err, const char *fmt, ...) {
  if (err == NULL || fmt == NULL) return;
  char tmp[QV_ERROR_MESSAGE_MAX];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  size_t plen = strlen(tmp);
  size_t room = sizeof tmp - 1 - plen;
  size_t mlen = strnlen(err->message, sizeof err->message - 1);
  if (mlen > room) mlen = room;
  memcpy(tmp + plen, err->message, mlen);
  tmp[plen + mlen] = '\0';
  memcpy(err->message, tmp, plen + mlen + 1);
}

void qv_error_clear(qv_error *err) {
  if (err == NULL) return;
  err->code = QV_OK;
  err->message[0] = '\0';
}

/* The errnos reading and writing meet (full disks, quotas, closed pipes and
 * sockets, read-only or foreign file systems), named for messages next to
 * strerror's text, which varies by platform and locale. */
const char *qv__errno_name(int e) {
  switch (e) {
    case ENOSPC: return "ENOSPC";
#ifdef EDQUOT
    case EDQUOT: return "EDQUOT";
#endif
    case EPIPE: return "EPIPE";
    case EIO: return "EIO";
    case EFBIG: return "EFBIG";
    case EINTR: return "EINTR";
    case EAGAIN: return "EAGAIN";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case EROFS: return "EROFS";
    case EXDEV: return "EXDEV";
    case ECONNRESET: return "ECONNRESET";
    case ENOTCONN: return "ENOTCONN";
    case ENXIO: return "ENXIO";
    default: return "errno";
  }
}

qv_status qv__sticky_fail(qv__sticky *s, qv_status code, const qv_error *err) {
  if (s->code != QV_OK) return code;
  s->code = code;
  snprintf(s->message, sizeof s->message, "%s", (err != NULL && err->code == code) ? err->message : qv_status_name(code));
  return code;
}

qv_status qv__sticky_failf(qv__sticky *s, qv_error *err, qv_status code, const char *fmt, ...) {
  if (s->code == QV_OK) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->message, sizeof s->message, fmt, ap);
    va_end(ap);
    s->code = code;
  }
  return qv__sticky_report(s, "", err);
}

qv_status qv__sticky_report(const qv__sticky *s, const char *prefix, qv_error *err) {
  return qv_error_set(err, s->code, "%s%s", prefix, s->message);
}
