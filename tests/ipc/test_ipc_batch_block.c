/* The arrays of a batch read from IPC share one block (core/view_block.h)
 * with the views of their body: a column (and a nested child) kept after
 * the table, the other columns and the input are released still reads
 * right, for plain and compressed bodies (whose block holds no reference to
 * the compressed body), for a dictionary batch, and for more columns than
 * one block holds views for. ASan checks the lifetimes. */
#include "ipc_test_util.h"

#include "core/internal.h"

/* Reads `stream`, keeps column `col`, drops everything else, then
 * compares the kept column with the source's. */
static void keep_one_column(const qv_table *src, qv_buffer *stream, int32_t col) {
  qv_table *t = NULL;
  OK(qv_ipc_read_buffer(stream, NULL, &t, err));
  qv_array *kept = qv_array_retain(t->batches[0]->columns[col]);
  qv_array *child = kept->n_children > 0 ? qv_array_retain(kept->children[0]) : NULL;
  qv_table_release(t);
  qv_buffer_release(stream);
  if (!qv_array_equals(kept, src->batches[0]->columns[col]))
    fail_msg("column %d differs after its table was released", col);
  if (child != NULL && !qv_array_equals(child, src->batches[0]->columns[col]->children[0]))
    fail_msg("child of column %d differs", col);
  qv_array_release(child);
  qv_array_release(kept);
}

static qv_buffer *written(const qv_table *t, qv_ipc_compression codec) {
  qv_ipc_write_options o = QV_IPC_WRITE_OPTIONS_DEFAULT;
  o.compression = codec;
  qv_buffer *b = NULL;
  OK(qv_ipc_write_buffer(QV_IPC_FORMAT_STREAM, t, &o, &b, err));
  return b;
}

static void test_columns_outlive_table_and_input(void **state) {
  (void)state;
  qv_schema *s = tu_all_types_schema();
  static const int64_t lengths[1] = {7};
  qv_table *t = tu_table(s, lengths, 1, true);
  static const qv_ipc_compression codecs[3] = {QV_IPC_COMPRESSION_NONE, QV_IPC_COMPRESSION_LZ4_FRAME,
                                               QV_IPC_COMPRESSION_ZSTD};
  for (int c = 0; c < 3; c++)
    for (int32_t col = 0; col < s->n_fields; col++) keep_one_column(t, written(t, codecs[c]), col);
  qv_table_release(t);
  qv_schema_release(s);
}

/* 600 columns: their views take three blocks, their structs one arena. */
static void test_many_columns(void **state) {
  (void)state;
  enum { N = 600 };
  qv_field *fields[N];
  for (int i = 0; i < N; i++) {
    char name[16];
    snprintf(name, sizeof name, "c%d", i);
    fields[i] = tu_field(name, i % 2 ? qv_type_string() : qv_type_int32(), true);
  }
  qv_schema *s = NULL;
  OK(qv_schema_new(fields, N, NULL, &s, err));
  for (int i = 0; i < N; i++) qv_field_release(fields[i]);
  static const int64_t lengths[1] = {5};
  qv_table *t = tu_table(s, lengths, 1, true);
  keep_one_column(t, written(t, QV_IPC_COMPRESSION_NONE), 0);
  keep_one_column(t, written(t, QV_IPC_COMPRESSION_NONE), N - 1);
  qv_buffer *b = written(t, QV_IPC_COMPRESSION_NONE);
  qv_table *back = NULL;
  OK(qv_ipc_read_buffer(b, NULL, &back, err));
  tu_assert_tables_equal(t, back, "600 columns");
  int in_block = 0;
  for (int i = 0; i < N; i++) in_block += back->batches[0]->columns[i]->block_ != NULL;
  assert_int_equal(in_block, N); /* every struct in the arena */
  qv_table_release(back);
  qv_buffer_release(b);
  qv_table_release(t);
  qv_schema_release(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_columns_outlive_table_and_input),
      cmocka_unit_test(test_many_columns),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
