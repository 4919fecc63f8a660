/* quiver core: internal helpers shared by every module (not installed).
 *
 * What lives here:
 *   - error-propagation macros for the "single cleanup exit" style;
 *   - checked int64 arithmetic (sizes and offsets never wrap silently);
 *   - qv__malloc/qv__calloc/qv__realloc/qv__free for small bookkeeping
 *     structs (buffers' *data* goes through a qv_allocator instead);
 *   - qv_strbuf, a string builder that either grows on the heap or writes
 *     into a caller's fixed buffer with snprintf semantics (used by the
 *     *_to_string functions and the array printer);
 *   - appenders for types/fields/metadata into a qv_strbuf, so other modules
 *     can embed "list<item: int32>" in their own messages;
 *   - static buffer initialisation (for constant buffers that need no
 *     refcounting).
 *
 * Include as `#include "core/internal.h"` (include root is src/).
 */
#ifndef QUIVER_CORE_INTERNAL_H
#define QUIVER_CORE_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quiver/array.h"
#include "quiver/batch.h"
#include "quiver/bitmap.h"
#include "quiver/field.h"
#include "quiver/memory.h"
#include "quiver/metadata.h"
#include "quiver/schema.h"
#include "quiver/status.h"
#include "quiver/type.h"
#include "core/layout.h"

/* ------------------------------------------------------------------------
 * Error propagation in the single-cleanup-exit style.
 *
 *   qv_status st = QV_OK;
 *   char *tmp = malloc(n);
 *   QV_CHECK_ALLOC_GOTO(tmp, st, err, cleanup);
 *   QV_GOTO_IF_ERROR(st, qv_buffer_allocate(NULL, n, false, &buf, err), cleanup);
 * cleanup:
 *   free(tmp);
 *   return st;
 * ------------------------------------------------------------------------ */

/* If `ptr` is NULL: return QV_ERR_NO_MEMORY (message names the call site).
 * For functions that hold nothing yet. */
#define QV_CHECK_ALLOC(ptr, err)                                                        \
  do {                                                                                  \
    if (QV_UNLIKELY((ptr) == NULL))                                                     \
      return qv_error_set((err), QV_ERR_NO_MEMORY, "out of memory (%s:%d)", __FILE__,   \
                          __LINE__);                                                    \
  } while (0)

/* If `ptr` is NULL: st = QV_ERR_NO_MEMORY (message set) and goto label. */
#define QV_CHECK_ALLOC_GOTO(ptr, st, err, label)                                        \
  do {                                                                                  \
    if (QV_UNLIKELY((ptr) == NULL)) {                                                   \
      (st) = qv_error_set((err), QV_ERR_NO_MEMORY, "out of memory (%s:%d)", __FILE__,   \
                          __LINE__);                                                    \
      goto label;                                                                       \
    }                                                                                   \
  } while (0)

/* st = expr; on failure goto label (the callee already filled err). */
#define QV_GOTO_IF_ERROR(st, expr, label)          \
  do {                                             \
    (st) = (expr);                                 \
    if (QV_UNLIKELY((st) != QV_OK)) goto label;    \
  } while (0)

/* st = qv_error_set(err, code, fmt...); goto label. */
#define QV_FAIL_GOTO(st, label, err, code, ...)     \
  do {                                              \
    (st) = qv_error_set((err), (code), __VA_ARGS__); \
    goto label;                                     \
  } while (0)

/* ------------------------------------------------------------------------
 * Checked arithmetic. Each returns true when the result OVERFLOWED (the
 * value in *out is then unspecified), like __builtin_*_overflow.
 * ------------------------------------------------------------------------ */
static inline bool qv__add_overflow_i64(int64_t a, int64_t b, int64_t *out) {
  return __builtin_add_overflow(a, b, out);
}
static inline bool qv__sub_overflow_i64(int64_t a, int64_t b, int64_t *out) {
  return __builtin_sub_overflow(a, b, out);
}
static inline bool qv__mul_overflow_i64(int64_t a, int64_t b, int64_t *out) {
  return __builtin_mul_overflow(a, b, out);
}

/* Bookkeeping allocations (structs, pointer arrays, names). Thin wrappers so
 * tests can reason about them and so a future hook has one place to go. */
static inline void *qv__malloc(size_t n) { return malloc(n ? n : 1); }
static inline void *qv__calloc(size_t count, size_t size) {
  return calloc(count ? count : 1, size ? size : 1);
}
static inline void *qv__realloc(void *p, size_t n) { return realloc(p, n ? n : 1); }
static inline void qv__free(void *p) { free(p); }

/* malloc'd copy of `n` bytes of `s` plus a NUL terminator; NULL on OOM.
 * s may be NULL when n == 0. */
char *qv__strndup(const char *s, size_t n);
/* malloc'd copy of a NUL-terminated string (NULL -> ""); NULL on OOM. */
char *qv__strdup(const char *s);

/* ------------------------------------------------------------------------
 * qv_strbuf: a string builder.
 *
 * Two modes:
 *   - growable: qv__strbuf_init(&sb); ... qv__strbuf_free(&sb). On allocation
 *     failure `oom` is set, later appends are ignored; check with
 *     qv__strbuf_status() before using the text.
 *   - fixed: qv__strbuf_init_fixed(&sb, buf, cap) writes into a caller buffer
 *     and truncates (always NUL-terminated when cap > 0). `len` keeps
 *     counting the full length, which is exactly the snprintf return value.
 *     qv__strbuf_free() is a no-op in fixed mode.
 *
 * In both modes `data` is NUL-terminated after every append (when cap > 0)
 * and `len` is the length of the full, untruncated text.
 * ------------------------------------------------------------------------ */
typedef struct qv_strbuf {
  char *data;  /* text (NUL-terminated); NULL for a fresh growable buffer */
  size_t len;  /* length of the full text appended so far */
  size_t cap;  /* bytes available at data */
  bool fixed;  /* data belongs to the caller and never grows */
  bool oom;    /* growable mode: an allocation failed, text is incomplete */
} qv_strbuf;

void qv__strbuf_init(qv_strbuf *sb);
void qv__strbuf_init_fixed(qv_strbuf *sb, char *buf, size_t cap);
/* Appends (the out-of-line path: growing, fixed buffers, failures). */
void qv__strbuf_append_n_slow(qv_strbuf *sb, const char *s, size_t n);
/* Writers append millions of short pieces: the common case (a growable
 * buffer with room) stays inline. */
static inline void qv__strbuf_append_n(qv_strbuf *sb, const char *s, size_t n) {
  /* room for the text and the NUL (after a failed growth len may pass cap:
   * that case, like fixed buffers, takes the slow path) */
  if (!sb->fixed && !sb->oom && sb->data != NULL && sb->len < sb->cap && n < sb->cap - sb->len) {
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
    return;
  }
  qv__strbuf_append_n_slow(sb, s, n);
}
static inline void qv__strbuf_appendc(qv_strbuf *sb, char c) { qv__strbuf_append_n(sb, &c, 1); }
void qv__strbuf_append(qv_strbuf *sb, const char *s); /* s NULL -> nothing */
void qv__strbuf_appendf(qv_strbuf *sb, const char *fmt, ...) QV_PRINTF(2, 3);
void qv__strbuf_appendv(qv_strbuf *sb, const char *fmt, va_list ap);
/* Appends `n` copies of `c` (indentation). */
void qv__strbuf_append_repeat(qv_strbuf *sb, char c, size_t n);
/* Growable mode: makes room for `n` more bytes and a NUL after sb->len, so
 * a writer can fill data + len directly and then advance len itself (and
 * write the NUL). false (and `oom` set) when it cannot; always false for
 * fixed buffers. */
bool qv__strbuf_reserve(qv_strbuf *sb, size_t n);
/* Drops everything after the first `len` bytes (len <= sb->len). */
void qv__strbuf_truncate(qv_strbuf *sb, size_t len);
/* The text so far, never NULL ("" when empty). */
const char *qv__strbuf_cstr(const qv_strbuf *sb);
/* QV_OK, or QV_ERR_NO_MEMORY (message set) if an append failed. */
qv_status qv__strbuf_status(const qv_strbuf *sb, qv_error *err);
/* Growable mode: hands the malloc'd text to the caller (free() it) and
 * resets sb. Returns NULL after OOM (sb is freed either way). */
char *qv__strbuf_take(qv_strbuf *sb);
void qv__strbuf_free(qv_strbuf *sb);

/* Appends pyarrow-style text for a type / "name: type[ not null]" for a
 * field, as qv_type_format / qv_field_format produce. */
void qv__type_append(qv_strbuf *sb, const qv_type *type);
void qv__field_append(qv_strbuf *sb, const qv_field *field);
/* Appends metadata pairs as pyarrow prints them ("key: 'value'" lines,
 * values truncated like pyarrow), each line preceded by "\n" + indent. */
void qv__metadata_append(qv_strbuf *sb, const qv_metadata *md, int indent);

/* ------------------------------------------------------------------------
 * Buffers.
 * ------------------------------------------------------------------------ */
enum {
  QV__BUFFER_OWNED = 0,   /* data from allocator_, freed at last release */
  QV__BUFFER_FOREIGN = 1, /* wrapped memory, release_ called at last release */
  QV__BUFFER_VIEW = 2,    /* points into parent_ (retained) */
  QV__BUFFER_STATIC = 3   /* constant memory; refcount_ < 0, never freed */
};

/* Initialises a caller-provided qv_buffer (usually `static`) over constant
 * memory: retain/release are no-ops on it. */
void qv__buffer_init_static(qv_buffer *buf, const void *data, int64_t size);

/* Initialises a caller-provided view of parent[offset, offset + size) that
 * holds NO reference to anything: for a message body that lives only
 * during one call of a reader (a heap view would cost an allocation per
 * message). What keeps the bytes beyond the call takes its own reference
 * to the parent's root (qv_buffer_view and view blocks do, as for any
 * view); the borrowed struct itself may be retained only while the call
 * runs, and qv__buffer_borrow_end checks every such reference was given
 * back. QV_ERR_OUT_OF_RANGE if the window is outside parent. */
qv_status qv__buffer_view_borrow(qv_buffer *out, qv_buffer *parent, int64_t offset, int64_t size, qv_error *err);
/* Ends a borrowed view (accepts NULL): asserts no reference is left. */
void qv__buffer_borrow_end(qv_buffer *view);

/* ------------------------------------------------------------------------
 * Arrays, batches and tables.
 * ------------------------------------------------------------------------ */
/* qv_array_new (same checks and errors) taking over the caller's
 * references to buffers, children and dictionary on success instead of
 * retaining them; on failure the caller still owns them. */
qv_status qv__array_new_take(qv_type *type, int64_t length, int64_t offset, int64_t null_count, int32_t n_buffers,
                             qv_buffer *const *buffers, int32_t n_children, qv_array *const *children,
                             qv_array *dictionary, qv_array **out, qv_error *err);
/* The same with the array's struct placed in `block`'s arena
 * (core/view_block.h) when it has room, else allocated alone: readers put
 * every array of a batch in one allocation. block may be NULL. */
struct qv__view_block;
qv_status qv__array_new_take_in(struct qv__view_block *block, qv_type *type, int64_t length, int64_t offset,
                                int64_t null_count, int32_t n_buffers, qv_buffer *const *buffers, int32_t n_children,
                                qv_array *const *children, qv_array *dictionary, qv_array **out, qv_error *err);
/* qv__array_new_take_in for a caller that has established everything
 * qv_array_new checks, for a layout with a validity bitmap and no children
 * or dictionary (offset 0; buffers[0] is the bitmap or NULL): the IPC
 * reader's flat path (ipc/body_flat.c). Takes over the buffers on success. */
qv_status qv__array_new_flat_in(struct qv__view_block *block, qv_type *type, int64_t length, int64_t null_count,
                                int32_t n_buffers, qv_buffer *const *buffers, qv_array **out, qv_error *err);
/* Bytes of the struct of an array of `type` and of every descendant
 * (children, recursively; not dictionaries), as qv__array_new_take_in
 * takes them from a block: what a block's arena needs for a batch's
 * column of this type (views' variadic buffers not counted). */
size_t qv__array_tree_bytes(const qv_type *type);
/* qv_batch_new and qv_table_new (same checks and errors) that take over
 * the caller's references to the columns / batches on success instead of
 * retaining them (readers that build and hand over: no retain + release
 * pair per column). On failure the caller still owns them. */
qv_status qv__batch_new_take(qv_schema *schema, int64_t length, qv_array *const *columns,
                             const qv_metadata *metadata, qv_batch **out, qv_error *err);
qv_status qv__table_new_take(qv_schema *schema, qv_batch *const *batches, int64_t n_batches, qv_table **out,
                             qv_error *err);
/* qv__batch_new_take with the struct placed in block's arena when it has
 * room (else allocated alone; block may be NULL), as qv__array_new_take_in
 * does for arrays: a reader's batch and its arrays are one allocation.
 * qv__batch_bytes is what the arena needs for it. */
qv_status qv__batch_new_take_in(struct qv__view_block *block, qv_schema *schema, int64_t length,
                                qv_array *const *columns, const qv_metadata *metadata, qv_batch **out, qv_error *err);
size_t qv__batch_bytes(int32_t n_columns);
/* A table of the one batch `batch` (taken over on success, like
 * qv__table_new_take), placed in the arena of the block holding the batch
 * when the block has room (qv__table_bytes(1) reserved by its reader):
 * a one-batch read allocates nothing for the table. The batch must not be
 * shared with another thread yet (a block's arena is not thread-safe). */
qv_status qv__table_new_take_one(qv_schema *schema, qv_batch *batch, qv_table **out, qv_error *err);
size_t qv__table_bytes(int64_t n_batches);

/* ------------------------------------------------------------------------
 * Types.
 * ------------------------------------------------------------------------ */
/* Byte width of one value of the (storage) layout, 0 for non fixed width or
 * bool. */
int32_t qv__type_byte_width(const qv_type *type);
/* Number of children an array of this (storage) type must have. */
/* qv_type_storage inline, for the per-array paths (construction, IPC
 * loading, validation) that ask it several times per array. */
static inline const qv_type *qv__storage(const qv_type *type) {
  while (type != NULL && type->id == QV_TYPE_EXTENSION) type = type->storage_type;
  return type;
}
static inline int32_t qv__type_num_children(const qv_type *type) {
  return qv__layout_num_children(qv__layout_of(type), qv__storage(type));
}

/* ------------------------------------------------------------------------
 * A sticky failure: the first error an object (a decoder, a writer, an
 * output sink) met, which every later call on it reports again, so nothing
 * more happens after a failure and the caller always learns the first cause.
 * ------------------------------------------------------------------------ */
typedef struct qv__sticky {
  qv_status code;                     /* QV_OK while healthy */
  char message[QV_ERROR_MESSAGE_MAX]; /* the first failure's message */
} qv__sticky;

/* Records `code` with err's message (the status name when err is NULL or
 * holds another code) unless a failure is recorded already. Returns code. */
qv_status qv__sticky_fail(qv__sticky *s, qv_status code, const qv_error *err);
/* Records `code` with a formatted message unless a failure is recorded
 * already, then reports the recorded failure into err. Returns its code. */
qv_status qv__sticky_failf(qv__sticky *s, qv_error *err, qv_status code, const char *fmt, ...) QV_PRINTF(4, 5);
/* Reports the recorded failure into err, its message after `prefix`
 * ("" for none). Returns its code. */
qv_status qv__sticky_report(const qv__sticky *s, const char *prefix, qv_error *err);

/* The symbolic name of an errno IO paths meet ("ENOSPC", "EPIPE"...), or
 * "errno" for others; for messages such as "... (ENOSPC, errno 28)". */
const char *qv__errno_name(int e);

/* allocator->allocate / ->reallocate that also tell which bytes are known
 * zero: *zero_from receives the offset from which the block's bytes are zero
 * (for reallocate, bytes before it are the kept contents or unknown). Only
 * the default allocator knows any (fresh large mappings, pages added by
 * mremap); for every other allocator, and for a block reused from the cache
 * of freed mappings, *zero_from is the block's size. See allocator.c. */
void *qv__allocator_allocate(const qv_allocator *allocator, size_t size, size_t alignment, size_t *zero_from);
void *qv__allocator_reallocate(const qv_allocator *allocator, void *ptr, size_t old_size, size_t new_size,
                               size_t alignment, size_t *zero_from);

/* An allocator on the C heap for every size: unlike the default one, large
 * blocks are not fresh mappings, so a program that frees and allocates
 * blocks of similar sizes again and again (decompressing batch after batch)
 * gets memory back from the heap instead of zeroed pages faulted in anew.
 * Blocks are not zeroed. */
const qv_allocator *qv__heap_allocator(void);

#endif
