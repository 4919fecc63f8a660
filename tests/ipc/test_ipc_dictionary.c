/* Dictionaries on the wire: the first batch sends each dictionary, later
 * batches send nothing (same dictionary), a delta (the new one extends the
 * old one) or a replacement (streams only; files refuse it); readers apply
 * deltas by appending (for every value type) and replacements by swapping;
 * nested dictionaries (a dictionary whose values contain another) round
 * trip. */
#include "ipc_test_util.h"

#include "ipc/body.h"

/* A dictionary array of int32 indices over `dict`. */
static qv_array *dict_array(qv_type *dtype, const int32_t *idx, int64_t n, qv_array *dict) {
  qv_buffer *ib = NULL;
  OK(qv_buffer_copy_from(NULL, idx, n * 4, &ib, err));
  qv_buffer *bufs[2] = {NULL, ib};
  qv_array *a = NULL;
  OK(qv_array_new(dtype, n, 0, 0, 2, bufs, 0, NULL, dict, &a, err));
  qv_buffer_release(ib);
  return a;
}

static qv_array *strings(const char *const *v, int n) {
  qv_builder *b = NULL;
  OK(qv_builder_new(qv_type_string(), NULL, &b, err));
  for (int i = 0; i < n; i++) OK(qv_builder_append_string(b, v[i], -1));
  qv_array *a = NULL;
  OK(qv_builder_finish(b, &a, err));
  qv_builder_free(b);
  return a;
}

typedef struct events {
  int full, delta, batches;
} events;

/* Decodes buf, counting dictionary events and collecting batches. */
static qv_table *decode_counting(qv_buffer *buf, events *ev) {
  memset(ev, 0, sizeof *ev);
  qv_ipc_decoder *d = NULL;
  OK(qv_ipc_decoder_new(NULL, &d, err));
  OK(qv_ipc_decoder_feed_buffer(d, buf, err));
  OK(qv_ipc_decoder_finish(d, err));
  qv_batch *bs[16];
  int nb = 0;
  qv_ipc_event e;
  do {
    OK(qv_ipc_decoder_next(d, &e, err));
    if (e.kind == QV_IPC_EVENT_DICTIONARY) {
      if (e.dictionary_delta)
        ev->delta++;
      else
        ev->full++;
    }
    if (e.kind == QV_IPC_EVENT_BATCH) bs[nb++] = e.batch;
  } while (e.kind != QV_IPC_EVENT_NONE);
  ev->batches = nb;
  qv_table *t = NULL;
  OK(qv_table_new(qv_ipc_decoder_schema(d), bs, nb, &t, err));
  for (int i = 0; i < nb; i++) qv_batch_release(bs[i]);
  qv_ipc_decoder_free(d);
  return t;
}

/* Row i of a dictionary<string> column, decoded. */
static const char *dict_str(const qv_array *a, int64_t i, int64_t *len) {
  int64_t k = qv_array_dictionary_index(a, i);
  return (const char *)qv_array_binary_value(a->dictionary, k, len);
}

typedef struct fixture {
  qv_type *dtype;
  qv_schema *schema;
  qv_batch *b[3];
} fixture;

/* batch 0: dict [a, b]; batch 1: [a, b, c] (extends); batch 2: [x, y] (replaces). */
static void make_fixture(fixture *f) {
  static const char *const d0[] = {"a", "b"}, *const d1[] = {"a", "b", "c"}, *const d2[] = {"x", "y"};
  f->dtype = tu_dict(qv_type_int32(), qv_type_string());
  qv_field *fld = NULL;
  OK(qv_field_new("d", f->dtype, true, NULL, &fld, err));
  OK(qv_schema_new(&fld, 1, NULL, &f->schema, err));
  qv_field_release(fld);
  const char *const *dv[3] = {d0, d1, d2};
  int dn[3] = {2, 3, 2};
  const int32_t idx[3][4] = {{0, 1, 1, 0}, {2, 0, 1, 2}, {1, 1, 0, 0}};
  for (int i = 0; i < 3; i++) {
    qv_array *dict = strings(dv[i], dn[i]);
    qv_array *col = dict_array(f->dtype, idx[i], 4, dict);
    OK(qv_batch_new(f->schema, 4, &col, NULL, &f->b[i], err));
    qv_array_release(col);
    qv_array_release(dict);
  }
}

static void free_fixture(fixture *f) {
  for (int i = 0; i < 3; i++) qv_batch_release(f->b[i]);
  qv_schema_release(f->schema);
  qv_type_release(f->dtype);
}

static qv_buffer *write_batches(qv_ipc_format fmt, const qv_ipc_write_options *o, qv_schema *s, qv_batch **b, int n,
                                qv_status *st, qv_error *e) {
  qv_ipc_writer *w = NULL;
  OK(qv_ipc_writer_open_memory(fmt, s, o, &w, err));
  *st = QV_OK;
  for (int i = 0; i < n && *st == QV_OK; i++) *st = qv_ipc_writer_write_batch(w, b[i], e);
  qv_buffer *out = NULL;
  if (*st == QV_OK) {
    OK(qv_ipc_writer_close(w, err));
    OK(qv_ipc_writer_take_buffer(w, &out, err));
  }
  qv_ipc_writer_free(w);
  return out;
}

static void test_stream_delta_and_replacement(void **state) {
  (void)state;
  fixture f;
  make_fixture(&f);
  qv_status st;
  qv_error e;
  qv_buffer *buf = write_batches(QV_IPC_FORMAT_STREAM, NULL, f.schema, f.b, 3, &st, &e);
  assert_int_equal(st, QV_OK);
  events ev;
  qv_table *t = decode_counting(buf, &ev);
  assert_int_equal(ev.full, 2);  /* first dictionary, then the replacement */
  assert_int_equal(ev.delta, 1); /* [c] appended for batch 1 */
  assert_int_equal(ev.batches, 3);
  for (int i = 0; i < 3; i++) assert_true(qv_batch_equals(t->batches[i], f.b[i]));
  assert_int_equal(t->batches[1]->columns[0]->dictionary->length, 3);
  qv_table_release(t);
  qv_buffer_release(buf);
  /* deltas disabled: a replacement instead */
  qv_ipc_write_options o = QV_IPC_WRITE_OPTIONS_DEFAULT;
  o.disable_dictionary_deltas = true;
  buf = write_batches(QV_IPC_FORMAT_STREAM, &o, f.schema, f.b, 3, &st, &e);
  t = decode_counting(buf, &ev);
  assert_int_equal(ev.full, 3);
  assert_int_equal(ev.delta, 0);
  for (int i = 0; i < 3; i++) assert_true(qv_batch_equals(t->batches[i], f.b[i]));
  qv_table_release(t);
  qv_buffer_release(buf);
  free_fixture(&f);
}

static void test_same_dictionary_sent_once(void **state) {
  (void)state;
  fixture f;
  make_fixture(&f);
  /* batch 0 three times (same array), then a batch with an equal but
   * distinct dictionary array */
  static const char *const d0[] = {"a", "b"};
  qv_array *dict = strings(d0, 2);
  const int32_t idx[2] = {1, 0};
  qv_array *col = dict_array(f.dtype, idx, 2, dict);
  qv_batch *eq = NULL;
  OK(qv_batch_new(f.schema, 2, &col, NULL, &eq, err));
  qv_batch *bs[4] = {f.b[0], f.b[0], f.b[0], eq};
  qv_status st;
  qv_error e;
  qv_buffer *buf = write_batches(QV_IPC_FORMAT_STREAM, NULL, f.schema, bs, 4, &st, &e);
  events ev;
  qv_table *t = decode_counting(buf, &ev);
  assert_int_equal(ev.full, 1);
  assert_int_equal(ev.delta, 0);
  assert_int_equal(ev.batches, 4);
  assert_true(qv_batch_equals(t->batches[3], eq));
  qv_table_release(t);
  qv_buffer_release(buf);
  qv_batch_release(eq);
  qv_array_release(col);
  qv_array_release(dict);
  free_fixture(&f);
}

static void test_file_allows_deltas_only(void **state) {
  (void)state;
  fixture f;
  make_fixture(&f);
  qv_status st;
  qv_error e;
  qv_buffer *buf = write_batches(QV_IPC_FORMAT_FILE, NULL, f.schema, f.b, 3, &st, &e);
  assert_null(buf);
  assert_int_equal(st, QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(e.message, "cannot replace a dictionary"));
  /* batches 0 and 1: a delta, which files allow */
  buf = write_batches(QV_IPC_FORMAT_FILE, NULL, f.schema, f.b, 2, &st, &e);
  assert_int_equal(st, QV_OK);
  qv_ipc_file_reader *r = NULL;
  OK(qv_ipc_file_reader_open_buffer(buf, NULL, &r, err));
  for (int i = 1; i >= 0; i--) {
    qv_batch *b = NULL;
    OK(qv_ipc_file_reader_read_batch(r, i, &b, err));
    /* the file's dictionary is the final one ([a, b, c]) for every batch,
     * so compare decoded values */
    const qv_array *got = b->columns[0], *want = f.b[i]->columns[0];
    assert_int_equal(got->dictionary->length, 3);
    for (int64_t k = 0; k < 4; k++) {
      int64_t l1, l2;
      const char *s1 = dict_str(got, k, &l1), *s2 = dict_str(want, k, &l2);
      assert_int_equal(l1, l2);
      assert_memory_equal(s1, s2, (size_t)l1);
    }
    qv_batch_release(b);
  }
  qv_ipc_file_reader_free(r);
  qv_buffer_release(buf);
  free_fixture(&f);
}

/* A delta for dictionaries of (almost) every value type: the reader's
 * append must rebuild the same values. */
static void test_delta_every_value_type(void **state) {
  (void)state;
  qv_schema *all = tu_all_types_schema();
  int tested = 0;
  for (int32_t i = 0; i < all->n_fields; i++) {
    qv_type *vt = all->fields[i]->type;
    const qv_type *s = qv_type_storage(vt);
    /* dictionary<extension> cannot travel in IPC (the extension metadata
     * belongs to the field, i.e. to the dictionary as a whole) */
    if (s->id == QV_TYPE_DICTIONARY || qv__body_dict_slots(vt) > 0 || vt->id == QV_TYPE_EXTENSION) continue;
    qv_type *dt = NULL;
    if (qv_type_dictionary(qv_type_int32(), vt, false, &dt, NULL) != QV_OK) continue;
    qv_array *values = tu_column(vt, 0, 11, true);
    qv_array *prefix = NULL;
    OK(qv_array_slice(values, 0, 6, &prefix, err));
    qv_field *fld = NULL;
    OK(qv_field_new("d", dt, true, NULL, &fld, err));
    qv_schema *sch = NULL;
    OK(qv_schema_new(&fld, 1, NULL, &sch, err));
    const int32_t i0[3] = {5, 0, 3}, i1[4] = {10, 6, 0, 7};
    qv_array *c0 = dict_array(dt, i0, 3, prefix), *c1 = dict_array(dt, i1, 4, values);
    qv_batch *bs[2];
    OK(qv_batch_new(sch, 3, &c0, NULL, &bs[0], err));
    OK(qv_batch_new(sch, 4, &c1, NULL, &bs[1], err));
    qv_status st;
    qv_error e;
    qv_buffer *buf = write_batches(QV_IPC_FORMAT_STREAM, NULL, sch, bs, 2, &st, &e);
    if (st != QV_OK) fail_msg("%s: %s", all->fields[i]->name, e.message);
    events ev;
    qv_table *t = decode_counting(buf, &ev);
    if (ev.delta != 1) fail_msg("%s: expected a delta, got %d full, %d delta", all->fields[i]->name, ev.full, ev.delta);
    qv_error why;
    for (int k = 0; k < 2; k++)
      if (qv_batch_diff(t->batches[k], bs[k], NULL, &why) != QV_OK)
        fail_msg("%s, batch %d: %s", all->fields[i]->name, k, why.message);
    OK(qv_array_validate(t->batches[1]->columns[0], QV_VALIDATE_FULL, err));
    tested++;
    qv_table_release(t);
    qv_buffer_release(buf);
    qv_batch_release(bs[0]);
    qv_batch_release(bs[1]);
    qv_array_release(c0);
    qv_array_release(c1);
    qv_schema_release(sch);
    qv_field_release(fld);
    qv_array_release(prefix);
    qv_array_release(values);
    qv_type_release(dt);
  }
  assert_true(tested >= 35);
  qv_schema_release(all);
}

/* Delta dictionaries whose values are run-end encoded, for each run-end
 * width: the reader rebuilds the run ends of old + delta (rebasing the
 * delta's ends by the old length, in the ends' own width), so a width
 * handled wrongly reads different values or fails. Values: runs of
 * strings with nulls; the first batch sends 7 values (ending inside a run,
 * so the delta starts mid-run) and the second all 16. */
static void check_ree_delta(qv_type *run_end_type, const char *what) {
  qv_type *vt = NULL, *dt = NULL;
  OK(qv_type_run_end_encoded(run_end_type, qv_type_string(), &vt, err));
  OK(qv_type_dictionary(qv_type_int32(), vt, false, &dt, err));
  qv_array *values = tu_column(vt, 0, 16, true);
  qv_array *prefix = NULL;
  OK(qv_array_slice(values, 0, 7, &prefix, err));
  qv_field *fld = NULL;
  OK(qv_field_new("d", dt, true, NULL, &fld, err));
  qv_schema *sch = NULL;
  OK(qv_schema_new(&fld, 1, NULL, &sch, err));
  const int32_t i0[4] = {6, 0, 3, 5}, i1[5] = {15, 7, 6, 0, 11};
  qv_array *c0 = dict_array(dt, i0, 4, prefix), *c1 = dict_array(dt, i1, 5, values);
  qv_batch *bs[2];
  OK(qv_batch_new(sch, 4, &c0, NULL, &bs[0], err));
  OK(qv_batch_new(sch, 5, &c1, NULL, &bs[1], err));
  qv_status st;
  qv_error e;
  qv_buffer *buf = write_batches(QV_IPC_FORMAT_STREAM, NULL, sch, bs, 2, &st, &e);
  if (st != QV_OK) fail_msg("%s: %s", what, e.message);
  events ev;
  qv_table *t = decode_counting(buf, &ev);
  if (ev.full != 1 || ev.delta != 1) fail_msg("%s: expected 1 full + 1 delta, got %d + %d", what, ev.full, ev.delta);
  const qv_array *d1 = t->batches[1]->columns[0]->dictionary;
  assert_int_equal(d1->length, 16);
  assert_int_equal(d1->children[0]->type->id, run_end_type->id);
  OK(qv_array_validate(d1, QV_VALIDATE_FULL, err));
  qv_error why;
  if (qv_array_diff(d1, values, &why) != QV_OK) fail_msg("%s: the delta-extended dictionary: %s", what, why.message);
  for (int k = 0; k < 2; k++)
    if (qv_batch_diff(t->batches[k], bs[k], NULL, &why) != QV_OK) fail_msg("%s, batch %d: %s", what, k, why.message);
  qv_table_release(t);
  qv_buffer_release(buf);
  qv_batch_release(bs[0]);
  qv_batch_release(bs[1]);
  qv_array_release(c0);
  qv_array_release(c1);
  qv_schema_release(sch);
  qv_field_release(fld);
  qv_array_release(prefix);
  qv_array_release(values);
  qv_type_release(dt);
  qv_type_release(vt);
}

static void test_delta_ree_int16_run_ends(void **state) {
  (void)state;
  check_ree_delta(qv_type_int16(), "ree<int16, string>");
}

static void test_delta_ree_int32_run_ends(void **state) {
  (void)state;
  check_ree_delta(qv_type_int32(), "ree<int32, string>");
}

static void test_delta_ree_int64_run_ends(void **state) {
  (void)state;
  check_ree_delta(qv_type_int64(), "ree<int64, string>");
}

/* dictionary<int32, struct<inner: dictionary<int8, string>>> */
static void test_nested_dictionaries(void **state) {
  (void)state;
  static const char *const words[] = {"x", "y", "z"};
  qv_array *inner_values = strings(words, 3);
  qv_type *inner_t = tu_dict(qv_type_int8(), qv_type_string());
  const int8_t inner_idx[4] = {2, 0, 1, 2};
  qv_buffer *ib = NULL;
  OK(qv_buffer_copy_from(NULL, inner_idx, 4, &ib, err));
  qv_buffer *ibufs[2] = {NULL, ib};
  qv_array *inner = NULL;
  OK(qv_array_new(inner_t, 4, 0, 0, 2, ibufs, 0, NULL, inner_values, &inner, err));
  qv_field *kid = NULL;
  OK(qv_field_new("inner", inner_t, true, NULL, &kid, err));
  qv_type *st_t = tu_struct(&kid, 1);
  qv_buffer *nob[1] = {NULL};
  qv_array *outer_values = NULL;
  OK(qv_array_new(st_t, 4, 0, 0, 1, nob, 1, &inner, NULL, &outer_values, err));
  qv_type_retain(st_t);
  qv_type *outer_t = tu_dict(qv_type_int32(), st_t);
  const int32_t idx[5] = {3, 3, 0, 1, 2};
  qv_array *col = dict_array(outer_t, idx, 5, outer_values);
  qv_field *fld = NULL;
  OK(qv_field_new("nested", outer_t, true, NULL, &fld, err));
  qv_schema *s = NULL;
  OK(qv_schema_new(&fld, 1, NULL, &s, err));
  qv_batch *b = NULL;
  OK(qv_batch_new(s, 5, &col, NULL, &b, err));
  qv_table *t = NULL;
  OK(qv_table_new(s, &b, 1, &t, err));
  tu_roundtrip(t, QV_IPC_FORMAT_STREAM, NULL, "nested dictionaries (stream)");
  tu_roundtrip(t, QV_IPC_FORMAT_FILE, NULL, "nested dictionaries (file)");
  /* two dictionary messages, the inner one first */
  qv_buffer *buf = NULL;
  OK(qv_ipc_write_stream_buffer(t, NULL, &buf, err));
  events ev;
  qv_table *back = decode_counting(buf, &ev);
  assert_int_equal(ev.full, 2);
  qv_table_release(back);
  qv_buffer_release(buf);
  qv_table_release(t);
  qv_batch_release(b);
  qv_schema_release(s);
  qv_field_release(fld);
  qv_array_release(col);
  qv_type_release(outer_t);
  qv_type_release(st_t);
  qv_array_release(outer_values);
  qv_array_release(inner);
  qv_buffer_release(ib);
  qv_type_release(inner_t);
  qv_array_release(inner_values);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_stream_delta_and_replacement),
      cmocka_unit_test(test_same_dictionary_sent_once),
      cmocka_unit_test(test_file_allows_deltas_only),
      cmocka_unit_test(test_delta_every_value_type),
      cmocka_unit_test(test_delta_ree_int16_run_ends),
      cmocka_unit_test(test_delta_ree_int32_run_ends),
      cmocka_unit_test(test_delta_ree_int64_run_ends),
      cmocka_unit_test(test_nested_dictionaries),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
