/* The verifier checks each distinct vtable once per buffer (fb_verify.c):
 * a table whose vtable was verified before still gets every check that
 * depends on the table itself. Built from a real Schema message whose
 * Fields share one vtable. */
#include "ipc/test_flatbuf_util.h"

#include "ipc/metadata.h"

/* A Schema message of two int32 fields (one shared Field vtable) in an
 * exact-size heap buffer with `extra` zero bytes of room at the end. */
static uint8_t *two_field_message(size_t extra, size_t *len) {
  qv_field *f[2];
  qv_error err;
  assert_int_equal(qv_field_new("a", qv_type_int32(), true, NULL, &f[0], &err), QV_OK);
  assert_int_equal(qv_field_new("b", qv_type_int32(), true, NULL, &f[1], &err), QV_OK);
  qv_schema *s = NULL;
  assert_int_equal(qv_schema_new(f, 2, NULL, &s, &err), QV_OK);
  qv_fb_builder b;
  qv__fb_builder_init(&b);
  const uint8_t *data;
  assert_int_equal(qv__ipc_schema_message_encode(&b, s, NULL, 0, &data, len, &err), QV_OK);
  uint8_t *copy = calloc(1, *len + extra);
  assert_non_null(copy);
  memcpy(copy, data, *len);
  qv__fb_builder_free(&b);
  qv_schema_release(s);
  qv_field_release(f[0]);
  qv_field_release(f[1]);
  return copy;
}

/* The two Field tables and the position of Schema.fields' element 1. */
static void fields_of(const uint8_t *buf, size_t len, qv_fb_table *f0, qv_fb_table *f1, uint32_t *elem1) {
  qv_fb_table msg, schema;
  OKB(qv__fb_verify_message(buf, len, &msg, NULL));
  assert_int_equal(qv_fb_table_get_union(&msg, FB_MESSAGE_HEADER_TYPE, &schema), FB_HEADER_SCHEMA);
  qv_fb_vector v;
  assert_true(qv_fb_table_get_vector(&schema, FB_SCHEMA_FIELDS, &v));
  assert_int_equal(v.len, 2);
  qv_fb_vector_get_table(&v, 0, f0);
  qv_fb_vector_get_table(&v, 1, f1);
  *elem1 = v.pos + 4;
}

static void test_fields_share_a_vtable_and_verify(void **state) {
  (void)state;
  size_t len;
  uint8_t *buf = two_field_message(0, &len);
  qv_fb_table f0, f1;
  uint32_t elem1;
  fields_of(buf, len, &f0, &f1, &elem1);
  assert_int_equal(f0.vt, f1.vt); /* the premise of the tests below */
  free(buf);
}

/* The second Field moved to the last 4 bytes of the buffer, still pointing
 * at the shared vtable: its inline bytes run past the end. */
static void test_table_past_end_with_a_verified_vtable(void **state) {
  (void)state;
  size_t len;
  uint8_t *buf = two_field_message(8, &len);
  qv_fb_table f0, f1;
  uint32_t elem1;
  fields_of(buf, len, &f0, &f1, &elem1);
  assert_true(f0.size > 4);
  uint32_t q = (uint32_t)((len + 3) & ~(size_t)3); /* 4-aligned, inside the 8 extra bytes */
  size_t new_len = q + 4;
  qv_fb_store_i32(buf + q, (int32_t)(q - f0.vt));          /* soffset to the shared vtable */
  qv_fb_store_u32(buf + elem1, q - elem1);                  /* fields[1] -> the moved table */
  qv_error err;
  qv_fb_table root;
  assert_int_equal(qv__fb_verify_message(buf, new_len, &root, &err), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "Field table at byte"));
  assert_non_null(strstr(err.message, "extends past end of metadata"));
  free(buf);
}

/* The second Field's name slot made misaligned through its own inline
 * bytes: a check of the table's slots, made although its vtable was seen. */
static void test_slot_checks_run_for_every_table(void **state) {
  (void)state;
  size_t len;
  uint8_t *buf = two_field_message(0, &len);
  qv_fb_table f0, f1;
  uint32_t elem1;
  fields_of(buf, len, &f0, &f1, &elem1);
  uint16_t name_off = qv_fb_field_offset(&f1, FB_FIELD_NAME);
  assert_int_not_equal(name_off, 0);
  qv_fb_store_u32(buf + f1.pos + name_off, 0); /* a zero uoffset: invalid */
  qv_error err;
  qv_fb_table root;
  assert_int_equal(qv__fb_verify_message(buf, len, &root, &err), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(err.message, "Field.name offset"));
  free(buf);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fields_share_a_vtable_and_verify),
      cmocka_unit_test(test_table_past_end_with_a_verified_vtable),
      cmocka_unit_test(test_slot_checks_run_for_every_table),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
