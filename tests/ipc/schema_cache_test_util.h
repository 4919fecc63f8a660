/* Helpers shared by the schema cache tests (test_schema_cache.c and
 * test_schema_cache_threads.c): small dictionary-free tables whose Schema
 * messages differ by a field name, written as streams. */
#ifndef QV_TEST_SCHEMA_CACHE_UTIL_H
#define QV_TEST_SCHEMA_CACHE_UTIL_H

#include "ipc/ipc_test_util.h"
#include "ipc/schema_cache.h"

/* A table of two columns (int64 "n<k>", string "s") of 3 + 2 rows. */
static inline qv_table *sc_table(int k) {
  char name[16];
  snprintf(name, sizeof name, "n%d", k);
  qv_field *fields[2] = {tu_field(name, qv_type_int64(), true), tu_field("s", qv_type_string(), true)};
  qv_schema *schema = NULL;
  OK(qv_schema_new(fields, 2, NULL, &schema, err));
  for (int i = 0; i < 2; i++) qv_field_release(fields[i]);
  static const int64_t lengths[2] = {3, 2};
  qv_table *t = tu_table(schema, lengths, 2, true);
  qv_schema_release(schema);
  return t;
}

static inline qv_buffer *sc_stream(const qv_table *t) {
  qv_ipc_write_options o = QV_IPC_WRITE_OPTIONS_DEFAULT;
  qv_buffer *b = NULL;
  OK(qv_ipc_write_buffer(QV_IPC_FORMAT_STREAM, t, &o, &b, err));
  return b;
}

#endif
