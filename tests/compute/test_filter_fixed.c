/* The fixed-width filter path: against take of the same rows (the general
 * gather) for widths 1, 4, 8 and 16, sliced values and masks with nulls,
 * words of all ones, all zeros and mixed, and an empty result. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "compute/compute_test_util.h"
#include "quiver/compute.h"

enum { N = 300 };

static void check_against_take(qv_array *values, qv_array *mask) {
  qv_array *fast = NULL, *slow = NULL, *idx = NULL;
  int64_t rows[N], n = 0;
  for (int64_t i = 0; i < mask->length; i++)
    if (qv_array_is_valid(mask, i) && qv_bit_get(qv_array_buffer_data(mask, 1), mask->offset + i)) rows[n++] = i;
  idx = prim(qv_type_int64(), rows, n, 8, NULL);
  assert_int_equal(qv_compute_filter(values, mask, QV_FILTER_DROP, &fast, NULL), QV_OK);
  assert_int_equal(qv_compute_take(values, idx, &slow, NULL), QV_OK);
  qv_error why;
  if (qv_array_diff(fast, slow, &why) != QV_OK) {
    fprintf(stderr, "filter differs from take: %s\n", why.message);
    fail();
  }
  assert_int_equal(qv_array_null_count(fast), qv_array_null_count(slow));
  qv_array_release(fast);
  qv_array_release(slow);
  qv_array_release(idx);
}

static void widths_slices_and_word_shapes(void **state) {
  (void)state;
  uint8_t raw[N * 16];
  char valid[N + 1], mvals[N + 1], mvalid[N + 1];
  for (int i = 0; i < N * 16; i++) raw[i] = (uint8_t)(i * 37 + 11);
  for (int i = 0; i < N; i++) {
    valid[i] = i % 9 == 4 ? '0' : '1';
    /* rows 64..191: all kept (full words once sliced by 0), 192..255 none, the rest mixed */
    mvals[i] = (i >= 64 && i < 192) ? '1' : (i >= 192 && i < 256) ? '0' : ((i * 7) % 3 == 0 ? '1' : '0');
    mvalid[i] = i % 17 == 5 ? '0' : '1';
  }
  valid[N] = mvals[N] = mvalid[N] = '\0';
  qv_type *types[4] = {qv_type_int8(), qv_type_int32(), qv_type_float64(), hand_decimal(128, 30, 2)};
  int widths[4] = {1, 4, 8, 16};
  for (int t = 0; t < 4; t++) {
    for (int off = 0; off < 3; off += 2) {
      qv_array *values = slice_of(prim(qv_type_retain(types[t]), raw, N, widths[t], valid), off, N - 4);
      qv_array *mask = hand_array(qv_type_bool(), N, 0, 0, 2, BUFS(bits_from(mvalid, N), bits_from(mvals, N)), 0,
                                  NULL, NULL);
      mask = slice_of(mask, off + 1, N - 4);
      check_against_take(values, mask);
      qv_array *no_null_mask = slice_of(bools(mvals, NULL), off, N - 4);
      check_against_take(values, no_null_mask);
      qv_array_release(no_null_mask);
      qv_array_release(mask);
      qv_array_release(values);
    }
  }
  for (int t = 0; t < 4; t++) qv_type_release(types[t]);
  /* nothing kept */
  qv_array *v = PRIM(qv_type_int64(), int64_t, NULL, 1, 2, 3), *m = bools("000", NULL), *out = NULL;
  assert_int_equal(qv_compute_filter(v, m, QV_FILTER_DROP, &out, NULL), QV_OK);
  assert_int_equal(out->length, 0);
  qv_array_release(out);
  qv_array_release(m);
  qv_array_release(v);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(widths_slices_and_word_shapes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
