/* Builds the seed scenario's table: N rows x 2 utf8 columns ("a", "b") of
 * random 10-character ASCII strings, generated with a fixed-seed xorshift64
 * (column "a" drawn first for every row, then "b"; one draw per string, 6
 * bits of it per character over a 62-letter alphabet), so the demo and
 * `quiver gen seed` produce the same bytes for the same seed. */
#include "seed_table.h"

#define SEED_STRING_LEN 10

static uint64_t xorshift64(uint64_t *s) {
  uint64_t x = *s;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *s = x;
}

static qv_status build_column(int64_t rows, uint64_t *state, qv_array **out, qv_error *err) {
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  qv_builder *b = NULL;
  qv_status st = qv_builder_new(qv_type_string(), NULL, &b, err);
  if (st != QV_OK) return st;
  st = qv_builder_reserve(b, rows, err);
  char s[SEED_STRING_LEN];
  for (int64_t i = 0; st == QV_OK && i < rows; i++) {
    uint64_t r = xorshift64(state);
    for (int k = 0; k < SEED_STRING_LEN; k++) {
      s[k] = alphabet[r % 62];
      r = (r >> 6) | ((uint64_t)k << 58);
    }
    st = qv_builder_append_string(b, s, SEED_STRING_LEN);
  }
  if (st == QV_OK) st = qv_builder_finish(b, out, err);
  else if (err && err->code == QV_OK) *err = *qv_builder_error(b);
  qv_builder_free(b);
  return st;
}

qv_status seed_build_table(int64_t rows, uint64_t seed, qv_table **out, qv_error *err) {
  uint64_t state = seed ? seed : 0x9E3779B97F4A7C15ull;
  qv_array *cols[2] = {NULL, NULL};
  qv_field *fields[2] = {NULL, NULL};
  qv_schema *schema = NULL;
  qv_batch *batch = NULL;
  qv_status st = QV_OK;
  const char *names[2] = {"a", "b"};
  for (int c = 0; c < 2 && st == QV_OK; c++) {
    st = build_column(rows, &state, &cols[c], err);
    if (st == QV_OK) st = qv_field_new(names[c], qv_type_string(), true, NULL, &fields[c], err);
  }
  if (st == QV_OK) st = qv_schema_new(fields, 2, NULL, &schema, err);
  if (st == QV_OK) st = qv_batch_new(schema, rows, cols, NULL, &batch, err);
  if (st == QV_OK) st = qv_table_new(schema, &batch, 1, out, err);
  qv_batch_release(batch);
  qv_schema_release(schema);
  for (int c = 0; c < 2; c++) {
    qv_array_release(cols[c]);
    qv_field_release(fields[c]);
  }
  return st;
}
