/* "Consume everything", compute part (fuzz_consume.h): the kernels of
 * compute.h run on an array a fuzz target got hold of, and on a slice of
 * it: cast to string and to int64 (safe), filter by a derived mask (both
 * null selections), take of derived in-range indices (one of them null)
 * and of out-of-range ones, sort_indices, unique, value_counts, sum,
 * min_max, utf8_length and upper.
 *
 * Any of them may fail (the type does not apply, the data breaks a content
 * rule); what may not happen is a crash, a sanitizer report or an error
 * without its status and message. Oracles beyond that: a result is
 * structurally valid and has the length the kernel promises; on input that
 * passes full validation the result passes it too; a take with an index
 * outside the array is an error, never a result. Bounded: arrays costing
 * more than QV_FUZZ_CONSUME_MAX_COST slots (through children) are skipped,
 * and masks and index lists are built once per array.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "quiver/bitmap.h"
#include "quiver/compute.h"
#include "quiver/print.h"
#include "quiver/validate.h"
#include "support/fuzz_consume.h"
#include "support/fuzz_targets.h"

#define TAKE_ROWS 16

typedef struct kctx {
  const char *target;
  uint64_t rng;
  bool valid;            /* the input passed full validation */
  const qv_array *input; /* the array the kernels run on (for messages) */
} kctx;

static uint64_t knext(kctx *c) {
  uint64_t z = (c->rng += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static int64_t cost_of(const qv_array *a, int depth) {
  if (a == NULL || depth > QV_VALIDATE_MAX_DEPTH) return 0;
  int64_t cost = a->length;
  for (int32_t i = 0; i < a->n_children && cost <= QV_FUZZ_CONSUME_MAX_COST; i++) cost += cost_of(a->children[i], depth + 1);
  if (a->dictionary != NULL && cost <= QV_FUZZ_CONSUME_MAX_COST) cost += cost_of(a->dictionary, depth + 1);
  return cost;
}

/* Checks one kernel call: the error's status and message, or the result's
 * structure, its length (expect_len >= 0) and, for valid input, its full
 * validity. Releases *out. */
static int check_result(kctx *c, const char *what, qv_status st, const qv_error *err, qv_array **out,
                        int64_t expect_len) {
  int rc = qv_fuzz_check_error(c->target, st, err, what);
  char type[160];
  if (qv_type_format(c->input->type, type, sizeof type) < 0) type[0] = '\0';
  if (rc == 0 && st == QV_OK) {
    qv_error verr;
    qv_error_clear(&verr);
    if (*out == NULL) {
      rc = qv_fuzz_fail(c->target, "%s returned QV_OK without a result", what);
    } else if (qv_array_validate(*out, QV_VALIDATE_STRUCTURE, &verr) != QV_OK) {
      rc = qv_fuzz_fail(c->target, "%s on %s[%" PRId64 "] gave a structurally invalid result: %s", what, type,
                        c->input->length, verr.message);
    } else if (expect_len >= 0 && (*out)->length != expect_len) {
      rc = qv_fuzz_fail(c->target, "%s on %s gave %" PRId64 " rows, expected %" PRId64, what, type, (*out)->length,
                        expect_len);
    } else if (c->valid && qv_array_validate(*out, QV_VALIDATE_FULL, &verr) != QV_OK) {
      rc = qv_fuzz_fail(c->target, "%s on %s gave an invalid result from valid input: %s", what, type, verr.message);
    }
  }
  if (rc != 0 && getenv("QV_FUZZ_KERNELS_DUMP") != NULL) {
    char *text = NULL;
    if (qv_array_to_string(c->input, NULL, &text, NULL) == QV_OK) fprintf(stderr, "input:\n%s\n", text);
    qv_free_string(text);
  }
  qv_array_release(*out);
  *out = NULL;
  return rc;
}

/* A bool mask of n slots, about half true, about one in eight null.
 * *kept: slots a QV_FILTER_DROP filter keeps; *nulls: null slots. */
static qv_array *make_mask(kctx *c, int64_t n, int64_t *kept, int64_t *nulls) {
  qv_buffer *bits = NULL, *valid = NULL;
  qv_array *mask = NULL;
  *kept = *nulls = 0;
  int64_t bytes = qv_bitmap_bytes(n);
  if (qv_buffer_allocate(NULL, bytes, true, &bits, NULL) != QV_OK ||
      qv_buffer_allocate(NULL, bytes, true, &valid, NULL) != QV_OK)
    goto done;
  for (int64_t i = 0; i < n; i++) {
    uint64_t r = knext(c);
    bool is_valid = (r & 7) != 0, on = (r >> 3) & 1;
    if (is_valid) valid->data[i / 8] |= (uint8_t)(1u << (i % 8));
    else (*nulls)++;
    if (on) bits->data[i / 8] |= (uint8_t)(1u << (i % 8));
    if (is_valid && on) (*kept)++;
  }
  (void)qv_array_new(qv_type_bool(), n, 0, *nulls, 2, (qv_buffer *[]){valid, bits}, 0, NULL, NULL, &mask, NULL);
done:
  qv_buffer_release(bits);
  qv_buffer_release(valid);
  return mask;
}

/* int64 indices: `values` given, slot `null_at` null (-1: none). */
static qv_array *make_indices(const int64_t *values, int64_t n, int64_t null_at) {
  qv_buffer *buf = NULL, *valid = NULL;
  qv_array *out = NULL;
  if (qv_buffer_allocate(NULL, n * 8, false, &buf, NULL) != QV_OK) return NULL;
  if (n > 0) memcpy(buf->data, values, (size_t)n * 8);
  if (null_at >= 0 && qv_buffer_allocate(NULL, qv_bitmap_bytes(n), false, &valid, NULL) == QV_OK) {
    qv_bitmap_set_range(valid->data, 0, n, true);
    valid->data[null_at / 8] &= (uint8_t)~(1u << (null_at % 8));
  }
  (void)qv_array_new(qv_type_int64(), n, 0, valid != NULL ? 1 : 0, 2, (qv_buffer *[]){valid, buf}, 0, NULL, NULL,
                     &out, NULL);
  qv_buffer_release(buf);
  qv_buffer_release(valid);
  return out;
}

static int run_filter(kctx *c, qv_array *a) {
  int64_t kept, nulls;
  qv_array *mask = make_mask(c, a->length, &kept, &nulls);
  if (mask == NULL) return 0;
  int rc = 0;
  for (int k = 0; k < 2 && rc == 0; k++) {
    qv_array *out = NULL;
    qv_error err;
    qv_error_clear(&err);
    qv_status st = qv_compute_filter(a, mask, k == 0 ? QV_FILTER_DROP : QV_FILTER_EMIT_NULL, &out, &err);
    rc = check_result(c, k == 0 ? "qv_compute_filter(drop)" : "qv_compute_filter(emit null)", st, &err, &out,
                      k == 0 ? kept : kept + nulls);
  }
  qv_array_release(mask);
  return rc;
}

static int run_take(kctx *c, qv_array *a) {
  int64_t idx[TAKE_ROWS];
  int64_t n = a->length == 0 ? 0 : TAKE_ROWS;
  for (int64_t i = 0; i < n; i++) idx[i] = (int64_t)(knext(c) % (uint64_t)a->length);
  int rc = 0;
  qv_array *in_range = make_indices(idx, n, n > 1 ? n / 2 : -1);
  if (in_range != NULL) {
    qv_array *out = NULL;
    qv_error err;
    qv_error_clear(&err);
    qv_status st = qv_compute_take(a, in_range, &out, &err);
    rc = check_result(c, "qv_compute_take", st, &err, &out, n);
    qv_array_release(in_range);
  }
  /* One index outside [0, length) among in-range ones: always an error. */
  static const int64_t k_bad[3] = {-1, INT64_MAX, INT64_MIN};
  for (int k = 0; k < 4 && rc == 0; k++) {
    int64_t bad_idx[TAKE_ROWS];
    for (int64_t i = 0; i < n; i++) bad_idx[i] = idx[i];
    int64_t m = n > 0 ? n : 1;
    int64_t where = (int64_t)(knext(c) % (uint64_t)m);
    bad_idx[where] = k == 3 ? a->length : k_bad[k];
    qv_array *bad = make_indices(bad_idx, m, -1);
    if (bad == NULL) continue;
    qv_array *out = NULL;
    qv_error err;
    qv_error_clear(&err);
    qv_status st = qv_compute_take(a, bad, &out, &err);
    if (st == QV_OK)
      rc = qv_fuzz_fail(c->target, "qv_compute_take accepted index %" PRId64 " into %" PRId64 " rows", bad_idx[where],
                        a->length);
    else
      rc = qv_fuzz_check_error(c->target, st, &err, "qv_compute_take (index out of range)");
    qv_array_release(out);
    qv_array_release(bad);
  }
  return rc;
}

static int run_aggregates(kctx *c, qv_array *a) {
  qv_scalar s, lo, hi;
  qv_error err;
  qv_error_clear(&err);
  qv_status st = qv_compute_sum(a, &s, &err);
  int rc = qv_fuzz_check_error(c->target, st, &err, "qv_compute_sum");
  if (rc != 0) return rc;
  qv_error_clear(&err);
  st = qv_compute_min_max(a, &lo, &hi, &err);
  return qv_fuzz_check_error(c->target, st, &err, "qv_compute_min_max");
}

static int run_kernels(kctx *c, qv_array *a) {
  c->input = a;
  qv_array *out = NULL;
  qv_error err;
  int rc;
  qv_error_clear(&err);
  rc = check_result(c, "qv_compute_cast(string)", qv_compute_cast(a, qv_type_string(), true, &out, &err), &err, &out,
                    a->length);
  if (rc == 0) {
    qv_error_clear(&err);
    rc = check_result(c, "qv_compute_cast(int64)", qv_compute_cast(a, qv_type_int64(), true, &out, &err), &err, &out,
                      a->length);
  }
  if (rc == 0) rc = run_filter(c, a);
  if (rc == 0) rc = run_take(c, a);
  if (rc == 0) {
    qv_error_clear(&err);
    rc = check_result(c, "qv_compute_sort_indices",
                      qv_compute_sort_indices(a, QV_SORT_ASCENDING, QV_NULLS_AT_END, &out, &err), &err, &out, a->length);
  }
  if (rc == 0) {
    qv_error_clear(&err);
    rc = check_result(c, "qv_compute_unique", qv_compute_unique(a, &out, &err), &err, &out, -1);
  }
  if (rc == 0) {
    qv_error_clear(&err);
    rc = check_result(c, "qv_compute_value_counts", qv_compute_value_counts(a, &out, &err), &err, &out, -1);
  }
  if (rc == 0) rc = run_aggregates(c, a);
  if (rc == 0) {
    qv_error_clear(&err);
    rc = check_result(c, "qv_compute_utf8_length", qv_compute_utf8_length(a, &out, &err), &err, &out, a->length);
  }
  if (rc == 0) {
    qv_error_clear(&err);
    rc = check_result(c, "qv_compute_case(utf8 upper)", qv_compute_case(QV_CASE_UTF8_UPPER, a, &out, &err), &err, &out,
                      a->length);
  }
  return rc;
}

int qv_fuzz_consume_kernels(const char *target, qv_array *array, bool valid, uint64_t seed) {
  kctx c = {target, seed ^ 0x6B65726E656C73ull, valid, array};
  int rc = 0;
  if (cost_of(array, 0) <= QV_FUZZ_CONSUME_MAX_COST) rc = run_kernels(&c, array);
  if (rc != 0 || array->length == 0) return rc;
  /* A slice: offsets into every buffer. */
  int64_t off = (int64_t)(knext(&c) % (uint64_t)array->length);
  int64_t room = array->length - off;
  int64_t len = (int64_t)(knext(&c) % (uint64_t)((room < QV_FUZZ_CONSUME_SLICE_ROWS ? room : QV_FUZZ_CONSUME_SLICE_ROWS) + 1));
  qv_array *slice = NULL;
  if (qv_array_slice(array, off, len, &slice, NULL) != QV_OK) return 0;
  /* A slice of a structurally valid array need not be one (offsets in the
   * middle may be hostile): the kernels get it only if it is. */
  if (cost_of(slice, 0) <= QV_FUZZ_CONSUME_MAX_COST && qv_array_validate(slice, QV_VALIDATE_STRUCTURE, NULL) == QV_OK) {
    qv_error err;
    c.valid = qv_array_validate(slice, QV_VALIDATE_FULL, &err) == QV_OK;
    rc = run_kernels(&c, slice);
  }
  qv_array_release(slice);
  return rc;
}
