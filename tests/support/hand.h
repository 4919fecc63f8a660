/* Test helpers shared by the validate/, compare/ and print/ tests: build
 * types, fields and arrays by hand from literal buffers (the only way to make
 * the invalid arrays the validator must reject), failing the cmocka test on
 * any setup error. Include after <cmocka.h>.
 *
 * Ownership convention, to keep tests short and leak-free: every helper
 * TAKES the references it is given (types, fields, buffers, children,
 * dictionary) and returns a new one the test must release.
 */
#ifndef QUIVER_TESTS_SUPPORT_HAND_H
#define QUIVER_TESTS_SUPPORT_HAND_H

#include <stdio.h>
#include <string.h>

#include "quiver/array.h"
#include "quiver/batch.h"
#include "quiver/compare.h"
#include "quiver/field.h"
#include "quiver/memory.h"
#include "quiver/print.h"
#include "quiver/schema.h"
#include "quiver/type.h"
#include "quiver/validate.h"

static inline void hand_check(qv_status st, const qv_error *e, const char *what) {
  if (st != QV_OK) {
    fprintf(stderr, "setup failed (%s): %s: %s\n", what, qv_status_name(st), e->message);
    fail();
  }
}

/* A buffer holding a copy of n bytes at p. */
static inline qv_buffer *hand_buf(const void *p, int64_t n) {
  qv_buffer *b = NULL;
  qv_error e;
  hand_check(qv_buffer_copy_from(NULL, p, n, &b, &e), &e, "buffer");
  return b;
}
/* BUFV(int32_t, 1, 2, 3): a buffer of those values. */
#define BUFV(T, ...) hand_buf((const T[]){__VA_ARGS__}, (int64_t)sizeof((const T[]){__VA_ARGS__}))
#define BUFS(...) ((qv_buffer *[]){__VA_ARGS__})
#define KIDS(...) ((qv_array *[]){__VA_ARGS__})

/* qv_array_new, then drops the references passed in (type included). */
static inline qv_array *hand_array(qv_type *t, int64_t len, int64_t off, int64_t null_count, int32_t nb,
                                   qv_buffer **bufs, int32_t nch, qv_array **kids, qv_array *dict) {
  qv_array *a = NULL;
  qv_error e;
  hand_check(qv_array_new(t, len, off, null_count, nb, bufs, nch, kids, dict, &a, &e), &e, "array");
  for (int32_t i = 0; i < nb; i++) qv_buffer_release(bufs[i]);
  for (int32_t i = 0; i < nch; i++) qv_array_release(kids[i]);
  qv_array_release(dict);
  qv_type_release(t);
  return a;
}

/* Fixed-width array without nulls: I32(1, 2, 3). */
#define I32(...) \
  hand_array(qv_type_int32(), (int64_t)(sizeof((const int32_t[]){__VA_ARGS__}) / 4), 0, 0, 2, \
             BUFS(NULL, BUFV(int32_t, __VA_ARGS__)), 0, NULL, NULL)
#define I64(...) \
  hand_array(qv_type_int64(), (int64_t)(sizeof((const int64_t[]){__VA_ARGS__}) / 8), 0, 0, 2, \
             BUFS(NULL, BUFV(int64_t, __VA_ARGS__)), 0, NULL, NULL)

/* A utf8 array from n strings (NULL entries are null slots). */
static inline qv_array *hand_strings(qv_type *t, int64_t n, const char *const *v) {
  int32_t offs[64];
  char data[1024];
  uint8_t bits[8] = {0};
  int64_t nulls = 0;
  offs[0] = 0;
  for (int64_t i = 0; i < n; i++) {
    size_t len = v[i] ? strlen(v[i]) : 0;
    if (v[i]) {
      memcpy(data + offs[i], v[i], len);
      bits[i / 8] |= (uint8_t)(1u << (i % 8));
    } else {
      nulls++;
    }
    offs[i + 1] = offs[i] + (int32_t)len;
  }
  return hand_array(t, n, 0, nulls, 3,
                    BUFS(nulls ? hand_buf(bits, 8) : NULL, hand_buf(offs, (n + 1) * 4), hand_buf(data, offs[n])), 0,
                    NULL, NULL);
}
#define STRS(...) \
  hand_strings(qv_type_string(), (int64_t)(sizeof((const char *[]){__VA_ARGS__}) / sizeof(char *)), \
               (const char *const[]){__VA_ARGS__})

/* A field named `name` of type t (nullable). Takes t. */
static inline qv_field *hand_field(const char *name, qv_type *t) {
  qv_field *f = NULL;
  qv_error e;
  hand_check(qv_field_new(name, t, true, NULL, &f, &e), &e, "field");
  qv_type_release(t);
  return f;
}

/* Type constructors that take their arguments. */
static inline qv_type *hand_list(qv_type_id id, qv_type *item) {
  qv_type *t = NULL;
  qv_error e;
  hand_check(qv_type_list_of(id, item, &t, &e), &e, "list type");
  qv_type_release(item);
  return t;
}
static inline qv_type *hand_fsl(qv_type *item, int32_t n) {
  qv_type *t = NULL;
  qv_error e;
  qv_field *f = hand_field("item", item);
  hand_check(qv_type_fixed_size_list(f, n, &t, &e), &e, "fsl type");
  qv_field_release(f);
  return t;
}
static inline qv_type *hand_struct(int32_t n, qv_field **fields) {
  qv_type *t = NULL;
  qv_error e;
  hand_check(qv_type_struct(fields, n, &t, &e), &e, "struct type");
  for (int32_t i = 0; i < n; i++) qv_field_release(fields[i]);
  return t;
}
#define FIELDS(...) ((qv_field *[]){__VA_ARGS__})
static inline qv_type *hand_union(qv_type_id id, int32_t n, qv_field **fields, const int8_t *codes) {
  qv_type *t = NULL;
  qv_error e;
  hand_check(qv_type_union(id, fields, n, codes, &t, &e), &e, "union type");
  for (int32_t i = 0; i < n; i++) qv_field_release(fields[i]);
  return t;
}
static inline qv_type *hand_dict(qv_type *index, qv_type *value) {
  qv_type *t = NULL;
  qv_error e;
  hand_check(qv_type_dictionary(index, value, false, &t, &e), &e, "dictionary type");
  qv_type_release(index);
  qv_type_release(value);
  return t;
}
static inline qv_type *hand_ree(qv_type *run_ends, qv_type *value) {
  qv_type *t = NULL;
  qv_error e;
  hand_check(qv_type_run_end_encoded(run_ends, value, &t, &e), &e, "ree type");
  qv_type_release(run_ends);
  qv_type_release(value);
  return t;
}
static inline qv_type *hand_map(qv_type *key, qv_type *value) {
  qv_type *t = NULL;
  qv_error e;
  hand_check(qv_type_map(key, value, false, &t, &e), &e, "map type");
  qv_type_release(key);
  qv_type_release(value);
  return t;
}
static inline qv_type *hand_decimal(int32_t bits, int32_t precision, int32_t scale) {
  qv_type *t = NULL;
  qv_error e;
  hand_check(qv_type_decimal(bits, precision, scale, &t, &e), &e, "decimal type");
  return t;
}
static inline qv_type *hand_ts(qv_time_unit unit, const char *tz) {
  qv_type *t = NULL;
  qv_error e;
  hand_check(qv_type_timestamp(unit, tz, &t, &e), &e, "timestamp type");
  return t;
}
static inline qv_type *hand_time(int bits, qv_time_unit unit) {
  qv_type *t = NULL;
  qv_error e;
  hand_check(bits == 32 ? qv_type_time32(unit, &t, &e) : qv_type_time64(unit, &t, &e), &e, "time type");
  return t;
}

/* Expects `st`/`e` to be failure `code` with `needle` in the message. */
static inline void hand_expect(qv_status st, const qv_error *e, qv_status code, const char *needle) {
  if (st != code || strstr(e->message, needle) == NULL) {
    fprintf(stderr, "expected %s containing \"%s\"\n     got %s: \"%s\"\n", qv_status_name(code), needle,
            qv_status_name(st), st == QV_OK ? "" : e->message);
    fail();
  }
}

/* Validation of `a` at `level` fails with `code` and a message containing `needle`. */
static inline void expect_invalid(const qv_array *a, qv_validate_level level, qv_status code, const char *needle) {
  qv_error e;
  qv_error_clear(&e);
  hand_expect(qv_array_validate(a, level, &e), &e, code, needle);
}

/* Validation of `a` at `level` passes. */
static inline void expect_valid(const qv_array *a, qv_validate_level level) {
  qv_error e;
  qv_error_clear(&e);
  qv_status st = qv_array_validate(a, level, &e);
  if (st != QV_OK) {
    fprintf(stderr, "expected valid, got %s: %s\n", qv_status_name(st), e.message);
    fail();
  }
}

/* A content rule: STRUCTURE passes, FULL fails as described. */
static inline void expect_full_only(const qv_array *a, qv_status code, const char *needle) {
  expect_valid(a, QV_VALIDATE_STRUCTURE);
  expect_invalid(a, QV_VALIDATE_FULL, code, needle);
}

#endif
