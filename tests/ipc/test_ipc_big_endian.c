/* Big-endian IPC bodies: the reader byte-swaps every element to native
 * order with the rule of its layout. The gold big-endian files (Arrow
 * 1.0.0) predate month_day_nano intervals and views, so these streams are
 * built by hand: a Schema whose endianness is Big, then a body whose
 * numbers are written most significant byte first.
 *
 *   month_day_nano: int32 months and int32 days swap as 4-byte words, the
 *     int64 nanoseconds as one 8-byte word (not as a 16-byte value).
 *   string_view / binary_view: the int32 length always swaps; a view of at
 *     most 12 bytes keeps its inline bytes as they are, a longer one keeps
 *     its 4-byte prefix and swaps its int32 buffer index and int32 offset.
 *     Variadic data buffers are bytes and never swap.
 */
#include "robust/robust_util.h"

static void put_be32(uint8_t *p, int32_t v) {
  uint32_t u = (uint32_t)v;
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(u >> (24 - 8 * i));
}

static void put_be64(uint8_t *p, int64_t v) {
  uint64_t u = (uint64_t)v;
  for (int i = 0; i < 8; i++) p[i] = (uint8_t)(u >> (56 - 8 * i));
}

/* A Field table {name, nullable, type} with no children. */
static qv_fb_ref be_field(qv_fb_builder *b, const char *name, uint8_t tag, qv_fb_ref type) {
  qv_fb_ref nm, r;
  RT_OK(qv__fb_create_string(b, name, strlen(name), &nm));
  RT_OK(qv__fb_start_table(b));
  RT_OK(qv__fb_add_offset(b, FB_FIELD_NAME, nm));
  RT_OK(qv__fb_add_bool(b, FB_FIELD_NULLABLE, true, false));
  RT_OK(qv__fb_add_union(b, FB_FIELD_TYPE_TYPE, tag, type));
  RT_OK(qv__fb_end_table(b, &r));
  return r;
}

/* A Schema message {mdn: interval[month_day_nano], sv: utf8_view,
 * bv: binary_view} whose endianness is Big. */
static void be_schema_msg(rt_bytes *out) {
  qv_fb_builder b;
  qv_fb_ref interval, sv, bv, fields[3], vfields, schema;
  qv__fb_builder_init(&b);
  RT_OK(qv__fb_start_table(&b));
  RT_OK(qv__fb_add_int16(&b, FB_INTERVAL_UNIT, FB_INTERVAL_MONTH_DAY_NANO, FB_INTERVAL_YEAR_MONTH));
  RT_OK(qv__fb_end_table(&b, &interval));
  fields[0] = be_field(&b, "mdn", FB_TYPE_INTERVAL, interval);
  sv = rt_empty_table(&b);
  fields[1] = be_field(&b, "sv", FB_TYPE_UTF8_VIEW, sv);
  bv = rt_empty_table(&b);
  fields[2] = be_field(&b, "bv", FB_TYPE_BINARY_VIEW, bv);
  RT_OK(qv__fb_create_vector_refs(&b, fields, 3, &vfields));
  RT_OK(qv__fb_start_table(&b));
  RT_OK(qv__fb_add_int16(&b, FB_SCHEMA_ENDIANNESS, FB_ENDIANNESS_BIG, FB_ENDIANNESS_LITTLE));
  RT_OK(qv__fb_add_offset(&b, FB_SCHEMA_FIELDS, vfields));
  RT_OK(qv__fb_end_table(&b, &schema));
  rt_msg_raw(out, &b, FB_METADATA_V5, FB_HEADER_SCHEMA, schema, 0, NULL, 0);
  qv__fb_builder_free(&b);
}

/* A big-endian view of `len` bytes: inline when len <= 12, else prefix +
 * buffer index + offset into `data`. */
static void be_view(uint8_t *v, const char *data, int32_t len, int32_t buffer_index, int32_t offset) {
  memset(v, 0, 16);
  put_be32(v, len);
  if (len <= QV_VIEW_INLINE_MAX) {
    memcpy(v + 4, data, (size_t)len);
  } else {
    memcpy(v + 4, data, 4);
    put_be32(v + 8, buffer_index);
    put_be32(v + 12, offset);
  }
}

static const int32_t k_months[3] = {14, 0, -1};
static const int32_t k_days[3] = {-3, 0, 40};
static const int64_t k_nanos[3] = {1234567890123LL, 0, INT64_MIN + 5};

static const char k_sv0[] = "short";
static const char k_sv1[] = "exactly12byt"; /* the longest inline view */
static const char k_sv2[] = "this string is longer than twelve";
static const char k_bv0[] = "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d";
static const char k_bv2[] = "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4\xf3\xf2\xf1\xf0\xef\xee\xed\xec";

/* The whole stream: schema, one batch of 3 rows, EOS. */
static void be_stream(rt_bytes *out) {
  be_schema_msg(out);
  rt_body body;
  rt_body_init(&body, 3);

  /* mdn: row 1 null */
  uint8_t validity = 0x05, mdn[48];
  for (int i = 0; i < 3; i++) {
    put_be32(mdn + 16 * i, k_months[i]);
    put_be32(mdn + 16 * i + 4, k_days[i]);
    put_be64(mdn + 16 * i + 8, k_nanos[i]);
  }
  rt_prim(&body, 3, 1, &validity, 1, mdn, sizeof mdn);

  /* sv: two inline views and one in data buffer 0 at offset 3 */
  char sdata[64] = "xyz";
  memcpy(sdata + 3, k_sv2, strlen(k_sv2));
  uint8_t sviews[48];
  be_view(sviews, k_sv0, (int32_t)strlen(k_sv0), 0, 0);
  be_view(sviews + 16, k_sv1, (int32_t)strlen(k_sv1), 0, 0);
  be_view(sviews + 32, k_sv2, (int32_t)strlen(k_sv2), 0, 3);
  rt_node(&body, 3, 0);
  rt_buf(&body, NULL, 0);
  rt_buf(&body, sviews, sizeof sviews);
  rt_buf(&body, sdata, 3 + strlen(k_sv2));
  rt_variadic(&body, 1);

  /* bv: row 0 in data buffer 1 at offset 7, row 1 empty, row 2 in buffer 0 */
  uint8_t b0[20], b1[20];
  memcpy(b0, k_bv2, 20);
  memset(b1, 0xaa, sizeof b1);
  memcpy(b1 + 7, k_bv0, 13);
  uint8_t bviews[48];
  be_view(bviews, k_bv0, 13, 1, 7);
  be_view(bviews + 16, "", 0, 0, 0);
  be_view(bviews + 32, k_bv2, 20, 0, 0);
  rt_node(&body, 3, 0);
  rt_buf(&body, NULL, 0);
  rt_buf(&body, bviews, sizeof bviews);
  rt_buf(&body, b0, sizeof b0);
  rt_buf(&body, b1, sizeof b1);
  rt_variadic(&body, 2);

  rt_batch_msg(out, &body);
  rt_eos(out);
  rt_body_free(&body);
}

static qv_table *read_be_stream(void) {
  rt_bytes s = {0};
  be_stream(&s);
  qv_buffer *buf = rt_exact_buffer(s.p, s.n);
  rt_bytes_free(&s);
  qv_table *t = NULL;
  RT_OK(qv_ipc_read_stream_buffer(buf, NULL, &t, &rt__e));
  qv_buffer_release(buf);
  assert_int_equal(t->n_batches, 1);
  RT_OK(qv_batch_validate(t->batches[0], QV_VALIDATE_FULL, &rt__e));
  return t;
}

static void test_month_day_nano_swapped_per_member(void **state) {
  (void)state;
  qv_table *t = read_be_stream();
  const qv_array *a = t->batches[0]->columns[0];
  assert_int_equal(a->type->id, QV_TYPE_INTERVAL_MONTH_DAY_NANO);
  assert_int_equal(qv_array_null_count(a), 1);
  assert_true(qv_array_is_null(a, 1));
  for (int i = 0; i < 3; i += 2) {
    const uint8_t *p = a->buffers[1]->data + (a->offset + i) * 16;
    int32_t months, days;
    int64_t nanos;
    memcpy(&months, p, 4);
    memcpy(&days, p + 4, 4);
    memcpy(&nanos, p + 8, 8);
    if (months != k_months[i] || days != k_days[i] || nanos != k_nanos[i])
      fail_msg("row %d: read (%d, %d, %lld), wrote (%d, %d, %lld)", i, months, days, (long long)nanos, k_months[i],
               k_days[i], (long long)k_nanos[i]);
  }
  qv_table_release(t);
}

static void expect_view(const qv_array *a, int64_t i, const char *want, int64_t want_len) {
  int64_t len = -1;
  const uint8_t *v = qv_array_view_value(a, i, &len);
  if (len != want_len) fail_msg("%s row %lld: length %lld, want %lld", a->type->id == QV_TYPE_STRING_VIEW ? "sv" : "bv",
                                (long long)i, (long long)len, (long long)want_len);
  if (want_len > 0) assert_memory_equal(v, want, (size_t)want_len);
}

static void test_string_view_swapped_length_index_offset(void **state) {
  (void)state;
  qv_table *t = read_be_stream();
  const qv_array *a = t->batches[0]->columns[1];
  assert_int_equal(a->type->id, QV_TYPE_STRING_VIEW);
  expect_view(a, 0, k_sv0, (int64_t)strlen(k_sv0));
  expect_view(a, 1, k_sv1, 12); /* inline bytes are not words: never swapped */
  expect_view(a, 2, k_sv2, (int64_t)strlen(k_sv2));
  const qv_view *v = (const qv_view *)(const void *)a->buffers[1]->data + a->offset + 2;
  assert_int_equal(v->ref.buffer_index, 0);
  assert_int_equal(v->ref.offset, 3);
  assert_memory_equal(v->ref.prefix, "this", 4); /* the prefix is bytes: kept */
  qv_table_release(t);
}

static void test_binary_view_swapped_length_index_offset(void **state) {
  (void)state;
  qv_table *t = read_be_stream();
  const qv_array *a = t->batches[0]->columns[2];
  assert_int_equal(a->type->id, QV_TYPE_BINARY_VIEW);
  expect_view(a, 0, k_bv0, 13);
  expect_view(a, 1, "", 0);
  expect_view(a, 2, k_bv2, 20);
  const qv_view *v = (const qv_view *)(const void *)a->buffers[1]->data + a->offset;
  assert_int_equal(v->ref.buffer_index, 1);
  assert_int_equal(v->ref.offset, 7);
  qv_table_release(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_month_day_nano_swapped_per_member),
      cmocka_unit_test(test_string_view_swapped_length_index_offset),
      cmocka_unit_test(test_binary_view_swapped_length_index_offset),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
