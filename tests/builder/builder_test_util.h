/* Shared helpers for the builder tests (header-only, static): checked
 * construction, finishing with full validation, a counting allocator that
 * can fail its k-th allocation, and type constructors that release their
 * inputs so tests can nest them inline. */
#ifndef QV_TEST_BUILDER_UTIL_H
#define QV_TEST_BUILDER_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "builder/internal.h"
#include "quiver/builder.h"
#include "quiver/field.h"
#include "quiver/validate.h"

/* Fails the test with the builder's message when an append fails. */
#define APPEND_OK(b, expr)                                                                  \
  do {                                                                                      \
    qv_status st_ = (expr);                                                                 \
    if (st_ != QV_OK) fail_msg("%s -> %s: %s", #expr, qv_status_name(st_), qv_builder_error(b)->message); \
  } while (0)

#define CALL_OK(expr)                                                                    \
  do {                                                                                   \
    qv_error e_;                                                                         \
    memset(&e_, 0, sizeof e_);                                                           \
    qv_status st_ = (expr);                                                              \
    (void)e_;                                                                            \
    if (st_ != QV_OK) fail_msg("%s -> %s", #expr, qv_status_name(st_));                  \
  } while (0)

static inline void validate_full(const qv_array *a) {
  qv_error err;
  memset(&err, 0, sizeof err);
  qv_status st = qv_array_validate(a, QV_VALIDATE_FULL, &err);
  if (st != QV_OK) fail_msg("qv_array_validate(FULL): %s: %s", qv_status_name(st), err.message);
}

static inline qv_builder *new_builder(qv_type *type) {
  qv_builder *b = NULL;
  qv_error err;
  qv_status st = qv_builder_new(type, NULL, &b, &err);
  if (st != QV_OK) fail_msg("qv_builder_new: %s", err.message);
  return b;
}

/* Finishes, checks the basic shape and validates fully. */
static inline qv_array *finish_ok(qv_builder *b) {
  qv_array *a = NULL;
  qv_error err;
  qv_status st = qv_builder_finish(b, &a, &err);
  if (st != QV_OK) fail_msg("qv_builder_finish: %s: %s", qv_status_name(st), err.message);
  assert_int_equal(qv_builder_length(b), 0);
  assert_int_equal(a->offset, 0);
  validate_full(a);
  /* every buffer is handed over, not shared with the builder */
  for (int32_t i = 0; i < a->n_buffers; i++)
    if (a->buffers[i]) assert_int_equal(qv_buffer_refcount(a->buffers[i]), 1);
  return a;
}

/* Takes ownership of `type`: a field named `name`. */
static inline qv_field *fld(const char *name, qv_type *type, bool nullable) {
  qv_field *f = NULL;
  assert_int_equal(qv_field_new(name, type, nullable, NULL, &f, NULL), QV_OK);
  qv_type_release(type);
  return f;
}

/* list-like of `value` (released). */
static inline qv_type *list_of(qv_type_id id, qv_type *value) {
  qv_type *t = NULL;
  assert_int_equal(qv_type_list_of(id, value, &t, NULL), QV_OK);
  qv_type_release(value);
  return t;
}

static inline qv_type *fsl_of(qv_type *value, int32_t n) {
  qv_field *item = fld("item", value, true);
  qv_type *t = NULL;
  assert_int_equal(qv_type_fixed_size_list(item, n, &t, NULL), QV_OK);
  qv_field_release(item);
  return t;
}

/* Struct of fields (each released). */
static inline qv_type *struct_of(qv_field **fields, int32_t n) {
  qv_type *t = NULL;
  assert_int_equal(qv_type_struct(fields, n, &t, NULL), QV_OK);
  for (int32_t i = 0; i < n; i++) qv_field_release(fields[i]);
  return t;
}

static inline qv_type *dict_of(qv_type *index, qv_type *value) {
  qv_type *t = NULL;
  assert_int_equal(qv_type_dictionary(index, value, false, &t, NULL), QV_OK);
  qv_type_release(index);
  qv_type_release(value);
  return t;
}

/* Bit i of buffer 0 (validity) of a. */
static inline bool valid_bit(const qv_array *a, int64_t i) {
  return a->buffers[0] == NULL || qv_bit_get(a->buffers[0]->data, i);
}

/* ---- a counting allocator that fails its fail_at-th allocation ---- */
typedef struct {
  int64_t calls;   /* allocate + reallocate calls so far */
  int64_t fail_at; /* call index that returns NULL (-1: never) */
  int64_t live;    /* blocks currently allocated */
} fail_ctx;

static void *fa_allocate(void *ctx, size_t size, size_t align) {
  fail_ctx *c = (fail_ctx *)ctx;
  if (c->calls++ == c->fail_at) return NULL;
  void *p = qv_default_allocator()->allocate(NULL, size, align);
  if (p) c->live++;
  return p;
}
static void *fa_reallocate(void *ctx, void *ptr, size_t old_size, size_t new_size, size_t align) {
  fail_ctx *c = (fail_ctx *)ctx;
  if (c->calls++ == c->fail_at) return NULL;
  void *p = qv_default_allocator()->reallocate(NULL, ptr, old_size, new_size, align);
  if (p && ptr == NULL) c->live++;
  return p;
}
static void fa_free(void *ctx, void *ptr, size_t size) {
  fail_ctx *c = (fail_ctx *)ctx;
  if (ptr) c->live--;
  qv_default_allocator()->free(NULL, ptr, size);
}
static inline qv_allocator failing_allocator(fail_ctx *c) {
  qv_allocator a = {fa_allocate, fa_reallocate, fa_free, c};
  return a;
}

/* Runs `scenario` with the k-th allocation failing for k = 0, 1, ... until
 * one run succeeds; every failing run must report QV_ERR_NO_MEMORY and
 * leave no allocator block alive once everything is freed. Returns the
 * number of failing runs. `scenario` returns its status and frees all. */
typedef qv_status (*alloc_scenario)(const qv_allocator *alloc);
static inline int64_t run_alloc_failures(alloc_scenario scenario) {
  for (int64_t k = 0; k < 10000; k++) {
    fail_ctx c = {0, k, 0};
    qv_allocator a = failing_allocator(&c);
    qv_status st = scenario(&a);
    assert_int_equal(c.live, 0);
    /* (a failed geometric growth is retried at the minimum size, so a run
     * can succeed after its failure point) */
    if (st == QV_OK && c.calls <= k) return k;
    if (st != QV_OK && st != QV_ERR_NO_MEMORY) fail_msg("fail_at %lld: status %s, expected QV_ERR_NO_MEMORY", (long long)k, qv_status_name(st));
  }
  fail_msg("scenario never succeeded");
  return -1;
}

#endif
