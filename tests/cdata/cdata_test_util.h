/* Shared helpers for the C Data tests (header-only, static functions):
 *  - a tiny C producer of ArrowArray trees (tp_*) whose release callbacks
 *    count how often each root was released, so tests can prove "exactly
 *    once" across slices, re-exports and release orders;
 *  - terse constructors of quiver buffers and arrays from literal data;
 *  - a structural comparison that also proves zero-copy (equal addresses).
 * Include after <cmocka.h>.
 */
#ifndef QV_TESTS_CDATA_UTIL_H
#define QV_TESTS_CDATA_UTIL_H

#include <stdlib.h>
#include <string.h>

#include "quiver/array.h"
#include "quiver/batch.h"
#include "quiver/cdata.h"

/* ---- test producer ---- */

#define TP_MAX 8

typedef struct tp_priv {
  const void *bufs[TP_MAX];
  struct ArrowArray *kids[TP_MAX];
  void *mem[TP_MAX]; /* producer-owned buffer memory */
  int n_mem;
  int *release_counter; /* incremented when this struct is released (roots only) */
} tp_priv;

static inline void tp_release(struct ArrowArray *a) {
  assert_non_null(a->release);
  tp_priv *p = a->private_data;
  for (int64_t i = 0; i < a->n_children; i++) {
    struct ArrowArray *c = a->children != NULL ? a->children[i] : NULL;
    if (c != NULL) {
      if (c->release != NULL) c->release(c);
      free(c);
    }
  }
  if (a->dictionary != NULL) {
    if (a->dictionary->release != NULL) a->dictionary->release(a->dictionary);
    free(a->dictionary);
  }
  for (int i = 0; i < p->n_mem; i++) free(p->mem[i]);
  if (p->release_counter != NULL) (*p->release_counter)++;
  free(p);
  a->release = NULL;
}

/* Initialises *a as a producer array with n_buffers NULL buffers. */
static inline void tp_init(struct ArrowArray *a, int64_t length, int64_t null_count, int64_t offset, int64_t n_buffers,
                    int *counter) {
  tp_priv *p = calloc(1, sizeof *p);
  assert_non_null(p);
  p->release_counter = counter;
  memset(a, 0, sizeof *a);
  a->length = length;
  a->null_count = null_count;
  a->offset = offset;
  a->n_buffers = n_buffers;
  a->buffers = p->bufs;
  a->children = p->kids;
  a->release = tp_release;
  a->private_data = p;
}

/* Copies `size` bytes into producer memory as buffer i. */
static inline const void *tp_buf(struct ArrowArray *a, int i, const void *data, size_t size) {
  tp_priv *p = a->private_data;
  void *m = malloc(size > 0 ? size : 1);
  assert_non_null(m);
  if (size > 0) memcpy(m, data, size);
  p->mem[p->n_mem++] = m;
  p->bufs[i] = m;
  return m;
}

/* Adds a heap-allocated child (moved from *child) and returns it. */
static inline struct ArrowArray *tp_child(struct ArrowArray *a, struct ArrowArray *child) {
  tp_priv *p = a->private_data;
  struct ArrowArray *c = malloc(sizeof *c);
  assert_non_null(c);
  *c = *child;
  child->release = NULL;
  p->kids[a->n_children++] = c;
  return c;
}

static inline struct ArrowArray *tp_dict(struct ArrowArray *a, struct ArrowArray *values) {
  struct ArrowArray *c = malloc(sizeof *c);
  assert_non_null(c);
  *c = *values;
  values->release = NULL;
  a->dictionary = c;
  return c;
}

/* An int32 producer array (no nulls unless validity is given). */
static inline void tp_int32(struct ArrowArray *a, const int32_t *values, int64_t n, const uint8_t *validity,
                     int64_t null_count, int *counter) {
  tp_init(a, n, null_count, 0, 2, counter);
  if (validity != NULL) tp_buf(a, 0, validity, (size_t)((n + 7) / 8));
  tp_buf(a, 1, values, (size_t)n * 4);
}

/* ---- quiver-side construction ---- */

static inline qv_buffer *tb(const void *data, int64_t size) {
  qv_buffer *b = NULL;
  assert_int_equal(qv_buffer_copy_from(NULL, data, size, &b, NULL), QV_OK);
  return b;
}

/* qv_array_new that CONSUMES the given buffer, child and dictionary
 * references (tests read better that way). */
static inline qv_array *ta(qv_type *type, int64_t length, int64_t offset, int64_t null_count, int32_t nb,
                    qv_buffer **bufs, int32_t nk, qv_array **kids, qv_array *dict) {
  qv_array *a = NULL;
  qv_error err;
  qv_status st = qv_array_new(type, length, offset, null_count, nb, bufs, nk, kids, dict, &a, &err);
  if (st != QV_OK) fail_msg("qv_array_new: %s", err.message);
  for (int32_t i = 0; i < nb; i++) qv_buffer_release(bufs[i]);
  for (int32_t i = 0; i < nk; i++) qv_array_release(kids[i]);
  qv_array_release(dict);
  return a;
}

static inline qv_array *ta_int32(const int32_t *v, int64_t n) {
  qv_buffer *b[2] = {NULL, tb(v, n * 4)};
  return ta(qv_type_int32(), n, 0, 0, 2, b, 0, NULL, NULL);
}

static inline qv_array *ta_int64(const int64_t *v, int64_t n) {
  qv_buffer *b[2] = {NULL, tb(v, n * 8)};
  return ta(qv_type_int64(), n, 0, 0, 2, b, 0, NULL, NULL);
}

static inline qv_array *ta_utf8(const char *const *s, int64_t n) {
  int32_t off[64];
  char data[1024];
  off[0] = 0;
  for (int64_t i = 0; i < n; i++) {
    size_t l = strlen(s[i]);
    memcpy(data + off[i], s[i], l);
    off[i + 1] = off[i] + (int32_t)l;
  }
  qv_buffer *b[3] = {NULL, tb(off, (n + 1) * 4), tb(data, off[n])};
  return ta(qv_type_string(), n, 0, 0, 3, b, 0, NULL, NULL);
}

/* Structural equality of two arrays; with zero_copy, buffers must share
 * addresses (proving no data was copied). */
static inline void assert_same_array(const qv_array *a, const qv_array *b, bool zero_copy) {
  assert_non_null(a);
  assert_non_null(b);
  if (!qv_type_equals(a->type, b->type, true)) {
    char x[256], y[256];
    qv_type_format(a->type, x, sizeof x);
    qv_type_format(b->type, y, sizeof y);
    fail_msg("types differ: %s vs %s", x, y);
  }
  assert_int_equal(a->length, b->length);
  assert_int_equal(a->offset, b->offset);
  assert_int_equal(qv_array_null_count(a), qv_array_null_count(b));
  assert_int_equal(a->n_buffers, b->n_buffers);
  for (int32_t i = 0; i < a->n_buffers; i++) {
    const uint8_t *pa = a->buffers[i] ? a->buffers[i]->data : NULL;
    const uint8_t *pb = b->buffers[i] ? b->buffers[i]->data : NULL;
    if (zero_copy) {
      assert_ptr_equal(pa, pb);
    } else if (pa != NULL && pb != NULL) {
      int64_t n = a->buffers[i]->size < b->buffers[i]->size ? a->buffers[i]->size : b->buffers[i]->size;
      assert_memory_equal(pa, pb, (size_t)n);
    }
  }
  assert_int_equal(a->n_children, b->n_children);
  for (int32_t i = 0; i < a->n_children; i++) assert_same_array(a->children[i], b->children[i], zero_copy);
  assert_int_equal(a->dictionary == NULL, b->dictionary == NULL);
  if (a->dictionary != NULL) assert_same_array(a->dictionary, b->dictionary, zero_copy);
}

/* Asserts a status and that the message contains `needle`. */
#define assert_error(expr, code, err, needle)                                            \
  do {                                                                                   \
    qv_status st__ = (expr);                                                             \
    if (st__ != (code))                                                                  \
      fail_msg("expected %s, got %s: %s", qv_status_name(code), qv_status_name(st__),   \
               (err)->message);                                                          \
    if (strstr((err)->message, (needle)) == NULL)                                        \
      fail_msg("message '%s' lacks '%s'", (err)->message, (needle));                     \
  } while (0)

#endif
