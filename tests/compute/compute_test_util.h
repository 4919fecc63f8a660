/* Helpers for the compute tests: fixed-width and bool arrays from literal
 * values and a validity pattern, in buffers of exactly the size the layout
 * needs (malloc'd, so ASan sees a read one byte past the window). */
#ifndef QUIVER_TESTS_COMPUTE_UTIL_H
#define QUIVER_TESTS_COMPUTE_UTIL_H

#include <stdlib.h>

#include "support/hand.h"

static void exact_free(void *ctx, const uint8_t *data, int64_t size) {
  (void)ctx;
  (void)size;
  free((void *)data);
}

/* A buffer of exactly n bytes (n may be 0: an absent buffer, NULL). */
static inline qv_buffer *exact_buf(const void *p, int64_t n) {
  qv_buffer *b = NULL;
  qv_error e;
  void *copy;
  if (n == 0) return NULL;
  copy = malloc((size_t)n);
  assert_non_null(copy);
  memcpy(copy, p, (size_t)n);
  hand_check(qv_buffer_wrap(copy, n, exact_free, NULL, &b, &e), &e, "wrap");
  return b;
}

/* A bitmap of exactly ceil(n/8) bytes from a pattern of '1'/'0' chars. */
static inline qv_buffer *bits_from(const char *pattern, int64_t n) {
  uint8_t bytes[512] = {0};
  assert_true(n <= 8 * (int64_t)sizeof bytes);
  for (int64_t i = 0; i < n; i++)
    if (pattern[i] == '1') bytes[i / 8] |= (uint8_t)(1u << (i % 8));
  return exact_buf(bytes, qv_bitmap_bytes(n));
}

/* A fixed-width array of n values of `width` bytes; `valid` is a '1'/'0'
 * pattern or NULL for no bitmap. Takes t. */
static inline qv_array *prim(qv_type *t, const void *values, int64_t n, int width, const char *valid) {
  int64_t nulls = 0;
  if (valid)
    for (int64_t i = 0; i < n; i++) nulls += valid[i] == '0';
  return hand_array(t, n, 0, nulls, 2, BUFS(valid ? bits_from(valid, n) : NULL, exact_buf(values, n * width)), 0,
                    NULL, NULL);
}
#define PRIM(TYPE, CT, VALID, ...) \
  prim(TYPE, (const CT[]){__VA_ARGS__}, (int64_t)(sizeof((const CT[]){__VA_ARGS__}) / sizeof(CT)), (int)sizeof(CT), VALID)

/* A bool array from a '1'/'0' value pattern and an optional validity pattern. */
static inline qv_array *bools(const char *values, const char *valid) {
  int64_t n = (int64_t)strlen(values), nulls = 0;
  if (valid)
    for (int64_t i = 0; i < n; i++) nulls += valid[i] == '0';
  return hand_array(qv_type_bool(), n, 0, nulls, 2, BUFS(valid ? bits_from(valid, n) : NULL, bits_from(values, n)), 0,
                    NULL, NULL);
}

static inline qv_array *slice_of(qv_array *a, int64_t off, int64_t len) {
  qv_array *s = NULL;
  assert_int_equal(qv_array_slice(a, off, len, &s, NULL), QV_OK);
  qv_array_release(a);
  return s;
}

#endif
