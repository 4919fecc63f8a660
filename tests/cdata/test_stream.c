/* Tests of the C Stream Interface: table and callback exports, the pull
 * reader over imported streams, error propagation both ways (errno codes and
 * get_last_error text), end-of-stream behaviour and release counting with a
 * foreign C producer stream. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cdata_test_util.h"
#include "quiver/compare.h"
#include "quiver/field.h"
#include "quiver/schema.h"

static qv_schema *two_col_schema(void) {
  qv_field *fs[2] = {NULL, NULL};
  assert_int_equal(qv_field_new("n", qv_type_int32(), false, NULL, &fs[0], NULL), QV_OK);
  assert_int_equal(qv_field_new("s", qv_type_string(), true, NULL, &fs[1], NULL), QV_OK);
  qv_metadata *md = NULL;
  assert_int_equal(qv_metadata_new(&md, NULL), QV_OK);
  assert_int_equal(qv_metadata_append(md, "source", -1, "test_stream", -1, NULL), QV_OK);
  qv_schema *s = NULL;
  assert_int_equal(qv_schema_new(fs, 2, md, &s, NULL), QV_OK);
  qv_field_release(fs[0]);
  qv_field_release(fs[1]);
  qv_metadata_free(md);
  return s;
}

static qv_batch *make_batch(qv_schema *schema, int32_t base) {
  int32_t iv[3] = {base, base + 1, base + 2};
  const char *sv[3] = {"one", "two", "three"};
  qv_array *cols[2] = {ta_int32(iv, 3), ta_utf8(sv, 3)};
  qv_batch *b = NULL;
  assert_int_equal(qv_batch_new(schema, 3, cols, NULL, &b, NULL), QV_OK);
  qv_array_release(cols[0]);
  qv_array_release(cols[1]);
  return b;
}

static void test_table_stream_roundtrip(void **state) {
  (void)state;
  qv_schema *schema = two_col_schema();
  qv_batch *batches[3] = {make_batch(schema, 0), make_batch(schema, 10), make_batch(schema, 20)};
  qv_table *table = NULL;
  assert_int_equal(qv_table_new(schema, batches, 3, &table, NULL), QV_OK);
  struct ArrowArrayStream stream;
  assert_int_equal(qv_table_export_stream(table, &stream, NULL), QV_OK);
  qv_table_release(table); /* the stream keeps it */
  qv_stream_reader *r = NULL;
  qv_error err;
  if (qv_stream_import(&stream, &r, &err) != QV_OK) fail_msg("%s", err.message);
  assert_null(stream.release);
  assert_true(qv_schema_equals(qv_stream_reader_schema(r), schema, true));
  qv_batch *got[3] = {NULL, NULL, NULL};
  for (int i = 0; i < 3; i++) {
    if (qv_stream_reader_next(r, &got[i], &err) != QV_OK) fail_msg("%s", err.message);
    assert_non_null(got[i]);
    assert_int_equal(got[i]->length, 3);
    for (int c = 0; c < 2; c++) assert_same_array(batches[i]->columns[c], got[i]->columns[c], true);
    assert_true(qv_batch_equals(batches[i], got[i]));
  }
  qv_batch *end = (qv_batch *)0x1;
  assert_int_equal(qv_stream_reader_next(r, &end, NULL), QV_OK);
  assert_null(end);
  end = (qv_batch *)0x1;
  assert_int_equal(qv_stream_reader_next(r, &end, NULL), QV_OK); /* stays ended */
  assert_null(end);
  /* The reader and the source batches go first; imported batches stay valid. */
  qv_stream_reader_release(r);
  for (int i = 0; i < 3; i++) qv_batch_release(batches[i]);
  assert_int_equal(qv_array_int32_value(got[2]->columns[0], 2), 22);
  for (int i = 0; i < 3; i++) qv_batch_release(got[i]);
  qv_schema_release(schema);
}

/* A callback source: yields `n_ok` batches, then fails or ends. */
typedef struct src {
  qv_schema *schema;
  qv_schema *other_schema; /* when set, the first batch uses it */
  int produced, n_ok;
  bool fail_after;
  int released;
} src;

static qv_status src_next(void *ctx, qv_batch **out, qv_error *err) {
  src *s = ctx;
  *out = NULL;
  if (s->produced == s->n_ok) {
    if (s->fail_after) return qv_error_set(err, QV_ERR_IO, "disk went away after %d batches", s->produced);
    return QV_OK;
  }
  qv_schema *use = (s->other_schema != NULL && s->produced == 0) ? s->other_schema : s->schema;
  *out = make_batch(use, s->produced++ * 100);
  return QV_OK;
}

static void src_release(void *ctx) { ((src *)ctx)->released++; }

static void test_callback_stream_error_propagates(void **state) {
  (void)state;
  src s = {two_col_schema(), NULL, 0, 1, true, 0};
  struct ArrowArrayStream stream;
  assert_int_equal(qv_stream_export(s.schema, src_next, src_release, &s, &stream, NULL), QV_OK);
  qv_stream_reader *r = NULL;
  qv_error err;
  assert_int_equal(qv_stream_import(&stream, &r, &err), QV_OK);
  qv_batch *b = NULL;
  assert_int_equal(qv_stream_reader_next(r, &b, &err), QV_OK);
  assert_non_null(b);
  qv_batch_release(b);
  assert_error(qv_stream_reader_next(r, &b, &err), QV_ERR_IO, &err, "disk went away after 1 batches");
  assert_non_null(strstr(err.message, "get_next"));
  assert_null(b);
  assert_int_equal(s.released, 0);
  qv_stream_reader_release(r);
  assert_int_equal(s.released, 1);
  qv_schema_release(s.schema);
}

static void test_callback_stream_schema_mismatch(void **state) {
  (void)state;
  src s = {two_col_schema(), NULL, 0, 2, false, 0};
  /* the first batch has another column name */
  qv_field *fs[2] = {NULL, NULL};
  assert_int_equal(qv_field_new("renamed", qv_type_int32(), false, NULL, &fs[0], NULL), QV_OK);
  assert_int_equal(qv_field_new("s", qv_type_string(), true, NULL, &fs[1], NULL), QV_OK);
  assert_int_equal(qv_schema_new(fs, 2, NULL, &s.other_schema, NULL), QV_OK);
  struct ArrowArrayStream stream;
  assert_int_equal(qv_stream_export(s.schema, src_next, NULL, &s, &stream, NULL), QV_OK);
  struct ArrowArray arr;
  assert_int_equal(stream.get_next(&stream, &arr), EINVAL);
  assert_null(arr.release);
  assert_non_null(strstr(stream.get_last_error(&stream), "differs from the stream's schema"));
  /* the next batch matches again */
  assert_int_equal(stream.get_next(&stream, &arr), 0);
  assert_non_null(arr.release);
  arr.release(&arr);
  assert_int_equal(stream.get_next(&stream, &arr), 0);
  assert_null(arr.release); /* end */
  stream.release(&stream);
  assert_null(stream.release);
  qv_schema_release(s.schema);
  qv_schema_release(s.other_schema);
  qv_field_release(fs[0]);
  qv_field_release(fs[1]);
}

static void test_raw_stream_protocol(void **state) {
  (void)state;
  src s = {two_col_schema(), NULL, 0, 2, true, 0};
  struct ArrowArrayStream stream;
  assert_int_equal(qv_stream_export(s.schema, src_next, src_release, &s, &stream, NULL), QV_OK);
  struct ArrowSchema sch;
  assert_int_equal(stream.get_schema(&stream, &sch), 0);
  assert_string_equal(sch.format, "+s");
  assert_int_equal(sch.n_children, 2);
  assert_non_null(sch.metadata);
  struct ArrowArray arr[2];
  assert_int_equal(stream.get_next(&stream, &arr[0]), 0);
  assert_int_equal(stream.get_next(&stream, &arr[1]), 0);
  struct ArrowArray third;
  assert_int_equal(stream.get_next(&stream, &third), EIO); /* the source fails with QV_ERR_IO */
  assert_null(third.release);
  assert_non_null(strstr(stream.get_last_error(&stream), "disk went away"));
  /* The results are independent of the stream: release it first. */
  stream.release(&stream);
  assert_int_equal(s.released, 1);
  assert_int_equal(arr[0].length, 3);
  assert_int_equal(((const int32_t *)arr[0].children[0]->buffers[1])[1], 1);
  arr[0].release(&arr[0]);
  arr[1].release(&arr[1]);
  sch.release(&sch);
  qv_schema_release(s.schema);
}

/* ---- a foreign producer stream written in C ---- */

typedef struct fs_priv {
  int batches_left;
  int fail_schema;
  int stream_releases;
  int *batch_releases;
  int next_errno;       /* get_next fails with this once batches_left is 0 */
  bool bad_batch;       /* get_next yields a struct with 2 buffers (a struct has 1) */
  bool no_last_error;   /* get_last_error returns NULL */
} fs_priv;

static int fs_get_schema(struct ArrowArrayStream *s, struct ArrowSchema *out) {
  fs_priv *p = s->private_data;
  if (p->fail_schema) return ENOMEM;
  qv_field *f = NULL;
  assert_int_equal(qv_field_new("v", qv_type_int32(), true, NULL, &f, NULL), QV_OK);
  qv_schema *sc = NULL;
  assert_int_equal(qv_schema_new(&f, 1, NULL, &sc, NULL), QV_OK);
  int rc = qv_schema_export(sc, out, NULL) == QV_OK ? 0 : EIO;
  qv_schema_release(sc);
  qv_field_release(f);
  return rc;
}

static int fs_get_next(struct ArrowArrayStream *s, struct ArrowArray *out) {
  fs_priv *p = s->private_data;
  if (p->batches_left == 0) {
    out->release = NULL;
    return p->next_errno;
  }
  p->batches_left--;
  int32_t v[2] = {p->batches_left, 42};
  struct ArrowArray col;
  tp_int32(&col, v, 2, NULL, 0, NULL);
  tp_init(out, 2, 0, 0, 1, p->batch_releases);
  tp_child(out, &col);
  if (p->bad_batch) out->n_buffers = 2;
  return 0;
}

static const char *fs_last_error(struct ArrowArrayStream *s) {
  fs_priv *p = s->private_data;
  if (p->no_last_error) return NULL;
  if (p->next_errno != 0) return "producer's get_next failed";
  return p->fail_schema ? "producer could not allocate its schema" : NULL;
}

static void fs_release(struct ArrowArrayStream *s) {
  fs_priv *p = s->private_data;
  p->stream_releases++;
  s->release = NULL;
}

static void fs_init(struct ArrowArrayStream *s, fs_priv *p) {
  s->get_schema = fs_get_schema;
  s->get_next = fs_get_next;
  s->get_last_error = fs_last_error;
  s->release = fs_release;
  s->private_data = p;
}

static void test_foreign_stream_batches_released_once(void **state) {
  (void)state;
  int batch_releases = 0;
  fs_priv p = {2, 0, 0, &batch_releases, 0, false, false};
  struct ArrowArrayStream s;
  fs_init(&s, &p);
  qv_stream_reader *r = NULL;
  qv_error err;
  if (qv_stream_import(&s, &r, &err) != QV_OK) fail_msg("%s", err.message);
  assert_null(s.release);
  qv_batch *b1 = NULL, *b2 = NULL, *end = NULL;
  assert_int_equal(qv_stream_reader_next(r, &b1, &err), QV_OK);
  assert_int_equal(qv_stream_reader_next(r, &b2, &err), QV_OK);
  assert_int_equal(qv_stream_reader_next(r, &end, &err), QV_OK);
  assert_null(end);
  assert_int_equal(qv_array_int32_value(b1->columns[0], 0), 1);
  assert_int_equal(qv_array_int32_value(b2->columns[0], 1), 42);
  qv_stream_reader_release(r);
  assert_int_equal(p.stream_releases, 1);
  assert_int_equal(batch_releases, 0);
  qv_batch_release(b2);
  assert_int_equal(batch_releases, 1);
  qv_batch_release(b1);
  assert_int_equal(batch_releases, 2);
}

static void test_foreign_stream_get_schema_failure(void **state) {
  (void)state;
  fs_priv p = {0, 1, 0, NULL, 0, false, false};
  struct ArrowArrayStream s;
  fs_init(&s, &p);
  qv_stream_reader *r = (qv_stream_reader *)0x1;
  qv_error err;
  assert_error(qv_stream_import(&s, &r, &err), QV_ERR_NO_MEMORY, &err, "producer could not allocate its schema");
  assert_non_null(strstr(err.message, "get_schema"));
  assert_null(r);
  assert_int_equal(p.stream_releases, 1); /* we took ownership */
  assert_null(s.release);
  /* a released stream is rejected and nothing is called */
  assert_error(qv_stream_import(&s, &r, &err), QV_ERR_INVALID_DATA, &err, "released");
  assert_int_equal(p.stream_releases, 1);
}

/* A producer's get_next errno becomes a status (ENOMEM, EINVAL, ENOSYS,
 * anything else IO) with its get_last_error text, or without one. */
static void test_foreign_stream_get_next_errors(void **state) {
  (void)state;
  static const struct {
    int code;
    qv_status want;
  } cases[] = {{ENOMEM, QV_ERR_NO_MEMORY}, {EINVAL, QV_ERR_INVALID_DATA}, {ENOSYS, QV_ERR_NOT_IMPLEMENTED},
               {EIO, QV_ERR_IO},           {EPIPE, QV_ERR_IO}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    for (int with_text = 0; with_text < 2; with_text++) {
      fs_priv p = {1, 0, 0, NULL, cases[i].code, false, !with_text};
      struct ArrowArrayStream s;
      fs_init(&s, &p);
      qv_stream_reader *r = NULL;
      qv_error err;
      if (qv_stream_import(&s, &r, &err) != QV_OK) fail_msg("%s", err.message);
      qv_batch *b = NULL;
      assert_int_equal(qv_stream_reader_next(r, &b, &err), QV_OK);
      qv_batch_release(b);
      b = (qv_batch *)0x1;
      char errno_text[32];
      snprintf(errno_text, sizeof errno_text, "errno %d", cases[i].code);
      assert_error(qv_stream_reader_next(r, &b, &err), cases[i].want, &err, errno_text);
      assert_non_null(strstr(err.message, "get_next"));
      if (with_text) assert_non_null(strstr(err.message, "producer's get_next failed"));
      assert_null(b);
      qv_stream_reader_release(r);
      assert_int_equal(p.stream_releases, 1);
    }
  }
}

/* A batch the producer built wrongly is rejected by the import, named. */
static void test_foreign_stream_bad_batch(void **state) {
  (void)state;
  int batch_releases = 0;
  fs_priv p = {1, 0, 0, &batch_releases, 0, true, false};
  struct ArrowArrayStream s;
  fs_init(&s, &p);
  qv_stream_reader *r = NULL;
  qv_error err;
  if (qv_stream_import(&s, &r, &err) != QV_OK) fail_msg("%s", err.message);
  qv_batch *b = (qv_batch *)0x1;
  assert_error(qv_stream_reader_next(r, &b, &err), QV_ERR_INVALID_DATA, &err, "a struct array needs 1 buffer, got n_buffers 2");
  assert_null(b);
  assert_int_equal(batch_releases, 1); /* taken and released */
  qv_stream_reader_release(r);
}

/* A stream without a get_schema or get_next callback is refused (and
 * released: import takes ownership). */
static void test_foreign_stream_missing_callbacks(void **state) {
  (void)state;
  for (int which = 0; which < 2; which++) {
    fs_priv p = {0, 0, 0, NULL, 0, false, false};
    struct ArrowArrayStream s;
    fs_init(&s, &p);
    if (which == 0) s.get_schema = NULL;
    else s.get_next = NULL;
    qv_stream_reader *r = (qv_stream_reader *)0x1;
    qv_error err;
    assert_error(qv_stream_import(&s, &r, &err), QV_ERR_INVALID_DATA, &err, which == 0 ? "get_schema" : "get_next");
    assert_null(r);
    assert_int_equal(p.stream_releases, 1);
  }
}

/* qv_stream_export maps a source's status to the errno of the C stream
 * interface: NO_MEMORY ENOMEM, IO and TRUNCATED EIO, NOT_IMPLEMENTED and
 * UNSUPPORTED ENOSYS, anything else EINVAL; the message stays readable. */
typedef struct failing_src {
  qv_status st;
} failing_src;

static qv_status failing_next(void *ctx, qv_batch **out, qv_error *err) {
  *out = NULL;
  return qv_error_set(err, ((failing_src *)ctx)->st, "source failed with %s", qv_status_name(((failing_src *)ctx)->st));
}

static void test_export_status_to_errno(void **state) {
  (void)state;
  static const struct {
    qv_status st;
    int want;
  } cases[] = {{QV_ERR_NO_MEMORY, ENOMEM},       {QV_ERR_IO, EIO},         {QV_ERR_TRUNCATED, EIO},
               {QV_ERR_NOT_IMPLEMENTED, ENOSYS}, {QV_ERR_UNSUPPORTED, ENOSYS}, {QV_ERR_INVALID_DATA, EINVAL},
               {QV_ERR_OVERFLOW, EINVAL}};
  qv_schema *schema = two_col_schema();
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    failing_src f = {cases[i].st};
    struct ArrowArrayStream stream;
    assert_int_equal(qv_stream_export(schema, failing_next, NULL, &f, &stream, NULL), QV_OK);
    struct ArrowArray arr;
    assert_int_equal(stream.get_next(&stream, &arr), cases[i].want);
    assert_null(arr.release);
    assert_non_null(strstr(stream.get_last_error(&stream), qv_status_name(cases[i].st)));
    stream.release(&stream);
    assert_null(stream.release);
  }
  qv_schema_release(schema);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table_stream_roundtrip),
      cmocka_unit_test(test_callback_stream_error_propagates),
      cmocka_unit_test(test_callback_stream_schema_mismatch),
      cmocka_unit_test(test_raw_stream_protocol),
      cmocka_unit_test(test_foreign_stream_batches_released_once),
      cmocka_unit_test(test_foreign_stream_get_schema_failure),
      cmocka_unit_test(test_foreign_stream_get_next_errors),
      cmocka_unit_test(test_foreign_stream_bad_batch),
      cmocka_unit_test(test_foreign_stream_missing_callbacks),
      cmocka_unit_test(test_export_status_to_errno),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
