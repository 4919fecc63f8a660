/* Tests for the content (QV_VALIDATE_FULL) rules of src/validate: each
 * hand-built array passes STRUCTURE and fails FULL with the expected code
 * and message (row numbers included).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "support/hand.h"

static void test_offsets_not_monotonic(void **state) {
  (void)state;
  qv_array *a = hand_array(qv_type_string(), 9, 0, 0, 3,
                           BUFS(NULL, BUFV(int32_t, 0, 1, 2, 3, 4, 5, 6, 12, 9, 12), hand_buf("abcdefghijkl", 12)), 0,
                           NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "string array: offsets not monotonic at row 7: 12 > 9");
  qv_array_release(a);
  /* large offsets, list, and rows counted from a slice's start */
  a = hand_array(qv_type_large_binary(), 3, 1, 0, 3, BUFS(NULL, BUFV(int64_t, 0, 1, 3, 2, 4), hand_buf("abcd", 4)), 0,
                 NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "offsets not monotonic at row 1: 3 > 2");
  qv_array_release(a);
  a = hand_array(hand_list(QV_TYPE_LIST, qv_type_int32()), 2, 0, 0, 2, BUFS(NULL, BUFV(int32_t, 0, 3, 2)), 1,
                 KIDS(I32(1, 2, 3)), NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "list array: offsets not monotonic at row 1: 3 > 2");
  qv_array_release(a);
  /* offsets under null slots must be monotonic too */
  a = hand_array(qv_type_string(), 2, 0, 1, 3, BUFS(BUFV(uint8_t, 1), BUFV(int32_t, 0, 2, 1), hand_buf("ab", 2)), 0,
                 NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "offsets not monotonic at row 1: 2 > 1");
  qv_array_release(a);
}

static void test_null_count_popcount(void **state) {
  (void)state;
  qv_array *a = hand_array(qv_type_int32(), 4, 0, 1, 2, BUFS(BUFV(uint8_t, 0x05), BUFV(int32_t, 1, 2, 3, 4)), 0,
                           NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "null_count 1 does not match the validity bitmap (2 nulls)");
  qv_array_release(a);
  a = hand_array(qv_type_int32(), 4, 0, -1, 2, BUFS(BUFV(uint8_t, 0x05), BUFV(int32_t, 1, 2, 3, 4)), 0, NULL, NULL);
  expect_valid(a, QV_VALIDATE_FULL);
  qv_array_release(a);
}

static void test_utf8_in_string_array(void **state) {
  (void)state;
  /* row 3 = "ab\xC3(" : byte 2 starts a 2-byte sequence followed by '(' */
  qv_array *a = STRS("x", "yy", "zzz", "ab\xC3(");
  expect_full_only(a, QV_ERR_INVALID_DATA, "string array: invalid UTF-8 at row 3, byte 2 (0xC3 followed by 0x28)");
  qv_array_release(a);
  /* invalid bytes under a null slot are ignored */
  int32_t offs[] = {0, 1, 3, 4};
  a = hand_array(qv_type_string(), 3, 0, 1, 3, BUFS(BUFV(uint8_t, 0x05), hand_buf(offs, 16), hand_buf("a\xFF\xFE" "b", 4)),
                 0, NULL, NULL);
  expect_valid(a, QV_VALIDATE_FULL);
  qv_array_release(a);
  /* a character split across two slots is invalid in both */
  a = hand_array(qv_type_large_string(), 2, 0, 0, 3,
                 BUFS(NULL, BUFV(int64_t, 0, 2, 4), hand_buf("a\xC3\xA9" "b", 4)), 0, NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "large_string array: invalid UTF-8 at row 0, byte 1 (truncated sequence 0xC3 at end of value)");
  qv_array_release(a);
  /* binary is not checked */
  a = hand_array(qv_type_binary(), 1, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 2), hand_buf("\xFF\xFF", 2)), 0, NULL, NULL);
  expect_valid(a, QV_VALIDATE_FULL);
  qv_array_release(a);
}

static qv_buffer *views(int n, const qv_view *v) { return hand_buf(v, n * 16); }

static qv_view inline_view(const char *s) {
  qv_view v;
  memset(&v, 0, sizeof v);
  v.inlined.size = (int32_t)strlen(s);
  memcpy(v.inlined.data, s, strlen(s));
  return v;
}
static qv_view ref_view(int32_t size, const char *prefix, int32_t buf, int32_t off) {
  qv_view v;
  memset(&v, 0, sizeof v);
  v.ref.size = size;
  memcpy(v.ref.prefix, prefix, 4);
  v.ref.buffer_index = buf;
  v.ref.offset = off;
  return v;
}

static void test_views(void **state) {
  (void)state;
  const char *data = "hello world, this is long";
  qv_buffer *d0 = hand_buf(data, 25);
  qv_view good[2] = {inline_view("hi"), ref_view(20, "hell", 0, 0)};
  qv_array *a = hand_array(qv_type_string_view(), 2, 0, 0, 3, BUFS(NULL, views(2, good), qv_buffer_retain(d0)), 0,
                           NULL, NULL);
  expect_valid(a, QV_VALIDATE_FULL);
  qv_array_release(a);

  qv_view neg[2] = {inline_view("hi"), inline_view("")};
  neg[1].inlined.size = -3;
  a = hand_array(qv_type_binary_view(), 2, 0, 0, 2, BUFS(NULL, views(2, neg)), 0, NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "view at row 1 has negative size -3");
  qv_array_release(a);

  qv_view badbuf[1] = {ref_view(20, "hell", 1, 0)};
  a = hand_array(qv_type_binary_view(), 1, 0, 0, 3, BUFS(NULL, views(1, badbuf), qv_buffer_retain(d0)), 0, NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "view at row 0 refers to data buffer 1, but the array has 1 data buffers");
  qv_array_release(a);

  qv_view outside[2] = {inline_view("x"), ref_view(20, "o wo", 0, 10)};
  a = hand_array(qv_type_binary_view(), 2, 0, 0, 3, BUFS(NULL, views(2, outside), qv_buffer_retain(d0)), 0, NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "view at row 1: bytes [10, 30) are outside data buffer 0 of 25 bytes");
  qv_array_release(a);

  qv_view negoff[1] = {ref_view(13, "hell", 0, -1)};
  a = hand_array(qv_type_binary_view(), 1, 0, 0, 3, BUFS(NULL, views(1, negoff), qv_buffer_retain(d0)), 0, NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "view at row 0 has negative offset -1");
  qv_array_release(a);

  qv_view prefix[1] = {ref_view(13, "help", 0, 0)};
  a = hand_array(qv_type_binary_view(), 1, 0, 0, 3, BUFS(NULL, views(1, prefix), qv_buffer_retain(d0)), 0, NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "view at row 0: prefix 68656C70 does not match the data 68656C6C");
  qv_array_release(a);

  /* a bad view under a null slot is not looked at */
  a = hand_array(qv_type_binary_view(), 1, 0, 1, 3, BUFS(BUFV(uint8_t, 0), views(1, prefix), qv_buffer_retain(d0)), 0,
                 NULL, NULL);
  expect_valid(a, QV_VALIDATE_FULL);
  qv_array_release(a);

  /* UTF-8 of inline and out-of-line string views */
  qv_buffer *bad = hand_buf("0123456789abc\xED\xA0\x80", 16);
  qv_view u[2] = {inline_view("ok"), ref_view(16, "0123", 0, 0)};
  a = hand_array(qv_type_string_view(), 2, 0, 0, 3, BUFS(NULL, views(2, u), bad), 0, NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "string_view array: invalid UTF-8 at row 1, byte 13 (UTF-16 surrogate 0xED 0xA0)");
  qv_array_release(a);
  qv_view ui[1] = {inline_view("a\xF8")};
  a = hand_array(qv_type_string_view(), 1, 0, 0, 2, BUFS(NULL, views(1, ui)), 0, NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "invalid UTF-8 at row 0, byte 1 (invalid byte 0xF8)");
  qv_array_release(a);
  qv_buffer_release(d0);
}

static void test_list_views(void **state) {
  (void)state;
  qv_type *lt = hand_list(QV_TYPE_LIST_VIEW, qv_type_int32());
  /* valid: overlapping, unordered ranges */
  qv_array *a = hand_array(qv_type_retain(lt), 3, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 2, 0, 1), BUFV(int32_t, 1, 3, 2)),
                           1, KIDS(I32(1, 2, 3)), NULL);
  expect_valid(a, QV_VALIDATE_FULL);
  qv_array_release(a);
  a = hand_array(qv_type_retain(lt), 2, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 2), BUFV(int32_t, 1, 2)), 1,
                 KIDS(I32(1, 2, 3)), NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "list view at row 1: range [2, 4) outside child of length 3");
  qv_array_release(a);
  a = hand_array(qv_type_retain(lt), 2, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 0, 4), BUFV(int32_t, 1, 0)), 1,
                 KIDS(I32(1, 2, 3)), NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "list view at row 1: offset 4 outside child of length 3");
  qv_array_release(a);
  a = hand_array(qv_type_retain(lt), 1, 0, 0, 3, BUFS(NULL, BUFV(int32_t, 1), BUFV(int32_t, -1)), 1, KIDS(I32(1, 2, 3)),
                 NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "list view at row 0 has negative size -1");
  qv_array_release(a);
  /* null slots are checked too (the spec's rule holds for every slot) */
  a = hand_array(qv_type_retain(lt), 1, 0, 1, 3, BUFS(BUFV(uint8_t, 0), BUFV(int32_t, 9), BUFV(int32_t, 0)), 1,
                 KIDS(I32(1)), NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "list view at row 0: offset 9 outside child of length 1");
  qv_array_release(a);
  qv_type_release(lt);
}

static void test_unions(void **state) {
  (void)state;
  const int8_t codes[2] = {5, 7};
  qv_type *su = hand_union(QV_TYPE_SPARSE_UNION, 2, FIELDS(hand_field("i", qv_type_int32()), hand_field("s", qv_type_string())),
                           codes);
  qv_array *a = hand_array(qv_type_retain(su), 3, 0, 0, 1, BUFS(BUFV(int8_t, 5, 7, 6)), 2,
                           KIDS(I32(1, 2, 3), STRS("a", "b", "c")), NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "sparse_union array: type id 6 at row 2 is not declared by the union type");
  qv_array_release(a);
  a = hand_array(qv_type_retain(su), 2, 0, 0, 1, BUFS(BUFV(int8_t, 5, -1)), 2, KIDS(I32(1, 2), STRS("a", "b")), NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "type id -1 at row 1 is not declared");
  qv_array_release(a);
  qv_type_release(su);

  qv_type *du = hand_union(QV_TYPE_DENSE_UNION, 2, FIELDS(hand_field("i", qv_type_int32()), hand_field("s", qv_type_string())),
                           NULL);
  a = hand_array(qv_type_retain(du), 3, 0, 0, 2, BUFS(BUFV(int8_t, 0, 1, 1), BUFV(int32_t, 0, 0, 1)), 2,
                 KIDS(I32(1), STRS("a", "b")), NULL);
  expect_valid(a, QV_VALIDATE_FULL);
  qv_array_release(a);
  a = hand_array(qv_type_retain(du), 3, 0, 0, 2, BUFS(BUFV(int8_t, 0, 1, 1), BUFV(int32_t, 0, 0, 2)), 2,
                 KIDS(I32(1), STRS("a", "b")), NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "dense_union array: offset 2 at row 2 is outside child 1 ('s') of length 2");
  qv_array_release(a);
  a = hand_array(qv_type_retain(du), 1, 0, 0, 2, BUFS(BUFV(int8_t, 0), BUFV(int32_t, -4)), 2,
                 KIDS(I32(1), STRS("a", "b")), NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "offset -4 at row 0 is outside child 0 ('i') of length 1");
  qv_array_release(a);
  /* like Arrow C++, unordered per-child offsets are accepted */
  a = hand_array(qv_type_retain(du), 2, 0, 0, 2, BUFS(BUFV(int8_t, 1, 1), BUFV(int32_t, 1, 0)), 2,
                 KIDS(I32(1), STRS("a", "b")), NULL);
  expect_valid(a, QV_VALIDATE_FULL);
  qv_array_release(a);
  qv_type_release(du);
}

static void test_dictionary_indices(void **state) {
  (void)state;
  qv_array *a = hand_array(hand_dict(qv_type_int32(), qv_type_string()), 3, 0, 0, 2, BUFS(NULL, BUFV(int32_t, 0, 1, 3)),
                           0, NULL, STRS("a", "b", "c"));
  expect_full_only(a, QV_ERR_INVALID_DATA, "dictionary array: dictionary index 3 at row 2 is outside [0, 3)");
  qv_array_release(a);
  a = hand_array(hand_dict(qv_type_int8(), qv_type_string()), 2, 0, 0, 2, BUFS(NULL, BUFV(int8_t, -1, 0)), 0, NULL,
                 STRS("a"));
  expect_full_only(a, QV_ERR_INVALID_DATA, "dictionary index -1 at row 0");
  qv_array_release(a);
  /* unsigned indices: 200 is 200, not -56 */
  a = hand_array(hand_dict(qv_type_uint8(), qv_type_string()), 1, 0, 0, 2, BUFS(NULL, BUFV(uint8_t, 200)), 0, NULL,
                 STRS("a"));
  expect_full_only(a, QV_ERR_INVALID_DATA, "dictionary index 200 at row 0 is outside [0, 1)");
  qv_array_release(a);
  a = hand_array(hand_dict(qv_type_uint64(), qv_type_string()), 1, 0, 0, 2, BUFS(NULL, BUFV(uint64_t, UINT64_MAX)), 0,
                 NULL, STRS("a"));
  expect_full_only(a, QV_ERR_INVALID_DATA, "dictionary index 18446744073709551615 at row 0");
  qv_array_release(a);
  /* out-of-range index under a null slot is fine */
  a = hand_array(hand_dict(qv_type_int32(), qv_type_string()), 2, 0, 1, 2, BUFS(BUFV(uint8_t, 1), BUFV(int32_t, 0, 99)),
                 0, NULL, STRS("a"));
  expect_valid(a, QV_VALIDATE_FULL);
  qv_array_release(a);
  /* the dictionary itself is validated (path "<dictionary>") */
  a = hand_array(hand_dict(qv_type_int32(), qv_type_string()), 1, 0, 0, 2, BUFS(NULL, BUFV(int32_t, 0)), 0, NULL,
                 STRS("\xC0\x80"));
  expect_full_only(a, QV_ERR_INVALID_DATA, "<dictionary>: string array: invalid UTF-8 at row 0, byte 0 (overlong encoding 0xC0)");
  qv_array_release(a);
}

static void test_run_ends(void **state) {
  (void)state;
  qv_type *rt = hand_ree(qv_type_int32(), qv_type_int64());
  qv_array *a = hand_array(qv_type_retain(rt), 4, 0, 0, 0, NULL, 2, KIDS(I32(0, 4), I64(1, 2)), NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "run_end_encoded array: first run end is 0, must be >= 1");
  qv_array_release(a);
  a = hand_array(qv_type_retain(rt), 5, 0, 0, 0, NULL, 2, KIDS(I32(2, 2, 5), I64(1, 2, 3)), NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "run ends not strictly increasing at run 1: 2 >= 2");
  qv_array_release(a);
  /* a null run end with an unknown null count is found by the full check */
  qv_array *ends = hand_array(qv_type_int32(), 2, 0, -1, 2, BUFS(BUFV(uint8_t, 1), BUFV(int32_t, 2, 4)), 0, NULL, NULL);
  a = hand_array(qv_type_retain(rt), 4, 0, 0, 0, NULL, 2, KIDS(ends, I64(1, 2)), NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "run_ends must not contain nulls (null at run 1)");
  qv_array_release(a);
  /* valid and sliced */
  a = hand_array(qv_type_retain(rt), 3, 2, 0, 0, NULL, 2, KIDS(I32(2, 4, 5), I64(1, 2, 3)), NULL);
  expect_valid(a, QV_VALIDATE_FULL);
  qv_array_release(a);
  qv_type_release(rt);
}

static void test_maps(void **state) {
  (void)state;
  qv_type *mt = hand_map(qv_type_string(), qv_type_int32());
  const qv_type *et = mt->children[0]->type;
  qv_array *entries = hand_array(qv_type_retain((qv_type *)et), 2, 0, 0, 1, BUFS(NULL), 2,
                                 KIDS(STRS("k", NULL), I32(1, 2)), NULL);
  qv_array *m = hand_array(qv_type_retain(mt), 1, 0, 0, 2, BUFS(NULL, BUFV(int32_t, 0, 2)), 1, KIDS(entries), NULL);
  expect_full_only(m, QV_ERR_INVALID_DATA, "map array: map keys must not be null (null key at entries row 1)");
  qv_array_release(m);
  entries = hand_array(qv_type_retain((qv_type *)et), 2, 0, 1, 1, BUFS(BUFV(uint8_t, 2)), 2,
                       KIDS(STRS("k", "l"), I32(1, 2)), NULL);
  m = hand_array(qv_type_retain(mt), 1, 0, 0, 2, BUFS(NULL, BUFV(int32_t, 0, 2)), 1, KIDS(entries), NULL);
  expect_full_only(m, QV_ERR_INVALID_DATA, "map entries must not be null (null entry at entries row 0)");
  qv_array_release(m);
  qv_type_release(mt);
}

static void test_decimals(void **state) {
  (void)state;
  /* decimal128(5, 2): |v| < 100000 */
  int64_t v128[4] = {99999, 0, 100000, 0};
  qv_array *a = hand_array(hand_decimal(128, 5, 2), 2, 0, 0, 2, BUFS(NULL, hand_buf(v128, 32)), 0, NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "decimal128 array: value at row 1 has more digits than precision 5: 100000");
  qv_array_release(a);
  int64_t neg[2] = {-100000, -1};
  a = hand_array(hand_decimal(128, 5, 2), 1, 0, 0, 2, BUFS(NULL, hand_buf(neg, 16)), 0, NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "precision 5: -100000");
  qv_array_release(a);
  /* decimal32 / decimal64 */
  a = hand_array(hand_decimal(32, 3, 0), 3, 0, 0, 2, BUFS(NULL, BUFV(int32_t, 999, -999, 1000)), 0, NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "decimal32 array: value at row 2 has more digits than precision 3: 1000");
  qv_array_release(a);
  a = hand_array(hand_decimal(64, 18, 0), 2, 0, 0, 2, BUFS(NULL, BUFV(int64_t, 999999999999999999, INT64_MIN)), 0, NULL,
                 NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "row 1 has more digits than precision 18: -9223372036854775808");
  qv_array_release(a);
  /* decimal256(76): 10^76 - 1 fits, 10^76 does not; 256-bit extremes */
  uint64_t p76[8] = {0xFFFFFFFFFFFFFFFFull, 0x7775A5F171950FFFull, 0x0764B4ABE8652979ull, 0x161BCCA7119915B5ull,
                     0, 0x7775A5F171951000ull, 0x0764B4ABE8652979ull, 0x161BCCA7119915B5ull}; /* 10^76 - 1, 10^76 */
  a = hand_array(hand_decimal(256, 76, 0), 1, 0, 0, 2, BUFS(NULL, hand_buf(p76, 64)), 0, NULL, NULL);
  expect_valid(a, QV_VALIDATE_FULL);
  qv_array_release(a);
  a = hand_array(hand_decimal(256, 76, 0), 2, 0, 0, 2, BUFS(NULL, hand_buf(p76, 64)), 0, NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "row 1 has more digits than precision 76: 1" "0000000000");
  qv_array_release(a);
  uint64_t big[8] = {0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFFFFFFFFFFull, 0x7FFFFFFFFFFFFFFFull,
                     0, 0, 0, 0x8000000000000000ull};
  a = hand_array(hand_decimal(256, 76, 0), 2, 0, 0, 2, BUFS(NULL, hand_buf(big, 64)), 0, NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "row 0 has more digits than precision 76: 57896044618658097711785492504343953926634992332820282019728792003956564819967");
  qv_array_release(a);
  a = hand_array(hand_decimal(256, 76, 0), 1, 1, 0, 2, BUFS(NULL, hand_buf(big, 64)), 0, NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "-57896044618658097711785492504343953926634992332820282019728792003956564819968");
  qv_array_release(a);
  /* values under nulls are not checked */
  a = hand_array(hand_decimal(32, 1, 0), 2, 0, 1, 2, BUFS(BUFV(uint8_t, 1), BUFV(int32_t, 9, 12345)), 0, NULL, NULL);
  expect_valid(a, QV_VALIDATE_FULL);
  qv_array_release(a);
}

static void test_dates_and_times(void **state) {
  (void)state;
  qv_array *a = hand_array(qv_type_date64(), 2, 0, 0, 2, BUFS(NULL, BUFV(int64_t, -86400000, 86400001)), 0, NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "date64 array: value at row 1 is not a whole number of days: 86400001 ms");
  qv_array_release(a);
  a = hand_array(hand_time(32, QV_UNIT_SECOND), 2, 0, 0, 2, BUFS(NULL, BUFV(int32_t, 86399, 86400)), 0, NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "time32 array: time of day at row 1 is outside [0, 86400): 86400");
  qv_array_release(a);
  a = hand_array(hand_time(32, QV_UNIT_MILLI), 1, 0, 0, 2, BUFS(NULL, BUFV(int32_t, -1)), 0, NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "outside [0, 86400000): -1");
  qv_array_release(a);
  a = hand_array(hand_time(64, QV_UNIT_NANO), 2, 0, 0, 2, BUFS(NULL, BUFV(int64_t, 86399999999999, 86400000000000)), 0,
                 NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "time64 array: time of day at row 1 is outside [0, 86400000000000)");
  qv_array_release(a);
  a = hand_array(hand_time(64, QV_UNIT_MICRO), 1, 0, 0, 2, BUFS(NULL, BUFV(int64_t, 86400000000)), 0, NULL, NULL);
  expect_full_only(a, QV_ERR_INVALID_DATA, "outside [0, 86400000000)");
  qv_array_release(a);
}

static void test_nested_content_paths(void **state) {
  (void)state;
  /* struct<a: int32, b: string> with bad UTF-8 in b, row 1, inside a batch */
  qv_type *st = hand_struct(2, FIELDS(hand_field("a", qv_type_int32()), hand_field("b", qv_type_string())));
  qv_array *s = hand_array(st, 2, 0, 0, 1, BUFS(NULL), 2, KIDS(I32(1, 2), STRS("ok", "\xE2\x82")), NULL);
  qv_field *f = hand_field("col", qv_type_retain(s->type));
  qv_schema *schema = NULL;
  assert_int_equal(qv_schema_new(&f, 1, NULL, &schema, NULL), QV_OK);
  qv_batch *batch = NULL;
  assert_int_equal(qv_batch_new(schema, 2, &s, NULL, &batch, NULL), QV_OK);
  qv_error e;
  assert_int_equal(qv_batch_validate(batch, QV_VALIDATE_STRUCTURE, &e), QV_OK);
  hand_expect(qv_batch_validate(batch, QV_VALIDATE_FULL, &e), &e, QV_ERR_INVALID_DATA,
              "column 'col'.b: string array: invalid UTF-8 at row 1, byte 0 (truncated sequence 0xE2 0x82 at end of value)");
  qv_batch_release(batch);
  qv_schema_release(schema);
  qv_field_release(f);
  qv_array_release(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_offsets_not_monotonic),
      cmocka_unit_test(test_null_count_popcount),
      cmocka_unit_test(test_utf8_in_string_array),
      cmocka_unit_test(test_views),
      cmocka_unit_test(test_list_views),
      cmocka_unit_test(test_unions),
      cmocka_unit_test(test_dictionary_indices),
      cmocka_unit_test(test_run_ends),
      cmocka_unit_test(test_maps),
      cmocka_unit_test(test_decimals),
      cmocka_unit_test(test_dates_and_times),
      cmocka_unit_test(test_nested_content_paths),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
