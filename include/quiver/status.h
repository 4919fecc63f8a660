/* quiver: status codes and error messages.
 *
 * Every fallible quiver function returns a qv_status (QV_OK == 0) and takes
 * an optional `qv_error *` (may be NULL) that receives a message a user can
 * act on: what failed and where (field path, row, byte offset, expected vs
 * found). The library never aborts, exits or prints on bad data.
 */
#ifndef QUIVER_STATUS_H
#define QUIVER_STATUS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Exported symbol marker: only qv_ symbols are visible from the shared
 * library (everything else is built with hidden visibility). */
#if defined(_WIN32)
#define QV_API
#else
#define QV_API __attribute__((visibility("default")))
#endif

#if defined(__GNUC__) || defined(__clang__)
#define QV_LIKELY(x) __builtin_expect(!!(x), 1)
#define QV_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define QV_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define QV_LIKELY(x) (x)
#define QV_UNLIKELY(x) (x)
#define QV_PRINTF(f, a)
#endif

typedef enum qv_status {
  QV_OK = 0,
  QV_ERR_INVALID_ARGUMENT = 1, /* API misuse: bad parameter, wrong type for call */
  QV_ERR_NO_MEMORY = 2,        /* an allocation failed */
  QV_ERR_INVALID_DATA = 3,     /* data breaks the Arrow spec (validation, corrupt bytes) */
  QV_ERR_TYPE = 4,             /* type mismatch (e.g. append int32 to a utf8 builder) */
  QV_ERR_OUT_OF_RANGE = 5,     /* index or offset outside the valid range */
  QV_ERR_OVERFLOW = 6,         /* arithmetic overflow (sizes, offsets) */
  QV_ERR_NOT_IMPLEMENTED = 7,  /* valid request that quiver does not support yet */
  QV_ERR_UNSUPPORTED = 8,      /* input uses a feature/version quiver rejects (e.g. MetadataVersion V6) */
  QV_ERR_TRUNCATED = 9,        /* input ended inside a message/structure */
  QV_ERR_IO = 10,              /* an OS-level IO error; message carries errno text */
  QV_ERR_LIMIT = 11,           /* an explicit limit was exceeded (nesting, metadata size, decompressed size) */
  QV_ERR_NOT_FOUND = 12        /* a named thing (column, key) does not exist */
} qv_status;

#define QV_ERROR_MESSAGE_MAX 1024

/* Caller-owned error slot. Stack-allocate it; `code` mirrors the status the
 * failing function returned, `message` is NUL-terminated. */
typedef struct qv_error {
  qv_status code;
  char message[QV_ERROR_MESSAGE_MAX];
} qv_error;

/* Stable short name of a status ("QV_ERR_INVALID_DATA"). Never NULL. */
QV_API const char *qv_status_name(qv_status status);

/* Sets code and formats message into `err` (when err != NULL). Returns `code`
 * so call sites can write `return qv_error_set(err, QV_ERR_..., "...")`. */
QV_API qv_status qv_error_set(qv_error *err, qv_status code, const char *fmt, ...) QV_PRINTF(3, 4);
QV_API qv_status qv_error_setv(qv_error *err, qv_status code, const char *fmt, va_list ap);

/* Prepends context ("column 'a': ") to an already-set message, keeping the
 * code. Used while unwinding nested structures. No-op when err == NULL. */
QV_API void qv_error_prefix(qv_error *err, const char *fmt, ...) QV_PRINTF(2, 3);

/* Clears an error slot (code QV_OK, empty message). */
QV_API void qv_error_clear(qv_error *err);

/* Propagate a failing status in one line. */
#define QV_RETURN_IF_ERROR(expr)             \
  do {                                       \
    qv_status qv__st = (expr);               \
    if (QV_UNLIKELY(qv__st != QV_OK)) return qv__st; \
  } while (0)

#ifdef __cplusplus
}
#endif
#endif
