/* The Flight data path's counters (qv_flight_stream_stats) over a real
 * DoGet on loopback TCP: the sender hands every body byte to gRPC as a
 * reference (body_bytes_sent is the sum of the IPC bodies, the bytes the
 * table's buffers hold, padded), and the receiver accounts for every body
 * it got: used in place or copied (split across slices or misaligned), the
 * copies counted in bodies and bytes, never more than it received. The
 * table arrives equal. */
#include "ipc/ipc_test_util.h"

#include "quiver/flight.h"
#include "quiver/table.h"

enum { BATCHES = 4, ROWS = 1 << 16 };

static qv_table *g_table;

static qv_status h_get(void *ctx, qv_flight_call *call, const qv_flight_bytes *ticket, qv_flight_stream *out,
                       qv_error *err) {
  (void)ctx;
  (void)call;
  (void)ticket;
  return qv_flight_stream_write_table(out, g_table, err);
}

/* Bytes of the table's IPC bodies: its stream less the metadata. */
static int64_t table_body_bytes(const qv_table *t) {
  int64_t sum = 0;
  for (int64_t b = 0; b < t->n_batches; b++)
    for (int32_t c = 0; c < t->batches[b]->n_columns; c++) {
      const qv_array *a = t->batches[b]->columns[c];
      for (int32_t k = 0; k < a->n_buffers; k++)
        if (a->buffers[k] != NULL) sum += (a->buffers[k]->size + 63) / 64 * 64;
    }
  return sum;
}

static void test_sent_by_reference_and_copies_counted(void **state) {
  (void)state;
  qv_batch *batches[BATCHES];
  for (int b = 0; b < BATCHES; b++) {
    qv_array *col = tu_column(qv_type_int64(), (int64_t)b * ROWS, ROWS, false);
    const char *name = "x";
    OK(qv_batch_from_arrays(&name, &col, 1, &batches[b], err));
    qv_array_release(col);
  }
  OK(qv_table_from_batches(batches, BATCHES, &g_table, err));
  for (int b = 0; b < BATCHES; b++) qv_batch_release(batches[b]);

  qv_flight_handlers h;
  memset(&h, 0, sizeof h);
  h.do_get = h_get;
  qv_flight_server *srv = NULL;
  OK(qv_flight_server_start("grpc://127.0.0.1:0", &h, NULL, &srv, err));
  char uri[64];
  snprintf(uri, sizeof uri, "grpc://127.0.0.1:%d", qv_flight_server_port(srv));
  qv_flight_client *c = NULL;
  OK(qv_flight_client_connect(uri, NULL, &c, err));
  qv_flight_stream *s = NULL;
  OK(qv_flight_client_do_get(c, "t", 1, &s, err));
  qv_table *got = NULL;
  OK(qv_flight_stream_read_all(s, &got, err));
  OK(qv_flight_stream_finish(s, err));
  tu_assert_tables_equal(g_table, got, "DoGet");

  qv_flight_stream_stats in;
  qv_flight_stream_get_stats(s, &in);
  assert_int_equal(in.messages_received, 1 + BATCHES); /* the schema, then the batches */
  assert_int_equal(in.bodies_in_place + in.bodies_copied, BATCHES);
  assert_true(in.body_bytes_received >= (int64_t)BATCHES * ROWS * 8);
  assert_true(in.body_bytes_copied <= in.body_bytes_received);
  assert_true((in.bodies_copied == 0) == (in.body_bytes_copied == 0));
  assert_int_equal(in.bodies_shm_received, 0);
  qv_flight_stream_free(s);
  qv_flight_client_free(c);

  qv_flight_stream_stats out;
  qv_flight_server_get_stats(srv, &out);
  assert_int_equal(out.messages_sent, 1 + BATCHES);
  assert_int_equal(out.body_bytes_sent, in.body_bytes_received); /* every byte as a reference, all arrived */
  assert_true(out.body_bytes_sent >= table_body_bytes(g_table) - (int64_t)BATCHES * 64);
  qv_flight_server_free(srv);
  qv_table_release(got);
  qv_table_release(g_table);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sent_by_reference_and_copies_counted),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
