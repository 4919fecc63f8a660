/* The consumers after the reader, on arrays that pass structural validation
 * but break a content rule (docs/robustness.md, "The safety contract").
 *
 * Each test builds one hostile array by hand, checks that it passes
 * QV_VALIDATE_STRUCTURE (so a zero-copy reader would hand it out), then runs
 * the consumers that rely on that rule: the IPC writer (whole and sliced,
 * i.e. `quiver convert --batch-size 1`), the printer, the comparator, the
 * JSON writer and dictionary-delta concatenation. Every consumer must either
 * fail with QV_ERR_INVALID_DATA naming what and where, or give the right
 * answer; never read or write out of bounds, overflow, or make values up.
 *
 * Data and offsets buffers are wrapped malloc'd blocks of their exact size,
 * so ASan reports any byte read past them (quiver's own buffers are padded
 * to 64 bytes, which would hide a short overread).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "robust/robust_util.h"

#include "concat/internal.h" /* qv__array_concat2 */
#include "quiver/cdata.h"
#include "quiver/ipc.h"
#include "quiver/json.h"
#include "support/hand.h"

/* ---- building ---- */

static void free_block(void *ctx, const uint8_t *data, int64_t size) {
  (void)ctx;
  (void)size;
  free((void *)(uintptr_t)data);
}

/* A buffer over a malloc'd block of exactly n bytes holding a copy of p. */
static qv_buffer *exact_buf(const void *p, int64_t n) {
  void *m = malloc(n > 0 ? (size_t)n : 1);
  assert_non_null(m);
  if (n > 0) memcpy(m, p, (size_t)n);
  qv_buffer *b = NULL;
  qv_error e;
  hand_check(qv_buffer_wrap(m, n, free_block, NULL, &b, &e), &e, "wrap");
  return b;
}
#define EXACT(T, ...) exact_buf((const T[]){__VA_ARGS__}, (int64_t)sizeof((const T[]){__VA_ARGS__}))

/* A one-column batch "c" over `col` (takes the column reference). */
static qv_batch *one_column(qv_array *col) {
  qv_field *f = NULL;
  qv_schema *schema = NULL;
  qv_batch *batch = NULL;
  qv_error e;
  hand_check(qv_field_new("c", col->type, true, NULL, &f, &e), &e, "field");
  hand_check(qv_schema_new(&f, 1, NULL, &schema, &e), &e, "schema");
  hand_check(qv_batch_new(schema, col->length, &col, NULL, &batch, &e), &e, "batch");
  qv_field_release(f);
  qv_schema_release(schema);
  qv_array_release(col);
  return batch;
}

static void expect_structurally_valid(const qv_batch *b) {
  for (int32_t i = 0; i < b->n_columns; i++) expect_valid(b->columns[i], QV_VALIDATE_STRUCTURE);
}

/* ---- running consumers ---- */

/* Writes `batch` as an IPC stream, whole (length < 0) or as slices of
 * `length` rows through one writer; returns the status, message in e. */
static qv_status write_ipc(qv_batch *batch, int64_t length, qv_error *e) {
  qv_ipc_writer *w = NULL;
  qv_error_clear(e);
  qv_status st = qv_ipc_writer_open_memory(QV_IPC_FORMAT_STREAM, batch->schema, NULL, &w, e);
  if (st != QV_OK) return st;
  if (length < 0) {
    st = qv_ipc_writer_write_batch(w, batch, e);
  } else {
    for (int64_t at = 0; st == QV_OK && at < batch->length; at += length) {
      qv_batch *slice = NULL;
      int64_t n = batch->length - at < length ? batch->length - at : length;
      st = qv_batch_slice(batch, at, n, &slice, e);
      if (st == QV_OK) st = qv_ipc_writer_write_batch(w, slice, e);
      qv_batch_release(slice);
    }
  }
  if (st == QV_OK) st = qv_ipc_writer_close(w, e);
  qv_ipc_writer_free(w);
  return st;
}

static qv_status write_json(qv_batch *batch, qv_error *e) {
  qv_table *t = NULL;
  char *text = NULL;
  size_t size = 0;
  qv_error_clear(e);
  hand_check(qv_table_new(batch->schema, &batch, 1, &t, e), e, "table");
  qv_status st = qv_json_write_table_memory(t, NULL, &text, &size, e);
  qv_json_free(text);
  qv_table_release(t);
  return st;
}

static qv_status print_array(const qv_array *a, qv_error *e) {
  char *text = NULL;
  qv_error_clear(e);
  qv_status st = qv_array_to_string(a, NULL, &text, e);
  qv_free_string(text);
  return st;
}

static qv_array *slice_of(qv_array *a, int64_t off, int64_t len) {
  qv_array *s = NULL;
  qv_error e;
  hand_check(qv_array_slice(a, off, len, &s, &e), &e, "slice");
  return s;
}

/* ---- defect 2: writers trust offsets ---- */

/* utf8 over 9 data bytes with offsets [0, 300, 5, 9]: first and last are in
 * range (structure passes), the middle jumps past the data and comes back. */
static qv_array *utf8_offsets_jump(qv_buffer *validity, int64_t null_count) {
  return hand_array(qv_type_string(), 3, 0, null_count, 3,
                    BUFS(validity, EXACT(int32_t, 0, 300, 5, 9), exact_buf("abcdefghi", 9)), 0, NULL, NULL);
}

static void test_utf8_offsets_backwards_slice_write(void **state) {
  (void)state;
  qv_batch *b = one_column(utf8_offsets_jump(NULL, 0));
  expect_structurally_valid(b);
  qv_error e;
  /* Slices of one row: row 0 claims bytes [0, 300) of a 9-byte buffer. */
  hand_expect(write_ipc(b, 1, &e), &e, QV_ERR_INVALID_DATA, "column 'c'");
  hand_expect(QV_ERR_INVALID_DATA, &e, QV_ERR_INVALID_DATA, "row 0");
  /* Whole: the same offsets would go out as they are. */
  hand_expect(write_ipc(b, -1, &e), &e, QV_ERR_INVALID_DATA, "offset 300 at row 0");
  qv_batch_release(b);
}

static void test_utf8_offsets_backwards_null_compaction(void **state) {
  (void)state;
  /* Row 2 is null and owns bytes [5, 9): the writer compacts null slots,
   * gathering the valid slots' bytes by their offsets. */
  qv_batch *b = one_column(utf8_offsets_jump(EXACT(uint8_t, 0x03), 1));
  expect_structurally_valid(b);
  qv_error e;
  hand_expect(write_ipc(b, -1, &e), &e, QV_ERR_INVALID_DATA, "offset 300 at row 0");
  hand_expect(write_ipc(b, 2, &e), &e, QV_ERR_INVALID_DATA, "column 'c'");
  qv_batch_release(b);
}

static void test_utf8_offsets_near_int32_min_rebase(void **state) {
  (void)state;
  /* A slice starting at row 1 rebases by its first offset (2): a middle
   * offset of INT32_MIN would overflow int32 in `offset - first`. */
  qv_array *a = hand_array(qv_type_string(), 3, 0, 0, 3,
                           BUFS(NULL, EXACT(int32_t, 0, 2, INT32_MIN, 4), exact_buf("abcd", 4)), 0, NULL, NULL);
  expect_valid(a, QV_VALIDATE_STRUCTURE);
  qv_batch *b = one_column(slice_of(a, 1, 2));
  qv_array_release(a);
  qv_error e;
  hand_expect(write_ipc(b, -1, &e), &e, QV_ERR_INVALID_DATA, "row 0");
  qv_batch_release(b);
}

static void test_large_utf8_offsets_past_data_slice_write(void **state) {
  (void)state;
  qv_array *a = hand_array(qv_type_large_string(), 3, 0, 0, 3,
                           BUFS(NULL, EXACT(int64_t, 0, 1, INT64_MAX, 4), exact_buf("abcd", 4)), 0, NULL, NULL);
  qv_batch *b = one_column(a);
  expect_structurally_valid(b);
  qv_error e;
  hand_expect(write_ipc(b, 1, &e), &e, QV_ERR_INVALID_DATA, "row 0");
  qv_batch_release(b);
}

/* list<int32> (or large_list) with offsets [0, 100, 2, 3] over 3 child values. */
static qv_array *list_offsets_jump(qv_type_id id) {
  qv_array *child = hand_array(qv_type_int32(), 3, 0, 0, 2, BUFS(NULL, EXACT(int32_t, 7, 8, 9)), 0, NULL, NULL);
  qv_buffer *offs = id == QV_TYPE_LARGE_LIST ? EXACT(int64_t, 0, 100, 2, 3) : EXACT(int32_t, 0, 100, 2, 3);
  return hand_array(hand_list(id, qv_type_int32()), 3, 0, 0, 2, BUFS(NULL, offs), 1, KIDS(child), NULL);
}

static void test_list_offsets_backwards_slice_write(void **state) {
  (void)state;
  const qv_type_id ids[] = {QV_TYPE_LIST, QV_TYPE_LARGE_LIST};
  for (int k = 0; k < 2; k++) {
    qv_batch *b = one_column(list_offsets_jump(ids[k]));
    expect_structurally_valid(b);
    qv_error e;
    /* Row 0 would select child rows [0, 100) of 3. */
    hand_expect(write_ipc(b, 1, &e), &e, QV_ERR_INVALID_DATA, "offset 100 at row 0 goes backwards or outside [0, 3]");
    hand_expect(write_ipc(b, -1, &e), &e, QV_ERR_INVALID_DATA, "column 'c'");
    qv_batch_release(b);
  }
}

static void test_map_offsets_backwards_slice_write(void **state) {
  (void)state;
  qv_type *mt = hand_map(qv_type_int32(), qv_type_int32());
  qv_type *entries_t = qv_type_retain(qv_type_storage(mt)->children[0]->type);
  qv_array *keys = hand_array(qv_type_int32(), 2, 0, 0, 2, BUFS(NULL, EXACT(int32_t, 1, 2)), 0, NULL, NULL);
  qv_array *vals = hand_array(qv_type_int32(), 2, 0, 0, 2, BUFS(NULL, EXACT(int32_t, 3, 4)), 0, NULL, NULL);
  qv_array *entries = hand_array(entries_t, 2, 0, 0, 1, BUFS(NULL), 2, KIDS(keys, vals), NULL);
  qv_batch *b = one_column(hand_array(mt, 2, 0, 0, 2, BUFS(NULL, EXACT(int32_t, 0, -5, 2)), 1, KIDS(entries), NULL));
  expect_structurally_valid(b);
  qv_error e;
  hand_expect(write_ipc(b, 1, &e), &e, QV_ERR_INVALID_DATA, "offset -5 at row 0");
  qv_batch_release(b);
}

static void test_list_of_utf8_bad_child_offsets_names_path(void **state) {
  (void)state;
  /* The bad offsets are one level down: the message names the child. */
  qv_array *strs = utf8_offsets_jump(NULL, 0);
  qv_array *list = hand_array(hand_list(QV_TYPE_LIST, qv_type_string()), 1, 0, 0, 2, BUFS(NULL, EXACT(int32_t, 0, 3)),
                              1, KIDS(strs), NULL);
  qv_batch *b = one_column(list);
  expect_structurally_valid(b);
  qv_error e;
  hand_expect(write_ipc(b, -1, &e), &e, QV_ERR_INVALID_DATA, "column 'c': item: offset 300 at row 0");
  qv_batch_release(b);
}

static void test_concat_utf8_offsets_backwards(void **state) {
  (void)state;
  qv_array *bad = utf8_offsets_jump(NULL, 0), *good = STRS("x", "yz"), *out = NULL;
  expect_valid(bad, QV_VALIDATE_STRUCTURE);
  qv_error e;
  qv_error_clear(&e);
  hand_expect(qv__array_concat2(good, bad, &out, &e), &e, QV_ERR_INVALID_DATA, "second array: offset 300 at row 0");
  assert_null(out);
  qv_array *bad_slice = slice_of(bad, 1, 2);
  hand_expect(qv__array_concat2(bad_slice, good, &out, &e), &e, QV_ERR_INVALID_DATA, "first array");
  qv_array_release(bad_slice);
  qv_array_release(bad);
  qv_array_release(good);
}

static void test_large_list_view_offset_near_int64_max_concat(void **state) {
  (void)state;
  /* A list-view offset is bounded by full validation only; shifting it by
   * the first input's child length must not overflow. */
  qv_array *kid_a = hand_array(qv_type_int32(), 1, 0, 0, 2, BUFS(NULL, EXACT(int32_t, 1)), 0, NULL, NULL);
  qv_array *kid_b = hand_array(qv_type_int32(), 1, 0, 0, 2, BUFS(NULL, EXACT(int32_t, 2)), 0, NULL, NULL);
  qv_array *a = hand_array(hand_list(QV_TYPE_LARGE_LIST_VIEW, qv_type_int32()), 1, 0, 0, 3,
                           BUFS(NULL, EXACT(int64_t, 0), EXACT(int64_t, 1)), 1, KIDS(kid_a), NULL);
  qv_array *b = hand_array(hand_list(QV_TYPE_LARGE_LIST_VIEW, qv_type_int32()), 1, 0, 0, 3,
                           BUFS(NULL, EXACT(int64_t, INT64_MAX), EXACT(int64_t, 0)), 1, KIDS(kid_b), NULL);
  expect_valid(b, QV_VALIDATE_STRUCTURE);
  qv_array *out = NULL;
  qv_error e;
  qv_error_clear(&e);
  hand_expect(qv__array_concat2(a, b, &out, &e), &e, QV_ERR_OVERFLOW, "list view offsets overflow");
  assert_null(out);
  qv_array_release(a);
  qv_array_release(b);
}

static void test_view_buffer_index_out_of_range_concat(void **state) {
  (void)state;
  /* Shifting a view's buffer index by the first input's buffer count must
   * neither overflow int32 nor land an invalid index in the first input's
   * buffers. */
  qv_view v[1];
  memset(v, 0, sizeof v);
  v[0].ref.size = 20;
  v[0].ref.buffer_index = INT32_MAX;
  qv_array *a = hand_array(qv_type_string_view(), 0, 0, 0, 3, BUFS(NULL, NULL, exact_buf("abcdefghijklmnopqrst", 20)),
                           0, NULL, NULL);
  qv_array *b = hand_array(qv_type_string_view(), 1, 0, 0, 3, BUFS(NULL, exact_buf(v, sizeof v), NULL), 0, NULL, NULL);
  expect_valid(b, QV_VALIDATE_STRUCTURE);
  qv_array *out = NULL;
  qv_error e;
  qv_error_clear(&e);
  hand_expect(qv__array_concat2(a, b, &out, &e), &e, QV_ERR_INVALID_DATA, "view at row 0 refers to buffer 2147483647");
  assert_null(out);
  v[0].ref.buffer_index = 1; /* b has one data buffer: index 1 is a's only one after the shift */
  qv_array *b2 = hand_array(qv_type_string_view(), 1, 0, 0, 3, BUFS(NULL, exact_buf(v, sizeof v), NULL), 0, NULL, NULL);
  hand_expect(qv__array_concat2(a, b2, &out, &e), &e, QV_ERR_INVALID_DATA, "refers to buffer 1 of 1");
  /* The same bad view as the FIRST input, whose indices are not shifted:
   * the result must not keep a view naming a buffer it lacks. */
  hand_expect(qv__array_concat2(b2, a, &out, &e), &e, QV_ERR_INVALID_DATA,
              "first array: view at row 0 refers to buffer 1 of 1");
  assert_null(out);
  qv_array_release(b2);
  qv_array_release(a);
  qv_array_release(b);
}

static void test_utf8_offsets_backwards_print_and_json(void **state) {
  (void)state;
  /* Already checked slot by slot; kept here so it stays that way. */
  qv_batch *b = one_column(utf8_offsets_jump(NULL, 0));
  qv_error e;
  hand_expect(print_array(b->columns[0], &e), &e, QV_ERR_INVALID_DATA, "offsets not monotonic at row 1");
  hand_expect(write_json(b, &e), &e, QV_ERR_INVALID_DATA, "row 0");
  qv_batch_release(b);
}

/* ---- defect 4: run ends that are not increasing ---- */

/* run_end_encoded<int32, int32> of length 10 with run ends [5, 3, 10] over
 * values [1, 2, 3]: the last run end covers the length (structure passes),
 * but rows 3 and 4 are claimed by run 0 and by run 2. */
static qv_array *ree_unsorted(void) {
  qv_array *ends = hand_array(qv_type_int32(), 3, 0, 0, 2, BUFS(NULL, EXACT(int32_t, 5, 3, 10)), 0, NULL, NULL);
  qv_array *vals = hand_array(qv_type_int32(), 3, 0, 0, 2, BUFS(NULL, EXACT(int32_t, 1, 2, 3)), 0, NULL, NULL);
  return hand_array(hand_ree(qv_type_int32(), qv_type_int32()), 10, 0, 0, 0, NULL, 2, KIDS(ends, vals), NULL);
}

static void test_ree_unsorted_run_ends_print(void **state) {
  (void)state;
  qv_array *a = ree_unsorted();
  expect_valid(a, QV_VALIDATE_STRUCTURE);
  qv_error e;
  hand_expect(print_array(a, &e), &e, QV_ERR_INVALID_DATA, "run ends not strictly increasing at run 1");
  /* In a batch (what `quiver cat` prints) the message names the column. */
  qv_batch *b = one_column(qv_array_retain(a));
  char *text = NULL;
  qv_error_clear(&e);
  hand_expect(qv_batch_to_string(b, NULL, &text, &e), &e, QV_ERR_INVALID_DATA,
              "cannot print batch: column 'c': run_end_encoded array: run ends not strictly increasing at run 1");
  assert_null(text);
  qv_batch_release(b);
  /* A window whose own runs look fine still depends on run 0. */
  qv_array *s = slice_of(a, 3, 2);
  hand_expect(print_array(s, &e), &e, QV_ERR_INVALID_DATA, "cannot print");
  qv_array_release(s);
  qv_array_release(a);
}

/* Run ends [-4, 2, 5]: increasing, but run 0 ends before row 0 starts, so
 * rows 0 and 1 would be read from run 1 (made-up values). */
static void test_ree_negative_first_run_end_consumers(void **state) {
  (void)state;
  qv_array *ends = hand_array(qv_type_int32(), 3, 0, 0, 2, BUFS(NULL, EXACT(int32_t, -4, 2, 5)), 0, NULL, NULL);
  qv_array *vals = hand_array(qv_type_int32(), 3, 0, 0, 2, BUFS(NULL, EXACT(int32_t, 1, 2, 3)), 0, NULL, NULL);
  qv_array *a = hand_array(hand_ree(qv_type_int32(), qv_type_int32()), 5, 0, 0, 0, NULL, 2, KIDS(ends, vals), NULL);
  expect_valid(a, QV_VALIDATE_STRUCTURE);
  qv_error e;
  hand_expect(print_array(a, &e), &e, QV_ERR_INVALID_DATA, "first run end is -4");
  assert_false(qv_array_equals(a, a));
  qv_array_release(a);
}

static void test_ree_unsorted_run_ends_slice_write(void **state) {
  (void)state;
  qv_batch *b = one_column(ree_unsorted());
  qv_error e;
  /* One-row slices used to produce a fully valid file with invented values. */
  hand_expect(write_ipc(b, 1, &e), &e, QV_ERR_INVALID_DATA, "run end 1 is not above the one before it");
  hand_expect(QV_ERR_INVALID_DATA, &e, QV_ERR_INVALID_DATA, "column 'c'");
  hand_expect(write_ipc(b, -1, &e), &e, QV_ERR_INVALID_DATA, "run end 1");
  qv_batch_release(b);
}

static void test_ree_unsorted_run_ends_compare(void **state) {
  (void)state;
  qv_array *a = ree_unsorted();
  qv_array *s = slice_of(a, 3, 1);
  /* A valid one-row array holding 3: what a binary search finds for row 3. */
  qv_array *ends = hand_array(qv_type_int32(), 1, 0, 0, 2, BUFS(NULL, EXACT(int32_t, 1)), 0, NULL, NULL);
  qv_array *vals = hand_array(qv_type_int32(), 1, 0, 0, 2, BUFS(NULL, EXACT(int32_t, 3)), 0, NULL, NULL);
  qv_array *three = hand_array(hand_ree(qv_type_int32(), qv_type_int32()), 1, 0, 0, 0, NULL, 2, KIDS(ends, vals), NULL);
  expect_valid(three, QV_VALIDATE_FULL);
  assert_false(qv_array_equals(s, three));
  qv_error e;
  qv_error_clear(&e);
  qv_status st = qv_array_diff(s, three, &e);
  assert_int_not_equal(st, QV_OK);
  assert_non_null(strstr(e.message, "run ends not increasing"));
  qv_array_release(three);
  qv_array_release(s);
  qv_array_release(a);
}

static void test_ree_unsorted_run_ends_json_write(void **state) {
  (void)state;
  qv_array *a = ree_unsorted();
  qv_batch *b = one_column(slice_of(a, 3, 2));
  qv_array_release(a);
  qv_error e;
  hand_expect(write_json(b, &e), &e, QV_ERR_INVALID_DATA, "run end 1 is not above the one before it");
  qv_batch_release(b);
}

static void test_ree_unsorted_run_ends_concat(void **state) {
  (void)state;
  qv_array *a = ree_unsorted(), *out = NULL;
  qv_array *s = slice_of(a, 3, 2);
  qv_error e;
  qv_error_clear(&e);
  hand_expect(qv__array_concat2(s, s, &out, &e), &e, QV_ERR_INVALID_DATA, "run end 1 is not above");
  assert_null(out);
  qv_array_release(s);
  qv_array_release(a);
}

static void test_ree_run_ends_short_of_window_slice_write(void **state) {
  (void)state;
  /* Increasing run ends are still checked against the values child:
   * writing a slice of a valid array works and keeps the values. */
  qv_array *ends = hand_array(qv_type_int16(), 3, 0, 0, 2, BUFS(NULL, EXACT(int16_t, 2, 5, 10)), 0, NULL, NULL);
  qv_array *vals = hand_array(qv_type_int32(), 3, 0, 0, 2, BUFS(NULL, EXACT(int32_t, 1, 2, 3)), 0, NULL, NULL);
  qv_batch *b = one_column(
      hand_array(hand_ree(qv_type_int16(), qv_type_int32()), 10, 0, 0, 0, NULL, 2, KIDS(ends, vals), NULL));
  expect_valid(b->columns[0], QV_VALIDATE_FULL);
  qv_error e;
  assert_int_equal(write_ipc(b, 3, &e), QV_OK);
  assert_int_equal(write_json(b, &e), QV_OK);
  qv_batch_release(b);
}

/* ---- defect 5: lengths near INT64_MAX ---- */

static void test_bitmap_length_near_int64_max(void **state) {
  (void)state;
  const int64_t n = INT64_MAX - 6;
  assert_true(qv_bitmap_bytes(n) == INT64_MAX / 8 + 1);
  assert_true(qv_bitmap_bytes(INT64_MAX) == INT64_MAX / 8 + 1);
  assert_true(qv_bitmap_bytes(0) == 0 && qv_bitmap_bytes(1) == 1 && qv_bitmap_bytes(8) == 1 &&
              qv_bitmap_bytes(9) == 2);
  /* A bool column of that length over one byte must not pass structure. */
  qv_array *bools = hand_array(qv_type_bool(), n, 0, 0, 2, BUFS(NULL, EXACT(uint8_t, 1)), 0, NULL, NULL);
  expect_invalid(bools, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "");
  expect_invalid(bools, QV_VALIDATE_FULL, QV_ERR_INVALID_DATA, "");
  qv_array_release(bools);
}

static void test_bool_node_length_near_int64_max_ipc_read(void **state) {
  (void)state;
  /* The reproduction: a bool FieldNode of INT64_MAX - 6 slots over
   * one byte of values used to pass every size check (the bitmap size
   * wrapped negative), then printing and writing ran away. */
  const uint8_t one = 1;
  rt_body b;
  rt_body_init(&b, INT64_MAX - 6);
  rt_node(&b, INT64_MAX - 6, 0);
  rt_buf(&b, NULL, 0);
  rt_buf(&b, &one, 1);
  rt_bytes s;
  memset(&s, 0, sizeof s);
  rt_stream1(&s, qv_type_bool(), &b);
  rt_expect_stream(&s, NULL, QV_ERR_INVALID_DATA, "");
  rt_bytes_free(&s);
  rt_body_free(&b);
}

static void test_validity_length_near_int64_max(void **state) {
  (void)state;
  /* A struct has no buffer but its validity: only the bitmap size bounds
   * its length. */
  qv_array *kid = hand_array(qv_type_null(), INT64_MAX - 6, 0, INT64_MAX - 6, 0, NULL, 0, NULL, NULL);
  qv_type *st = hand_struct(1, FIELDS(hand_field("n", qv_type_null())));
  qv_array *s = hand_array(st, INT64_MAX - 6, 0, QV_NULL_COUNT_UNKNOWN, 1, BUFS(EXACT(uint8_t, 0xFF)), 1, KIDS(kid), NULL);
  expect_invalid(s, QV_VALIDATE_STRUCTURE, QV_ERR_INVALID_DATA, "");
  qv_array_release(s);
}

static void test_offsets_length_near_int64_max_structure(void **state) {
  (void)state;
  /* offset + length == INT64_MAX: the offsets buffer would need one entry
   * more than int64 counts. */
  qv_array *a = hand_array(qv_type_string(), INT64_MAX, 0, 0, 3, BUFS(NULL, EXACT(int32_t, 0, 0), NULL), 0, NULL,
                           NULL);
  expect_invalid(a, QV_VALIDATE_STRUCTURE, QV_ERR_OVERFLOW, "offsets buffer size overflows");
  qv_array_release(a);
}

static void test_offsets_node_length_int64_max_ipc_read(void **state) {
  (void)state;
  /* The same through the IPC body reader: a utf8 FieldNode of INT64_MAX
   * slots over a 2-entry offsets buffer. */
  const int32_t offs[2] = {0, 0};
  rt_body b;
  rt_body_init(&b, INT64_MAX);
  rt_node(&b, INT64_MAX, 0);
  rt_buf(&b, NULL, 0);
  rt_buf(&b, offs, sizeof offs);
  rt_buf(&b, NULL, 0);
  rt_bytes s;
  memset(&s, 0, sizeof s);
  rt_stream1(&s, qv_type_string(), &b);
  rt_expect_stream(&s, NULL, QV_ERR_OVERFLOW, "overflow");
  rt_bytes_free(&s);
  rt_body_free(&b);
}

static void test_builder_fixed_size_binary_reserve_overflow(void **state) {
  (void)state;
  /* The builder caps slots at INT64_MAX / 32, which keeps slots x 32 bytes
   * in range but not slots x a fixed_size_binary width of 2^28 - 1. */
  qv_type *t = NULL;
  qv_builder *b = NULL;
  qv_error e;
  hand_check(qv_type_fixed_size_binary((1 << 28) - 1, &t, &e), &e, "type");
  hand_check(qv_builder_new(t, NULL, &b, &e), &e, "builder");
  qv_type_release(t);
  qv_error_clear(&e);
  hand_expect(qv_builder_reserve(b, (int64_t)1 << 40, &e), &e, QV_ERR_OVERFLOW, "overflows");
  qv_builder_free(b);
}

/* ---- C Data export ---- */

static void test_cdata_export_empty_offsets_elided_at_offset(void **state) {
  (void)state;
  /* An empty utf8 array at offset 5 without an offsets buffer passes
   * structure; its export must not point a consumer at offsets[5] of a
   * 2-entry stand-in. Importing it back reads those offsets. */
  qv_array *a = hand_array(qv_type_string(), 0, 5, 0, 3, BUFS(NULL, NULL, NULL), 0, NULL, NULL);
  expect_valid(a, QV_VALIDATE_STRUCTURE);
  struct ArrowArray c;
  qv_array *back = NULL;
  qv_error e;
  hand_check(qv_array_export(a, &c, &e), &e, "export");
  hand_check(qv_array_import(&c, a->type, &back, &e), &e, "import");
  assert_int_equal(back->length, 0);
  expect_valid(back, QV_VALIDATE_FULL);
  qv_array_release(back);
  qv_array_release(a);
}

/* ---- contents the accessors check: indices, type ids, views ---- */

/* Runs the consumers over column 0 of b: the printer either refuses or,
 * where pyarrow's layout prints the raw content (dictionary indices, union
 * type ids and offsets), shows it (`raw` in the text). The IPC writer
 * refuses with `ipc_refusal` in its message, or (NULL) writes as is. */
static void expect_consumers_refuse(qv_batch *b, const char *raw, bool compare_invalid, const char *ipc_refusal) {
  expect_structurally_valid(b);
  qv_error e;
  char *text = NULL;
  qv_error_clear(&e);
  qv_status st = qv_array_to_string(b->columns[0], NULL, &text, &e);
  if (raw == NULL) {
    hand_expect(st, &e, QV_ERR_INVALID_DATA, "cannot print");
  } else {
    assert_int_equal(st, QV_OK);
    if (strstr(text, raw) == NULL) fail_msg("expected \"%s\" in \"%s\"", raw, text);
  }
  qv_free_string(text);
  /* Integration JSON also carries indices, ids and offsets raw; views are
   * written as strings, so a view past its buffer is refused. */
  if (raw == NULL)
    hand_expect(write_json(b, &e), &e, QV_ERR_INVALID_DATA, "column 'c': row 1: view");
  else
    assert_int_equal(write_json(b, &e), QV_OK);
  /* The IPC writer does not follow dictionary indices: it writes them as
   * they are (a reader validates them). It follows union ids and offsets and
   * views to write only what each slice references (body_compact.c), so it
   * refuses bad ones, naming the row; either way it never reads past. */
  if (ipc_refusal == NULL)
    assert_int_equal(write_ipc(b, 1, &e), QV_OK);
  else
    hand_expect(write_ipc(b, 1, &e), &e, QV_ERR_INVALID_DATA, ipc_refusal);
  /* Compared with a slice of itself (not the same pointer): a comparison
   * that follows the bad slot reports invalid data rather than reading it;
   * dictionaries compare equal dictionaries' indices as numbers. */
  qv_array *whole = slice_of(b->columns[0], 0, b->length);
  qv_error_clear(&e);
  if (compare_invalid) {
    assert_int_not_equal(qv_array_diff(b->columns[0], whole, &e), QV_OK);
    assert_non_null(strstr(e.message, "invalid data"));
  } else {
    assert_int_equal(qv_array_diff(b->columns[0], whole, &e), QV_OK);
  }
  qv_array_release(whole);
}

static void test_dictionary_indices_out_of_range_consumers(void **state) {
  (void)state;
  qv_array *dict = STRS("a", "b");
  qv_batch *b = one_column(hand_array(hand_dict(qv_type_int32(), qv_type_string()), 2, 0, 0, 2,
                                      BUFS(NULL, EXACT(int32_t, 1, 1000000)), 0, NULL, dict));
  expect_consumers_refuse(b, "1000000", false, NULL);
  qv_batch_release(b);
}

static void test_union_type_ids_out_of_range_consumers(void **state) {
  (void)state;
  qv_array *kid = hand_array(qv_type_int32(), 1, 0, 0, 2, BUFS(NULL, EXACT(int32_t, 5)), 0, NULL, NULL);
  qv_type *ut = hand_union(QV_TYPE_DENSE_UNION, 1, FIELDS(hand_field("i", qv_type_int32())), (const int8_t[]){0});
  /* Row 0: declared code 0 at offset 7 of a 1-row child; row 1: code 9. */
  qv_batch *b = one_column(
      hand_array(ut, 2, 0, 0, 2, BUFS(EXACT(int8_t, 0, 9), EXACT(int32_t, 7, 0)), 1, KIDS(kid), NULL));
  expect_consumers_refuse(b, "9", true, "batch 0, column 'c': dense union row 0: offset 7 outside child 0 of length 1");
  qv_batch_release(b);
}

static void test_view_offsets_past_buffer_consumers(void **state) {
  (void)state;
  qv_view v[2];
  memset(v, 0, sizeof v);
  v[0].inlined.size = 2;
  memcpy(v[0].inlined.data, "hi", 2);
  v[1].ref.size = 20;
  memcpy(v[1].ref.prefix, "abcd", 4);
  v[1].ref.buffer_index = 0;
  v[1].ref.offset = 10; /* 10 + 20 bytes of a 16-byte buffer */
  qv_batch *b = one_column(hand_array(qv_type_string_view(), 2, 0, 0, 3,
                                      BUFS(NULL, exact_buf(v, sizeof v), exact_buf("abcdefghijklmnop", 16)), 0,
                                      NULL, NULL));
  expect_consumers_refuse(b, NULL, true,
                          "batch 1, column 'c': view row 0: bytes [10, 30) outside data buffer 0 of 16 bytes");
  qv_batch_release(b);
}

/* An optional argument runs only the tests matching it (cmocka pattern). */
int main(int argc, char **argv) {
  if (argc > 1) cmocka_set_test_filter(argv[1]);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_utf8_offsets_backwards_slice_write),
      cmocka_unit_test(test_utf8_offsets_backwards_null_compaction),
      cmocka_unit_test(test_utf8_offsets_near_int32_min_rebase),
      cmocka_unit_test(test_large_utf8_offsets_past_data_slice_write),
      cmocka_unit_test(test_list_offsets_backwards_slice_write),
      cmocka_unit_test(test_map_offsets_backwards_slice_write),
      cmocka_unit_test(test_list_of_utf8_bad_child_offsets_names_path),
      cmocka_unit_test(test_concat_utf8_offsets_backwards),
      cmocka_unit_test(test_large_list_view_offset_near_int64_max_concat),
      cmocka_unit_test(test_view_buffer_index_out_of_range_concat),
      cmocka_unit_test(test_utf8_offsets_backwards_print_and_json),
      cmocka_unit_test(test_ree_unsorted_run_ends_print),
      cmocka_unit_test(test_ree_negative_first_run_end_consumers),
      cmocka_unit_test(test_ree_unsorted_run_ends_slice_write),
      cmocka_unit_test(test_ree_unsorted_run_ends_compare),
      cmocka_unit_test(test_ree_unsorted_run_ends_json_write),
      cmocka_unit_test(test_ree_unsorted_run_ends_concat),
      cmocka_unit_test(test_ree_run_ends_short_of_window_slice_write),
      cmocka_unit_test(test_bitmap_length_near_int64_max),
      cmocka_unit_test(test_bool_node_length_near_int64_max_ipc_read),
      cmocka_unit_test(test_validity_length_near_int64_max),
      cmocka_unit_test(test_offsets_length_near_int64_max_structure),
      cmocka_unit_test(test_offsets_node_length_int64_max_ipc_read),
      cmocka_unit_test(test_builder_fixed_size_binary_reserve_overflow),
      cmocka_unit_test(test_cdata_export_empty_offsets_elided_at_offset),
      cmocka_unit_test(test_dictionary_indices_out_of_range_consumers),
      cmocka_unit_test(test_union_type_ids_out_of_range_consumers),
      cmocka_unit_test(test_view_offsets_past_buffer_consumers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
