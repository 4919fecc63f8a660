/* Property test for src/validate, src/print and src/compare on hostile
 * input: deep copies of valid arrays of every layout get random byte
 * mutations in one buffer (offsets, views, type ids, indices, run ends,
 * bitmaps, data) or a changed offset/length/null_count, then:
 *   - validation (both levels) returns a status and never reads out of
 *     bounds (run this under ASan);
 *   - printing and comparing never read out of bounds either, whatever
 *     validation said;
 *   - an array that passes FULL prints successfully and equals itself
 *     (no NaNs are generated).
 * Deterministic (fixed LCG seed).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "quiver/builder.h"
#include "support/hand.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) {
  rng = rng * 6364136223846793005ull + 1442695040888963407ull;
  return rng >> 17;
}

/* Deep copy with private buffers (so they may be mutated). */
static qv_array *deep_copy(const qv_array *a) {
  qv_buffer *bufs[16] = {0};
  qv_array *kids[16] = {0};
  assert_true(a->n_buffers <= 16 && a->n_children <= 16);
  for (int32_t i = 0; i < a->n_buffers; i++)
    if (a->buffers[i]) bufs[i] = hand_buf(a->buffers[i]->data, a->buffers[i]->size);
  for (int32_t i = 0; i < a->n_children; i++) kids[i] = deep_copy(a->children[i]);
  qv_array *dict = a->dictionary ? deep_copy(a->dictionary) : NULL;
  return hand_array(qv_type_retain(a->type), a->length, a->offset, a->null_count, a->n_buffers, bufs, a->n_children,
                    kids, dict);
}

/* Every node of the tree, pre-order. */
static int collect(qv_array *a, qv_array **out, int n, int cap) {
  if (n < cap) out[n++] = a;
  for (int32_t i = 0; i < a->n_children; i++) n = collect(a->children[i], out, n, cap);
  if (a->dictionary) n = collect(a->dictionary, out, n, cap);
  return n;
}

static void mutate(qv_array *root) {
  qv_array *nodes[64];
  const int n = collect(root, nodes, 0, 64);
  qv_array *a = nodes[next() % (uint64_t)n];
  const uint64_t what = next() % 10;
  if (what == 0) {
    a->length += (int64_t)(next() % 3) - 1;
    return;
  }
  if (what == 1) {
    a->offset += (int64_t)(next() % 3);
    return;
  }
  if (what == 2) {
    a->null_count = (int64_t)(next() % 4) - 1;
    return;
  }
  if (a->n_buffers == 0) return;
  qv_buffer *b = a->buffers[next() % (uint64_t)a->n_buffers];
  if (b == NULL || b->size == 0) return;
  const int flips = 1 + (int)(next() % 3);
  for (int k = 0; k < flips; k++) {
    const int64_t at = (int64_t)(next() % (uint64_t)b->size);
    switch (next() % 4) {
      case 0: b->data[at] ^= (uint8_t)(1u << (next() % 8)); break;
      case 1: b->data[at] = 0xFF; break;
      case 2: b->data[at] = 0x80; break;
      default: b->data[at] = (uint8_t)next(); break;
    }
  }
}

static void exercise(const qv_array *orig, const qv_array *m, int *n_full_ok) {
  qv_error e;
  const qv_status s1 = qv_array_validate(m, QV_VALIDATE_STRUCTURE, &e);
  const qv_status s2 = qv_array_validate(m, QV_VALIDATE_FULL, &e);
  if (s1 != QV_OK) assert_int_not_equal(s2, QV_OK); /* FULL implies STRUCTURE */
  char *text = NULL;
  const qv_status sp = qv_array_to_string(m, NULL, &text, &e);
  qv_free_string(text);
  (void)qv_array_equals(orig, m);
  (void)qv_array_diff(m, orig, &e);
  if (s2 == QV_OK) {
    (*n_full_ok)++;
    assert_int_equal(sp, QV_OK);
    assert_true(qv_array_equals(m, m));
  }
}

static qv_builder *bnew(qv_type *t) {
  qv_builder *b = NULL;
  assert_int_equal(qv_builder_new(t, NULL, &b, NULL), QV_OK);
  qv_type_release(t);
  return b;
}
static qv_array *bfinish(qv_builder *b) {
  qv_array *a = NULL;
  assert_int_equal(qv_builder_finish(b, &a, NULL), QV_OK);
  qv_builder_free(b);
  return a;
}

/* A set of valid arrays covering every layout with offsets, views, codes,
 * indices or run ends. */
static int make_samples(qv_array **out) {
  int n = 0;
  const char *words[] = {"a", "bb", NULL, "caf\xC3\xA9", "a string longer than twelve", "", "\xE2\x82\xAC"};
  qv_type *strs[] = {qv_type_string(), qv_type_large_string(), qv_type_string_view(), qv_type_binary_view()};
  for (int k = 0; k < 4; k++) {
    qv_builder *b = bnew(strs[k]);
    for (int i = 0; i < 7; i++)
      assert_int_equal(words[i] ? qv_builder_append_binary(b, words[i], (int64_t)strlen(words[i])) : qv_builder_append_null(b),
                       QV_OK);
    out[n++] = bfinish(b);
  }
  const qv_type_id lists[] = {QV_TYPE_LIST, QV_TYPE_LARGE_LIST, QV_TYPE_LIST_VIEW, QV_TYPE_LARGE_LIST_VIEW};
  for (int k = 0; k < 4; k++) {
    qv_builder *b = bnew(hand_list(lists[k], qv_type_string()));
    for (int i = 0; i < 5; i++) {
      if (i == 2) {
        assert_int_equal(qv_builder_append_null(b), QV_OK);
        continue;
      }
      for (int j = 0; j <= i; j++) assert_int_equal(qv_builder_append_string(qv_builder_child(b, 0), "xy", -1), QV_OK);
      assert_int_equal(qv_builder_finish_element(b), QV_OK);
    }
    out[n++] = bfinish(b);
  }
  const int8_t codes[2] = {2, 4};
  const qv_type_id unions[] = {QV_TYPE_SPARSE_UNION, QV_TYPE_DENSE_UNION};
  for (int k = 0; k < 2; k++) {
    qv_builder *b = bnew(hand_union(unions[k], 2, FIELDS(hand_field("i", qv_type_int32()), hand_field("s", qv_type_string())),
                                    codes));
    for (int i = 0; i < 6; i++) {
      if (i % 2) {
        assert_int_equal(qv_builder_append_int32(qv_builder_child(b, 0), i), QV_OK);
        assert_int_equal(qv_builder_finish_union_element(b, 2), QV_OK);
      } else {
        assert_int_equal(qv_builder_append_string(qv_builder_child(b, 1), "u", -1), QV_OK);
        assert_int_equal(qv_builder_finish_union_element(b, 4), QV_OK);
      }
    }
    out[n++] = bfinish(b);
  }
  qv_builder *b = bnew(hand_dict(qv_type_int16(), qv_type_string()));
  for (int i = 0; i < 8; i++) assert_int_equal(qv_builder_append_string(b, words[i % 2], -1), QV_OK);
  assert_int_equal(qv_builder_append_null(b), QV_OK);
  out[n++] = bfinish(b);
  b = bnew(hand_ree(qv_type_int16(), qv_type_string()));
  for (int i = 0; i < 4; i++) {
    assert_int_equal(qv_builder_append_string(qv_builder_child(b, 1), words[i % 2], -1), QV_OK);
    assert_int_equal(qv_builder_append_run(b, 1 + i), QV_OK);
  }
  out[n++] = bfinish(b);
  b = bnew(hand_map(qv_type_string(), qv_type_int64()));
  for (int i = 0; i < 3; i++) {
    qv_builder *en = qv_builder_child(b, 0);
    assert_int_equal(qv_builder_append_string(qv_builder_child(en, 0), "key", -1), QV_OK);
    assert_int_equal(qv_builder_append_int64(qv_builder_child(en, 1), i), QV_OK);
    assert_int_equal(qv_builder_finish_element(en), QV_OK);
    assert_int_equal(qv_builder_finish_element(b), QV_OK);
  }
  out[n++] = bfinish(b);
  b = bnew(hand_struct(2, FIELDS(hand_field("a", hand_fsl(qv_type_int32(), 2)), hand_field("b", qv_type_binary()))));
  for (int i = 0; i < 4; i++) {
    qv_builder *f = qv_builder_child(b, 0);
    assert_int_equal(qv_builder_append_int32(qv_builder_child(f, 0), i), QV_OK);
    assert_int_equal(qv_builder_append_int32(qv_builder_child(f, 0), -i), QV_OK);
    assert_int_equal(qv_builder_finish_element(f), QV_OK);
    assert_int_equal(qv_builder_append_binary(qv_builder_child(b, 1), "\x01\x02", 2), QV_OK);
    assert_int_equal(qv_builder_finish_element(b), QV_OK);
  }
  out[n++] = bfinish(b);
  b = bnew(hand_decimal(128, 10, 2));
  for (int i = 0; i < 4; i++) assert_int_equal(qv_builder_append_decimal_i64(b, 1234567 * i), QV_OK);
  out[n++] = bfinish(b);
  b = bnew(hand_time(32, QV_UNIT_SECOND));
  for (int i = 0; i < 4; i++) assert_int_equal(qv_builder_append_int32(b, 1000 * i), QV_OK);
  out[n++] = bfinish(b);
  return n;
}

static void test_mutations_never_crash(void **state) {
  (void)state;
  qv_array *samples[32];
  const int n = make_samples(samples);
  int full_ok = 0, total = 0;
  for (int s = 0; s < n; s++) {
    expect_valid(samples[s], QV_VALIDATE_FULL);
    for (int round = 0; round < 3000; round++) {
      qv_array *m = deep_copy(samples[s]);
      mutate(m);
      if (next() % 3 == 0) mutate(m);
      exercise(samples[s], m, &full_ok);
      total++;
      qv_array_release(m);
    }
  }
  /* both outcomes occur: the test exercised accepted and rejected input */
  assert_true(full_ok > 0);
  assert_true(full_ok < total);
  for (int s = 0; s < n; s++) qv_array_release(samples[s]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mutations_never_crash),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
