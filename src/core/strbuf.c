/* quiver core: qv_strbuf, the string builder behind every *_to_string.
 *
 * Invariants: `len` is always the length of the full text appended so far
 * (even when a fixed buffer truncated it, or after OOM in growable mode);
 * `data` (when non-NULL and cap > 0) is NUL-terminated after every call and
 * holds min(len, cap - 1) bytes of the text. Growth is geometric.
 */
#include <stdio.h>

#include "core/internal.h"

char *qv__strndup(const char *s, size_t n) {
  char *p = (char *)malloc(n + 1);
  if (p == NULL) return NULL;
  if (n) memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *qv__strdup(const char *s) { return qv__strndup(s ? s : "", s ? strlen(s) : 0); }

void qv__strbuf_init(qv_strbuf *sb) {
  sb->data = NULL;
  sb->len = 0;
  sb->cap = 0;
  sb->fixed = false;
  sb->oom = false;
}

void qv__strbuf_init_fixed(qv_strbuf *sb, char *buf, size_t cap) {
  sb->data = buf;
  sb->len = 0;
  sb->cap = buf ? cap : 0;
  sb->fixed = true;
  sb->oom = false;
  if (sb->cap > 0) buf[0] = '\0';
}

/* Makes room for `need` more bytes plus NUL; false when it cannot. */
static bool strbuf_grow(qv_strbuf *sb, size_t need) {
  if (sb->fixed || sb->oom) return false;
  if (sb->len + need + 1 <= sb->cap) return true;
  size_t cap = sb->cap ? sb->cap : 64;
  while (cap < sb->len + need + 1) {
    if (cap > SIZE_MAX / 2) {
      sb->oom = true;
      return false;
    }
    cap *= 2;
  }
  char *p = (char *)realloc(sb->data, cap);
  if (p == NULL) {
    sb->oom = true;
    return false;
  }
  sb->data = p;
  sb->cap = cap;
  return true;
}

bool qv__strbuf_reserve(qv_strbuf *sb, size_t n) {
  if (n > SIZE_MAX / 4) {
    if (!sb->fixed) sb->oom = true;
    return false;
  }
  return strbuf_grow(sb, n);
}

void qv__strbuf_append_n_slow(qv_strbuf *sb, const char *s, size_t n) {
  if (n == 0) return;
  if (sb->fixed) {
    if (sb->len + 1 < sb->cap) {
      size_t room = sb->cap - 1 - sb->len;
      size_t k = n < room ? n : room;
      memcpy(sb->data + sb->len, s, k);
      sb->data[sb->len + k] = '\0';
    }
    sb->len += n;
    return;
  }
  if (!strbuf_grow(sb, n)) {
    sb->len += n;
    return;
  }
  memcpy(sb->data + sb->len, s, n);
  sb->len += n;
  sb->data[sb->len] = '\0';
}

void qv__strbuf_append(qv_strbuf *sb, const char *s) {
  if (s) qv__strbuf_append_n(sb, s, strlen(s));
}


void qv__strbuf_append_repeat(qv_strbuf *sb, char c, size_t n) {
  char chunk[64];
  memset(chunk, c, sizeof chunk);
  while (n > 0) {
    size_t k = n < sizeof chunk ? n : sizeof chunk;
    qv__strbuf_append_n(sb, chunk, k);
    n -= k;
  }
}

void qv__strbuf_appendv(qv_strbuf *sb, const char *fmt, va_list ap) {
  char small[256];
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(small, sizeof small, fmt, ap2);
  va_end(ap2);
  if (n < 0) return;
  if ((size_t)n < sizeof small) {
    qv__strbuf_append_n(sb, small, (size_t)n);
    return;
  }
  char *big = (char *)malloc((size_t)n + 1);
  if (big == NULL) {
    if (!sb->fixed) sb->oom = true;
    sb->len += (size_t)n;
    return;
  }
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  qv__strbuf_append_n(sb, big, (size_t)n);
  free(big);
}

void qv__strbuf_appendf(qv_strbuf *sb, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  qv__strbuf_appendv(sb, fmt, ap);
  va_end(ap);
}

void qv__strbuf_truncate(qv_strbuf *sb, size_t len) {
  if (len >= sb->len) return;
  sb->len = len;
  if (sb->data && sb->cap > 0) sb->data[len < sb->cap ? len : sb->cap - 1] = '\0';
}

const char *qv__strbuf_cstr(const qv_strbuf *sb) { return (sb->data && sb->cap > 0) ? sb->data : ""; }

qv_status qv__strbuf_status(const qv_strbuf *sb, qv_error *err) {
  if (sb->oom)
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory while building a %zu-byte string", sb->len);
  return QV_OK;
}

char *qv__strbuf_take(qv_strbuf *sb) {
  char *p = NULL;
  if (!sb->fixed && !sb->oom) {
    p = sb->data ? sb->data : qv__strdup("");
    sb->data = NULL;
  }
  qv__strbuf_free(sb);
  return p;
}

void qv__strbuf_free(qv_strbuf *sb) {
  if (!sb->fixed) free(sb->data);
  qv__strbuf_init(sb);
}
