/* Misuse of the public API: NULL pointers, negative counts and sizes, bad
 * file descriptors and calls in the wrong state. Every such call returns
 * QV_ERR_INVALID_ARGUMENT (or the code named) with a message that names
 * the function and the argument, leaves its out-parameter NULL and takes
 * nothing it should not (the ASan build checks for leaks). One named test
 * per module.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "quiver/builder.h"
#include "quiver/cdata.h"
#include "quiver/compare.h"
#include "quiver/ipc.h"
#include "quiver/json.h"
#include "quiver/print.h"
#include "quiver/table.h"
#include "quiver/validate.h"

static qv_error e;

static void expect_code(const char *call, qv_status got, qv_status want, const char *needle) {
  if (got != want)
    fail_msg("%s: %s (%s), want %s", call, qv_status_name(got), e.message, qv_status_name(want));
  if (e.code != got) fail_msg("%s: error code %s, status %s", call, qv_status_name(e.code), qv_status_name(got));
  if (strstr(e.message, needle) == NULL) fail_msg("%s: message '%s' lacks '%s'", call, e.message, needle);
}

/* The call fails with QV_ERR_INVALID_ARGUMENT and a message holding needle. */
#define BAD_ARG(call, needle)                                               \
  do {                                                                      \
    qv_error_clear(&e);                                                     \
    expect_code(#call, (call), QV_ERR_INVALID_ARGUMENT, needle);            \
  } while (0)
#define BAD(call, code, needle)                                             \
  do {                                                                      \
    qv_error_clear(&e);                                                     \
    expect_code(#call, (call), code, needle);                               \
  } while (0)
#define OK(call)                                                                                   \
  do {                                                                                             \
    qv_error_clear(&e);                                                                            \
    qv_status ok__ = (call);                                                                       \
    if (ok__ != QV_OK) fail_msg("%s: %s: %s", #call, qv_status_name(ok__), e.message);             \
  } while (0)

/* A one-column int32 table {x: [1, 2, 3]} and its parts. */
typedef struct sample {
  qv_schema *schema;
  qv_array *column;
  qv_batch *batch;
  qv_table *table;
} sample;

static sample make_sample(void) {
  sample s;
  qv_field *f = NULL;
  OK(qv_field_new("x", qv_type_int32(), true, NULL, &f, &e));
  OK(qv_schema_new(&f, 1, NULL, &s.schema, &e));
  qv_field_release(f);
  qv_builder *b = NULL;
  OK(qv_builder_new(qv_type_int32(), NULL, &b, &e));
  for (int32_t i = 1; i <= 3; i++) OK(qv_builder_append_int32(b, i));
  OK(qv_builder_finish(b, &s.column, &e));
  qv_builder_free(b);
  OK(qv_batch_new(s.schema, 3, &s.column, NULL, &s.batch, &e));
  OK(qv_table_new(s.schema, &s.batch, 1, &s.table, &e));
  return s;
}

static void free_sample(sample *s) {
  qv_table_release(s->table);
  qv_batch_release(s->batch);
  qv_array_release(s->column);
  qv_schema_release(s->schema);
}

static void test_core_arguments(void **state) {
  (void)state;
  sample s = make_sample();
  qv_buffer *buf = NULL;
  qv_array *a = NULL;
  qv_batch *b = NULL;
  qv_table *t = NULL;
  qv_schema *sch = NULL;
  qv_field *f = NULL;
  qv_metadata *md = NULL;
  uint8_t bytes[4] = {0};

  BAD_ARG(qv_buffer_allocate(NULL, 8, false, NULL, &e), "qv_buffer_allocate: out is NULL");
  BAD_ARG(qv_buffer_allocate(NULL, -1, false, &buf, &e), "qv_buffer_allocate: negative size -1");
  BAD_ARG(qv_buffer_wrap(bytes, 4, NULL, NULL, NULL, &e), "qv_buffer_wrap: out is NULL");
  BAD_ARG(qv_buffer_wrap(bytes, -4, NULL, NULL, &buf, &e), "qv_buffer_wrap: negative size -4");
  BAD_ARG(qv_buffer_wrap(NULL, 4, NULL, NULL, &buf, &e), "qv_buffer_wrap: data is NULL with size 4");
  BAD_ARG(qv_buffer_copy_from(NULL, NULL, 3, &buf, &e), "qv_buffer_copy_from: src is NULL with size 3");
  BAD_ARG(qv_buffer_reserve(NULL, 8, &e), "qv_buffer_reserve: buffer is NULL");
  OK(qv_buffer_wrap(bytes, 4, NULL, NULL, &buf, &e));
  BAD_ARG(qv_buffer_reserve(buf, 64, &e), "qv_buffer_reserve: buffer is not owned by quiver");
  qv_buffer *view = NULL;
  BAD_ARG(qv_buffer_view(NULL, 0, 1, &view, &e), "qv_buffer_view: parent is NULL");
  BAD_ARG(qv_buffer_view(buf, 0, 1, NULL, &e), "qv_buffer_view: out is NULL");
  qv_buffer_release(buf);
  assert_null(view);

  BAD_ARG(qv_array_new(NULL, 0, 0, 0, 0, NULL, 0, NULL, NULL, &a, &e), "qv_array_new: type is NULL");
  BAD_ARG(qv_array_new(qv_type_null(), 0, 0, 0, 0, NULL, 0, NULL, NULL, NULL, &e), "qv_array_new: out is NULL");
  BAD_ARG(qv_array_new_null(NULL, 3, &a, &e), "qv_array_new_null: type is NULL");
  BAD_ARG(qv_array_new_null(qv_type_int32(), 3, NULL, &e), "qv_array_new_null: out is NULL");
  BAD_ARG(qv_array_new_null(qv_type_int32(), -3, &a, &e), "qv_array_new_null: negative length -3");
  BAD_ARG(qv_array_slice(NULL, 0, 1, &a, &e), "qv_array_slice: array is NULL");
  BAD_ARG(qv_array_slice(s.column, 0, 1, NULL, &e), "qv_array_slice: out is NULL");
  assert_null(a);

  BAD_ARG(qv_batch_new(NULL, 3, &s.column, NULL, &b, &e), "qv_batch_new: schema is NULL");
  BAD_ARG(qv_batch_new(s.schema, 3, &s.column, NULL, NULL, &e), "qv_batch_new: out is NULL");
  BAD_ARG(qv_batch_slice(NULL, 0, 1, &b, &e), "qv_batch_slice: batch is NULL");
  BAD_ARG(qv_batch_slice(s.batch, 0, 1, NULL, &e), "qv_batch_slice: out is NULL");
  BAD_ARG(qv_table_new(NULL, &s.batch, 1, &t, &e), "qv_table_new: schema is NULL");
  BAD_ARG(qv_table_new(s.schema, &s.batch, 1, NULL, &e), "qv_table_new: out is NULL");
  BAD_ARG(qv_table_new(s.schema, NULL, 2, &t, &e), "table: bad batches (2");
  BAD_ARG(qv_table_new(s.schema, NULL, -1, &t, &e), "table: bad batches (-1");
  qv_batch *holes[2] = {s.batch, NULL};
  BAD_ARG(qv_table_new(s.schema, holes, 2, &t, &e), "table: batch 1 is NULL");
  assert_null(b);
  assert_null(t);

  BAD_ARG(qv_schema_new(NULL, 0, NULL, NULL, &e), "qv_schema_new: out is NULL");
  BAD_ARG(qv_schema_new(NULL, -1, NULL, &sch, &e), "schema: negative number of fields -1");
  BAD_ARG(qv_schema_new(NULL, 2, NULL, &sch, &e), "schema: fields is NULL with 2 fields");
  qv_field *no_fields[1] = {NULL};
  BAD_ARG(qv_schema_new(no_fields, 1, NULL, &sch, &e), "schema: field 0 is NULL");
  BAD_ARG(qv_field_new("x", qv_type_int32(), true, NULL, NULL, &e), "qv_field_new: out is NULL");
  assert_null(sch);
  assert_null(f);

  BAD_ARG(qv_metadata_new(NULL, &e), "qv_metadata_new: out is NULL");
  BAD_ARG(qv_metadata_append(NULL, "k", 1, "v", 1, &e), "qv_metadata_append: metadata is NULL");
  OK(qv_metadata_new(&md, &e));
  BAD_ARG(qv_metadata_append(md, NULL, 3, "v", 1, &e), "qv_metadata_append: NULL key with length 3");
  BAD_ARG(qv_metadata_append(md, "k", 1, NULL, 2, &e), "qv_metadata_append: NULL value with length 2");
  BAD_ARG(qv_metadata_copy(md, NULL, &e), "qv_metadata_copy: out is NULL");
  qv_metadata_free(md);
  free_sample(&s);
}

static void test_type_arguments(void **state) {
  (void)state;
  qv_type *t = NULL;
  qv_field *item = NULL;
  OK(qv_field_new("item", qv_type_int32(), true, NULL, &item, &e));
  /* every constructor refuses a NULL out (they wrote through it) */
  qv_field *kv[2] = {item, item};
  int8_t codes[1] = {3};
  BAD_ARG(qv_type_decimal(128, 10, 2, NULL, &e), "decimal128 type: out is NULL");
  BAD_ARG(qv_type_time32(QV_UNIT_SECOND, NULL, &e), "time32 type: out is NULL");
  BAD_ARG(qv_type_timestamp(QV_UNIT_NANO, "UTC", NULL, &e), "timestamp type: out is NULL");
  BAD_ARG(qv_type_fixed_size_binary(4, NULL, &e), "fixed_size_binary type: out is NULL");
  BAD_ARG(qv_type_list(item, NULL, &e), "list type: out is NULL");
  BAD_ARG(qv_type_fixed_size_list(item, 2, NULL, &e), "fixed_size_list type: out is NULL");
  BAD_ARG(qv_type_struct(kv, 2, NULL, &e), "struct type: out is NULL");
  BAD_ARG(qv_type_map(qv_type_int32(), qv_type_int32(), false, NULL, &e), "map type: out is NULL");
  BAD_ARG(qv_type_union(QV_TYPE_DENSE_UNION, &item, 1, codes, NULL, &e), "dense_union type: out is NULL");
  BAD_ARG(qv_type_dictionary(qv_type_int8(), qv_type_string(), false, NULL, &e), "dictionary type: out is NULL");
  BAD_ARG(qv_type_run_end_encoded(qv_type_int32(), qv_type_string(), NULL, &e), "run_end_encoded type: out is NULL");
  BAD_ARG(qv_type_extension("x.y", NULL, 0, qv_type_int32(), NULL, &e), "extension type: out is NULL");
  BAD_ARG(qv_type_struct(NULL, -1, &t, &e), "negative number of fields -1");
  BAD_ARG(qv_type_struct(NULL, 2, &t, &e), "struct");
  BAD_ARG(qv_type_map(NULL, qv_type_int32(), false, &t, &e), "map type: key type is NULL");
  BAD_ARG(qv_type_map(qv_type_int32(), NULL, false, &t, &e), "map type: item type is NULL");
  BAD_ARG(qv_type_map_from_entries(NULL, false, &t, &e), "map type: entries field is NULL");
  BAD_ARG(qv_type_map_from_entries(item, false, &t, &e), "map");
  BAD_ARG(qv_type_dictionary(NULL, qv_type_string(), false, &t, &e), "dictionary type: index type is NULL");
  BAD_ARG(qv_type_dictionary(qv_type_int32(), NULL, false, &t, &e), "dictionary type: value type is NULL");
  BAD_ARG(qv_type_run_end_encoded(NULL, qv_type_string(), &t, &e), "run_end_encoded type: run_ends type is NULL");
  BAD_ARG(qv_type_run_end_encoded(qv_type_int32(), NULL, &t, &e), "run_end_encoded type: value type is NULL");
  BAD_ARG(qv_type_run_end_encoded_fields(NULL, item, &t, &e), "run_end_encoded type: run_ends field is NULL");
  BAD_ARG(qv_type_run_end_encoded_fields(item, NULL, &t, &e), "run_end_encoded type: values field is NULL");
  BAD_ARG(qv_type_union(QV_TYPE_STRUCT, &item, 1, NULL, &t, &e), "is not sparse_union or dense_union");
  qv_field *many[129];
  for (int i = 0; i < 129; i++) many[i] = item;
  BAD_ARG(qv_type_union(QV_TYPE_SPARSE_UNION, many, 129, NULL, &t, &e), "union");
  BAD_ARG(qv_type_fixed_size_binary(-1, &t, &e), "fixed_size_binary");
  BAD_ARG(qv_type_time32((qv_time_unit)9, &t, &e), "time32");
  BAD_ARG(qv_type_extension(NULL, NULL, 0, qv_type_int32(), &t, &e), "extension");
  BAD_ARG(qv_type_extension("x.y", NULL, 5, qv_type_int32(), &t, &e), "extension");
  BAD_ARG(qv_type_extension("x.y", "m", -2, qv_type_int32(), &t, &e), "extension");
  assert_null(t);
  qv_field_release(item);
}

static void test_builder_arguments(void **state) {
  (void)state;
  qv_builder *b = NULL;
  qv_array *a = NULL;
  BAD_ARG(qv_builder_new(NULL, NULL, &b, &e), "qv_builder_new: type is NULL");
  BAD_ARG(qv_builder_new(qv_type_int32(), NULL, NULL, &e), "qv_builder_new: out is NULL");
  BAD_ARG(qv_builder_finish(NULL, &a, &e), "qv_builder_finish: builder is NULL");
  BAD_ARG(qv_builder_append_values(NULL, NULL, 0, NULL, &e), "qv_builder_append_values: builder is NULL");
  BAD_ARG(qv_builder_append_binaries(NULL, NULL, NULL, 0, NULL, &e), "append_binaries: builder is NULL");
  OK(qv_builder_new(qv_type_int32(), NULL, &b, &e));
  BAD_ARG(qv_builder_finish(b, NULL, &e), "qv_builder_finish: out is NULL");
  BAD_ARG(qv_builder_reserve(b, -1, &e), "qv_builder_reserve: negative count -1");
  BAD_ARG(qv_builder_append_values(b, NULL, 2, NULL, &e), "append_values: values is NULL");
  int32_t v = 1;
  BAD_ARG(qv_builder_append_values(b, &v, -2, NULL, &e), "append_values: negative count -2");
  assert_int_equal(qv_builder_append_nulls(b, -1), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(qv_builder_error(b)->message, "append_nulls: negative count -1"));
  assert_int_equal(qv_builder_length(b), 0);
  qv_builder_free(b);

  OK(qv_builder_new(qv_type_string(), NULL, &b, &e));
  int32_t offsets[2] = {0, 1};
  BAD_ARG(qv_builder_append_binaries(b, NULL, "x", 1, NULL, &e), "append_binaries: offsets is NULL");
  BAD_ARG(qv_builder_append_binaries(b, offsets, NULL, 1, NULL, &e), "append_binaries: data is NULL");
  BAD_ARG(qv_builder_append_binaries(b, offsets, "x", -1, NULL, &e), "append_binaries: negative count -1");
  assert_int_equal(qv_builder_append_binary(b, NULL, 4), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(qv_builder_error(b)->message, "append_binary: data is NULL with length 4"));
  assert_int_equal(qv_builder_append_binary(b, "x", -3), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(qv_builder_error(b)->message, "append_binary: negative length -3"));
  OK(qv_builder_finish(b, &a, &e));
  assert_int_equal(a->length, 0);
  qv_array_release(a);
  qv_builder_free(b);

  qv_type *fsb = NULL;
  OK(qv_type_fixed_size_binary(3, &fsb, &e));
  OK(qv_builder_new(fsb, NULL, &b, &e));
  assert_int_equal(qv_builder_append_fixed(b, NULL), QV_ERR_INVALID_ARGUMENT);
  assert_non_null(strstr(qv_builder_error(b)->message, "append_fixed: bytes is NULL"));
  qv_builder_free(b);
  qv_type_release(fsb);
}

static void test_ipc_reader_arguments(void **state) {
  (void)state;
  sample s = make_sample();
  qv_buffer *stream = NULL, *file = NULL;
  OK(qv_ipc_write_stream_buffer(s.table, NULL, &stream, &e));
  OK(qv_ipc_write_file_buffer(s.table, NULL, &file, &e));
  qv_table *t = NULL;
  qv_batch *b = NULL;
  qv_ipc_stream_reader *sr = NULL;
  qv_ipc_file_reader *fr = NULL;
  qv_ipc_decoder *d = NULL;

  BAD_ARG(qv_ipc_read_buffer(NULL, NULL, &t, &e), "qv_ipc_read_buffer: buf is NULL");
  BAD_ARG(qv_ipc_stream_reader_open_buffer(NULL, NULL, &sr, &e), "qv_ipc_stream_reader_open_buffer: buf is NULL");
  BAD_ARG(qv_ipc_stream_reader_open_buffer(stream, NULL, NULL, &e), "qv_ipc_stream_reader_open_buffer: out is NULL");
  BAD_ARG(qv_ipc_stream_reader_open_path("x", NULL, NULL, &e), "qv_ipc_stream_reader_open_path: out is NULL");
  BAD_ARG(qv_ipc_stream_reader_open_fd(0, NULL, NULL, &e), "qv_ipc_stream_reader_open_fd: out is NULL");
  BAD_ARG(qv_ipc_stream_reader_open_fd(-1, NULL, &sr, &e), "qv_ipc_stream_reader_open_fd: bad fd -1");
  OK(qv_ipc_stream_reader_open_buffer(stream, NULL, &sr, &e));
  BAD_ARG(qv_ipc_stream_reader_next(sr, NULL, &e), "qv_ipc_stream_reader_next: out is NULL");
  BAD_ARG(qv_ipc_stream_reader_next(NULL, &b, &e), "qv_ipc_stream_reader_next: reader is NULL");
  BAD_ARG(qv_ipc_stream_reader_read_all(sr, NULL, &e), "qv_ipc_stream_reader_read_all: out is NULL");
  BAD_ARG(qv_ipc_stream_reader_read_all(NULL, &t, &e), "qv_ipc_stream_reader_read_all: reader is NULL");
  qv_ipc_stream_reader_free(sr);
  assert_null(qv_ipc_stream_reader_schema(NULL));

  BAD_ARG(qv_ipc_file_reader_open_buffer(NULL, NULL, &fr, &e), "qv_ipc_file_reader_open_buffer: buf is NULL");
  BAD_ARG(qv_ipc_file_reader_open_buffer(file, NULL, NULL, &e), "qv_ipc_file_reader_open_buffer: out is NULL");
  BAD_ARG(qv_ipc_file_reader_open_path("x", NULL, NULL, &e), "qv_ipc_file_reader_open_path: out is NULL");
  BAD_ARG(qv_ipc_file_reader_open_fd(0, NULL, NULL, &e), "qv_ipc_file_reader_open_fd: out is NULL");
  OK(qv_ipc_file_reader_open_buffer(file, NULL, &fr, &e));
  BAD_ARG(qv_ipc_file_reader_read_batch(fr, 0, NULL, &e), "qv_ipc_file_reader_read_batch: out is NULL");
  BAD_ARG(qv_ipc_file_reader_read_batch(NULL, 0, &b, &e), "qv_ipc_file_reader_read_batch: reader is NULL");
  BAD_ARG(qv_ipc_file_reader_read_all(fr, NULL, &e), "qv_ipc_file_reader_read_all: out is NULL");
  BAD_ARG(qv_ipc_file_reader_read_all(NULL, &t, &e), "qv_ipc_file_reader_read_all: reader is NULL");
  qv_ipc_file_reader_free(fr);
  assert_null(qv_ipc_file_reader_schema(NULL));
  assert_int_equal(qv_ipc_file_reader_num_batches(NULL), 0);

  BAD_ARG(qv_ipc_decoder_new(NULL, NULL, &e), "qv_ipc_decoder_new: out is NULL");
  BAD_ARG(qv_ipc_decoder_feed(NULL, "x", 1, &e), "qv_ipc_decoder_feed: decoder is NULL");
  BAD_ARG(qv_ipc_decoder_feed_buffer(NULL, stream, &e), "qv_ipc_decoder_feed_buffer: decoder is NULL");
  qv_ipc_event ev;
  BAD_ARG(qv_ipc_decoder_next(NULL, &ev, &e), "qv_ipc_decoder_next: decoder is NULL");
  BAD_ARG(qv_ipc_decoder_finish(NULL, &e), "qv_ipc_decoder_finish: decoder is NULL");
  OK(qv_ipc_decoder_new(NULL, &d, &e));
  BAD_ARG(qv_ipc_decoder_feed(d, NULL, 4, &e), "qv_ipc_decoder_feed: data is NULL");
  BAD_ARG(qv_ipc_decoder_feed_buffer(d, NULL, &e), "qv_ipc_decoder_feed_buffer: buffer is NULL");
  BAD_ARG(qv_ipc_decoder_next(d, NULL, &e), "qv_ipc_decoder_next: event is NULL");
  OK(qv_ipc_decoder_feed(d, NULL, 0, &e)); /* nothing to feed is fine */
  qv_ipc_decoder_free(d);

  assert_null(t);
  assert_null(b);
  qv_buffer_release(stream);
  qv_buffer_release(file);
  free_sample(&s);
}

static void test_ipc_writer_arguments(void **state) {
  (void)state;
  sample s = make_sample();
  qv_ipc_writer *w = NULL;
  qv_buffer *out = NULL;
  BAD_ARG(qv_ipc_write_buffer(QV_IPC_FORMAT_STREAM, NULL, NULL, &out, &e), "qv_ipc_write_buffer: table is NULL");
  BAD_ARG(qv_ipc_write_buffer(QV_IPC_FORMAT_STREAM, s.table, NULL, NULL, &e), "qv_ipc_write_buffer: out is NULL");
  BAD_ARG(qv_ipc_write_fd(1, QV_IPC_FORMAT_STREAM, NULL, NULL, &e), "qv_ipc_write_fd: table is NULL");
  BAD_ARG(qv_ipc_write_path("x.arrow", QV_IPC_FORMAT_FILE, NULL, NULL, &e), "qv_ipc_write_path: table is NULL");
  BAD_ARG(qv_ipc_writer_open_memory(QV_IPC_FORMAT_STREAM, s.schema, NULL, NULL, &e),
          "qv_ipc_writer_open_memory: out is NULL");
  BAD_ARG(qv_ipc_writer_open_fd(1, QV_IPC_FORMAT_STREAM, s.schema, NULL, NULL, &e), "qv_ipc_writer_open_fd: out is NULL");
  BAD_ARG(qv_ipc_writer_open_fd(-2, QV_IPC_FORMAT_STREAM, s.schema, NULL, &w, &e), "qv_ipc_writer_open_fd: bad fd -2");
  BAD_ARG(qv_ipc_writer_open_path(NULL, QV_IPC_FORMAT_FILE, s.schema, NULL, &w, &e),
          "qv_ipc_writer_open_path: path is NULL");
  BAD_ARG(qv_ipc_writer_open_path("x.arrow", QV_IPC_FORMAT_FILE, s.schema, NULL, NULL, &e),
          "qv_ipc_writer_open_path: out is NULL");
  BAD_ARG(qv_ipc_writer_open_callback(NULL, NULL, QV_IPC_FORMAT_STREAM, s.schema, NULL, &w, &e),
          "qv_ipc_writer_open_callback: fn is NULL");
  BAD_ARG(qv_ipc_writer_close(NULL, &e), "qv_ipc_writer_close: writer is NULL");
  BAD_ARG(qv_ipc_writer_take_buffer(NULL, &out, &e), "qv_ipc_writer_take_buffer: writer is NULL");
  assert_null(w);

  OK(qv_ipc_writer_open_memory(QV_IPC_FORMAT_STREAM, s.schema, NULL, &w, &e));
  BAD_ARG(qv_ipc_writer_write_batch(w, NULL, &e), "qv_ipc_writer_write_batch: batch is NULL");
  BAD_ARG(qv_ipc_writer_write_batch(NULL, s.batch, &e), "qv_ipc_writer_write_batch: writer is NULL");
  BAD_ARG(qv_ipc_writer_write_table(w, NULL, &e), "qv_ipc_writer_write_table: table is NULL");
  BAD_ARG(qv_ipc_writer_write_table(NULL, s.table, &e), "qv_ipc_writer_write_table: writer is NULL");
  BAD_ARG(qv_ipc_writer_take_buffer(w, NULL, &e), "qv_ipc_writer_take_buffer: out is NULL");
  BAD_ARG(qv_ipc_writer_take_buffer(w, &out, &e), "qv_ipc_writer_take_buffer: close the writer first");
  OK(qv_ipc_writer_write_table(w, s.table, &e));
  OK(qv_ipc_writer_close(w, &e));
  OK(qv_ipc_writer_take_buffer(w, &out, &e));
  qv_ipc_writer_free(w);
  qv_table *back = NULL;
  OK(qv_ipc_read_stream_buffer(out, NULL, &back, &e));
  assert_int_equal(back->n_rows, 3);
  qv_table_release(back);
  qv_buffer_release(out);
  out = NULL;

  /* an fd writer has no buffer to take */
  int fd = open("/dev/null", O_WRONLY);
  assert_true(fd >= 0);
  OK(qv_ipc_writer_open_fd(fd, QV_IPC_FORMAT_STREAM, s.schema, NULL, &w, &e));
  OK(qv_ipc_writer_close(w, &e));
  BAD_ARG(qv_ipc_writer_take_buffer(w, &out, &e), "qv_ipc_writer_take_buffer: not a memory writer");
  qv_ipc_writer_free(w);
  close(fd);
  assert_null(out);
  free_sample(&s);
}

static void test_cdata_arguments(void **state) {
  (void)state;
  sample s = make_sample();
  struct ArrowSchema cs;
  struct ArrowArray ca;
  struct ArrowArrayStream st;
  qv_type *t = NULL;
  qv_field *f = NULL;
  qv_schema *sch = NULL;
  qv_array *a = NULL;
  qv_stream_reader *r = NULL;
  qv_metadata *md = NULL;
  BAD_ARG(qv_type_export(NULL, &cs, &e), "qv_type_export: type is NULL");
  BAD_ARG(qv_type_export(qv_type_int32(), NULL, &e), "qv_type_export: out is NULL");
  BAD_ARG(qv_field_export(NULL, &cs, &e), "qv_field_export: field is NULL");
  BAD_ARG(qv_field_export(s.schema->fields[0], NULL, &e), "qv_field_export: out is NULL");
  BAD_ARG(qv_schema_export(NULL, &cs, &e), "qv_schema_export: schema is NULL");
  BAD_ARG(qv_schema_export(s.schema, NULL, &e), "qv_schema_export: out is NULL");
  BAD_ARG(qv_array_export(NULL, &ca, &e), "qv_array_export: array is NULL");
  BAD_ARG(qv_array_export(s.column, NULL, &e), "qv_array_export: out is NULL");
  BAD_ARG(qv_batch_export(NULL, &ca, &e), "qv_batch_export: batch is NULL");
  BAD_ARG(qv_batch_export(s.batch, NULL, &e), "qv_batch_export: out is NULL");
  BAD_ARG(qv_table_export_stream(NULL, &st, &e), "qv_table_export_stream: table is NULL");
  BAD_ARG(qv_table_export_stream(s.table, NULL, &e), "qv_table_export_stream: out is NULL");
  BAD_ARG(qv_stream_export(s.schema, NULL, NULL, NULL, &st, &e), "qv_stream_export: next is NULL");
  BAD_ARG(qv_stream_export(s.schema, NULL, NULL, NULL, NULL, &e), "qv_stream_export: out is NULL");
  BAD_ARG(qv_stream_import(NULL, &r, &e), "qv_stream_import: stream is NULL");
  BAD_ARG(qv_stream_reader_next(NULL, NULL, &e), "qv_stream_reader_next: out is NULL");
  BAD_ARG(qv_type_from_format("i", 0, NULL, 0, NULL, &e), "qv_type_from_format: out is NULL");
  BAD_ARG(qv_cdata_metadata_decode(NULL, NULL, &e), "qv_cdata_metadata_decode: out is NULL");

  /* imports take ownership: a NULL out still releases the producer's struct */
  OK(qv_type_export(qv_type_int32(), &cs, &e));
  BAD_ARG(qv_type_import(&cs, NULL, &e), "qv_type_import: out is NULL");
  assert_null(cs.release);
  OK(qv_field_export(s.schema->fields[0], &cs, &e));
  BAD_ARG(qv_field_import(&cs, NULL, &e), "qv_field_import: out is NULL");
  assert_null(cs.release);
  OK(qv_schema_export(s.schema, &cs, &e));
  BAD_ARG(qv_schema_import(&cs, NULL, &e), "qv_schema_import: out is NULL");
  assert_null(cs.release);
  OK(qv_array_export(s.column, &ca, &e));
  BAD_ARG(qv_array_import(&ca, qv_type_int32(), NULL, &e), "qv_array_import: out is NULL");
  assert_null(ca.release);
  OK(qv_array_export(s.column, &ca, &e));
  BAD_ARG(qv_array_import(&ca, NULL, &a, &e), "qv_array_import: type is NULL");
  assert_null(ca.release);
  BAD_ARG(qv_array_import(NULL, qv_type_int32(), &a, &e), "qv_array_import: array is NULL");
  OK(qv_table_export_stream(s.table, &st, &e));
  BAD_ARG(qv_stream_import(&st, NULL, &e), "qv_stream_import: out is NULL");
  assert_null(st.release);
  assert_null(t);
  assert_null(f);
  assert_null(sch);
  assert_null(a);
  assert_null(r);
  assert_null(md);
  free_sample(&s);
}

static void test_json_arguments(void **state) {
  (void)state;
  sample s = make_sample();
  qv_json_file *jf = NULL;
  qv_table *t = NULL;
  char *text = NULL;
  size_t n = 0;
  BAD_ARG(qv_json_read_memory(NULL, 4, &jf, &e), "qv_json_read_memory: data is NULL");
  BAD_ARG(qv_json_read_memory("{}", 2, NULL, &e), "qv_json_read_memory: out is NULL");
  BAD_ARG(qv_json_read_path(NULL, &jf, &e), "qv_json_read_path: path is NULL");
  BAD_ARG(qv_json_read_path("x.json", NULL, &e), "qv_json_read_path: out is NULL");
  BAD_ARG(qv_json_file_to_table(NULL, &t, &e), "qv_json_file_to_table: file is NULL");
  BAD_ARG(qv_json_write_table_memory(NULL, NULL, &text, &n, &e), "qv_json_write_table_memory: table is NULL");
  BAD_ARG(qv_json_write_table_memory(s.table, NULL, NULL, &n, &e), "qv_json_write_table_memory: out is NULL");
  BAD_ARG(qv_json_write_table_path(NULL, s.table, NULL, &e), "qv_json_write_table_path: path is NULL");
  assert_null(jf);
  assert_null(t);
  assert_null(text);
  free_sample(&s);
}

static void test_print_validate_arguments(void **state) {
  (void)state;
  sample s = make_sample();
  char *text = NULL;
  BAD_ARG(qv_array_to_string(s.column, NULL, NULL, &e), "qv_array_to_string: out is NULL");
  BAD_ARG(qv_batch_to_string(s.batch, NULL, NULL, &e), "qv_batch_to_string: out is NULL");
  BAD_ARG(qv_table_to_string(s.table, NULL, NULL, &e), "qv_table_to_string: out is NULL");
  BAD_ARG(qv_array_print(NULL, s.column, NULL, &e), "qv_array_print: FILE is NULL");
  BAD_ARG(qv_batch_print(NULL, s.batch, NULL, &e), "qv_batch_print: FILE is NULL");
  BAD_ARG(qv_table_print(NULL, s.table, NULL, &e), "qv_table_print: FILE is NULL");
  BAD_ARG(qv_array_validate(NULL, QV_VALIDATE_FULL, &e), "qv_array_validate: array is NULL");
  BAD_ARG(qv_batch_validate(NULL, QV_VALIDATE_FULL, &e), "qv_batch_validate: batch is NULL");
  BAD_ARG(qv_table_validate(NULL, QV_VALIDATE_FULL, &e), "qv_table_validate: table is NULL");
  /* comparisons: two NULLs are equal, one NULL is a difference named by side */
  OK(qv_batch_diff(NULL, NULL, NULL, &e));
  OK(qv_table_diff(NULL, NULL, NULL, &e));
  BAD(qv_batch_diff(s.batch, NULL, NULL, &e), QV_ERR_INVALID_DATA, "right batch is NULL");
  BAD(qv_batch_diff(NULL, s.batch, NULL, &e), QV_ERR_INVALID_DATA, "left batch is NULL");
  BAD(qv_table_diff(NULL, s.table, NULL, &e), QV_ERR_INVALID_DATA, "left table is NULL");
  BAD(qv_table_diff(s.table, NULL, NULL, &e), QV_ERR_INVALID_DATA, "right table is NULL");
  BAD(qv_array_diff(s.column, NULL, &e), QV_ERR_INVALID_DATA, "right array is NULL");
  assert_null(text);
  free_sample(&s);
}

/* The table API (table.h, chunked.h): NULL inputs and outputs, bad lists,
 * indices out of range, missing names, mismatched lengths and types. */
static void test_table_arguments(void **state) {
  (void)state;
  sample s = make_sample();
  qv_table *t = NULL;
  qv_batch *b = NULL;
  qv_chunked_array *c = NULL;
  qv_field *f = s.schema->fields[0];
  static const int32_t idx[1] = {0};
  static const char *const names[1] = {"x"};
  const char *missing = "nope";

  BAD_ARG(qv_chunked_array_new(qv_type_int32(), NULL, 0, NULL, &e), "qv_chunked_array_new: out is NULL");
  BAD_ARG(qv_chunked_array_new(qv_type_int32(), NULL, 2, &c, &e), "chunked array: bad chunk list (2 chunks)");
  BAD_ARG(qv_chunked_array_new(NULL, NULL, 0, &c, &e), "chunked array: no type and no chunk to take it from");
  qv_array *holes[1] = {NULL};
  BAD_ARG(qv_chunked_array_new(NULL, holes, 1, &c, &e), "chunked array: chunk 0 is NULL");
  BAD(qv_chunked_array_new(qv_type_string(), &s.column, 1, &c, &e), QV_ERR_TYPE,
      "chunked array: chunk 0 has type int32, expected string");
  OK(qv_chunked_array_new(NULL, &s.column, 1, &c, &e));
  qv_chunked_array *cs = NULL;
  BAD(qv_chunked_array_slice(c, 2, 5, &cs, &e), QV_ERR_OUT_OF_RANGE, "");
  assert_null(cs);

  BAD_ARG(qv_batch_from_arrays(names, &s.column, 1, NULL, &e), "qv_batch_from_arrays: out is NULL");
  BAD_ARG(qv_table_from_arrays(names, &s.column, 1, NULL, &e), "qv_table_from_arrays: out is NULL");
  BAD_ARG(qv_table_from_arrays(NULL, &s.column, 1, &t, &e), "from_arrays: names and arrays are required for 1 columns");
  BAD_ARG(qv_table_from_arrays(names, holes, 1, &t, &e), "from_arrays: column 0 has no");
  BAD_ARG(qv_table_from_batches(NULL, 1, &t, &e), "at least one batch is needed");
  BAD_ARG(qv_table_from_batches(&s.batch, 1, NULL, &e), "qv_table_from_batches: out is NULL");
  BAD_ARG(qv_table_from_columns(NULL, &c, &t, &e), "qv_table_from_columns: schema is NULL");
  BAD_ARG(qv_table_from_columns(s.schema, &c, NULL, &e), "qv_table_from_columns: out is NULL");
  BAD_ARG(qv_table_from_columns(s.schema, NULL, &t, &e), "qv_table_from_columns: columns is NULL");
  qv_chunked_array *no_cols[1] = {NULL};
  BAD_ARG(qv_table_from_columns(s.schema, no_cols, &t, &e), "table: column 0 ('x') is NULL");

  BAD_ARG(qv_table_column(NULL, 0, &c, &e), "qv_table_column: table is NULL");
  BAD(qv_table_column(s.table, 5, &cs, &e), QV_ERR_OUT_OF_RANGE, "column index 5 is outside the table's 1 columns");
  BAD_ARG(qv_table_column_by_name(s.table, NULL, &cs, &e), "qv_table_column_by_name: an argument is NULL");
  BAD(qv_table_column_by_name(s.table, "nope", &cs, &e), QV_ERR_NOT_FOUND, "the table has no column named 'nope'");
  assert_null(qv_batch_column(s.batch, 1));
  assert_null(qv_batch_column(NULL, 0));
  BAD_ARG(qv_table_slice(NULL, 0, 1, &t, &e), "qv_table_slice: table is NULL");
  BAD(qv_table_slice(s.table, 2, 5, &t, &e), QV_ERR_OUT_OF_RANGE, "table slice [2, +5) is outside its 3 rows");
  BAD_ARG(qv_table_concat(&s.table, 1, NULL, &e), "qv_table_concat: out is NULL");
  BAD_ARG(qv_table_concat(&s.table, 0, &t, &e), "qv_table_concat: at least one table is needed");
  qv_table *tables[2] = {s.table, NULL};
  BAD_ARG(qv_table_concat(tables, 2, &t, &e), "qv_table_concat: table 1 is NULL");

  BAD_ARG(qv_batch_select(NULL, idx, 1, &b, &e), "qv_batch_select: input is NULL");
  BAD_ARG(qv_table_select(s.table, idx, 1, NULL, &e), "qv_table_select: out is NULL");
  BAD_ARG(qv_table_select(s.table, NULL, 1, &t, &e), "select: bad index list (1 entries)");
  static const int32_t far[1] = {4};
  BAD(qv_batch_select(s.batch, far, 1, &b, &e), QV_ERR_OUT_OF_RANGE, "column index 4 is outside 0..0");
  BAD_ARG(qv_table_drop_columns(s.table, NULL, 1, &t, &e), "drop_columns: bad name list (1 entries)");
  BAD(qv_batch_drop_columns(s.batch, &missing, 1, &b, &e), QV_ERR_NOT_FOUND,
      "drop_columns: there is no column named 'nope'");
  BAD_ARG(qv_table_rename_columns(s.table, names, 2, &t, &e), "rename_columns: 2 names given for 1 columns");
  BAD_ARG(qv_batch_rename_columns(NULL, names, 1, &b, &e), "qv_batch_rename_columns: input is NULL");
  BAD_ARG(qv_batch_add_column(s.batch, 0, f, NULL, &b, &e), "column is NULL");
  BAD_ARG(qv_table_add_column(s.table, 0, f, NULL, &t, &e), "column is NULL");
  BAD_ARG(qv_batch_add_column(s.batch, 0, NULL, s.column, &b, &e), "field is NULL");
  qv_field *text = NULL;
  OK(qv_field_new("t", qv_type_string(), true, NULL, &text, &e));
  BAD(qv_batch_set_column(s.batch, 0, text, s.column, &b, &e), QV_ERR_TYPE,
      "column 't' has type int32 but its field says string");
  BAD(qv_table_set_column(s.table, 0, text, c, &t, &e), QV_ERR_TYPE, "column 't' has type int32 but its field says");
  BAD(qv_batch_add_column(s.batch, 3, f, s.column, &b, &e), QV_ERR_OUT_OF_RANGE, "column index 3 is outside");
  BAD(qv_table_remove_column(s.table, -1, &t, &e), QV_ERR_OUT_OF_RANGE, "column index -1 is outside");
  BAD_ARG(qv_batch_remove_column(s.batch, 0, NULL, &e), "qv_batch_remove_column: out is NULL");
  qv_array *short_col = NULL;
  OK(qv_array_slice(s.column, 0, 2, &short_col, &e));
  BAD_ARG(qv_batch_add_column(s.batch, 0, f, short_col, &b, &e), "column 'x' has 2 rows, the batch has 3");
  qv_chunked_array *short_chunked = NULL;
  OK(qv_chunked_array_new(NULL, &short_col, 1, &short_chunked, &e));
  BAD_ARG(qv_table_set_column(s.table, 0, f, short_chunked, &t, &e), "column 'x' has 2 rows, the table has 3");
  qv_chunked_array_release(short_chunked);
  qv_array_release(short_col);
  qv_field_release(text);

  /* every editing call: a NULL input, then a NULL out */
  BAD_ARG(qv_batch_select(s.batch, idx, 1, NULL, &e), "qv_batch_select: out is NULL");
  BAD_ARG(qv_table_select(NULL, idx, 1, &t, &e), "qv_table_select: input is NULL");
  BAD_ARG(qv_batch_drop_columns(NULL, names, 1, &b, &e), "qv_batch_drop_columns: input is NULL");
  BAD_ARG(qv_batch_drop_columns(s.batch, names, 1, NULL, &e), "qv_batch_drop_columns: out is NULL");
  BAD_ARG(qv_table_drop_columns(NULL, names, 1, &t, &e), "qv_table_drop_columns: input is NULL");
  BAD_ARG(qv_table_drop_columns(s.table, names, 1, NULL, &e), "qv_table_drop_columns: out is NULL");
  BAD_ARG(qv_batch_rename_columns(s.batch, names, 1, NULL, &e), "qv_batch_rename_columns: out is NULL");
  BAD_ARG(qv_table_rename_columns(NULL, names, 1, &t, &e), "qv_table_rename_columns: input is NULL");
  BAD_ARG(qv_table_rename_columns(s.table, names, 1, NULL, &e), "qv_table_rename_columns: out is NULL");
  BAD_ARG(qv_batch_add_column(NULL, 0, f, s.column, &b, &e), "qv_batch_add_column: input is NULL");
  BAD_ARG(qv_batch_add_column(s.batch, 0, f, s.column, NULL, &e), "qv_batch_add_column: out is NULL");
  BAD_ARG(qv_table_add_column(NULL, 0, f, c, &t, &e), "qv_table_add_column: input is NULL");
  BAD_ARG(qv_table_add_column(s.table, 0, f, c, NULL, &e), "qv_table_add_column: out is NULL");
  BAD_ARG(qv_batch_set_column(NULL, 0, f, s.column, &b, &e), "qv_batch_set_column: input is NULL");
  BAD_ARG(qv_batch_set_column(s.batch, 0, f, s.column, NULL, &e), "qv_batch_set_column: out is NULL");
  BAD_ARG(qv_table_set_column(NULL, 0, f, c, &t, &e), "qv_table_set_column: input is NULL");
  BAD_ARG(qv_table_set_column(s.table, 0, f, c, NULL, &e), "qv_table_set_column: out is NULL");
  BAD_ARG(qv_batch_remove_column(NULL, 0, &b, &e), "qv_batch_remove_column: input is NULL");
  BAD_ARG(qv_table_remove_column(NULL, 0, &t, &e), "qv_table_remove_column: input is NULL");
  BAD_ARG(qv_table_remove_column(s.table, 0, NULL, &e), "qv_table_remove_column: out is NULL");
  qv_chunked_array_release(c);
  assert_null(t);
  assert_null(b);
  free_sample(&s);
}

/* Paths and descriptors that cannot be read or written. */
static void test_io_failures(void **state) {
  (void)state;
  sample s = make_sample();
  qv_table *t = NULL;
  qv_ipc_stream_reader *sr = NULL;
  qv_ipc_file_reader *fr = NULL;
  BAD(qv_ipc_read_path("/nonexistent/quiver/x.arrow", NULL, &t, &e), QV_ERR_NOT_FOUND,
      "cannot open '/nonexistent/quiver/x.arrow'");
  BAD(qv_ipc_stream_reader_open_path("/nonexistent/s.arrows", NULL, &sr, &e), QV_ERR_NOT_FOUND, "cannot open");
  BAD(qv_ipc_file_reader_open_path("/nonexistent/f.arrow", NULL, &fr, &e), QV_ERR_NOT_FOUND, "cannot open");
  BAD(qv_ipc_read_file_path("/nonexistent/f.arrow", NULL, &t, &e), QV_ERR_NOT_FOUND, "cannot open");
  BAD(qv_ipc_read_stream_path("/nonexistent/s.arrows", NULL, &t, &e), QV_ERR_NOT_FOUND, "cannot open");
  /* a directory opens but does not read */
  int dir = open("/", O_RDONLY);
  assert_true(dir >= 0);
  qv_error_clear(&e);
  qv_status st = qv_ipc_read_fd(dir, NULL, &t, &e);
  assert_true(st == QV_ERR_IO || st == QV_ERR_INVALID_DATA);
  assert_true(e.message[0] != '\0');
  close(dir);
  /* a write that fails with ENOSPC */
  int full = open("/dev/full", O_WRONLY);
  assert_true(full >= 0); /* Linux: always there */
  BAD(qv_ipc_write_fd(full, QV_IPC_FORMAT_STREAM, s.table, NULL, &e), QV_ERR_IO, "");
  close(full);
  /* a read-only descriptor cannot take a stream */
  int ro = open("/dev/null", O_RDONLY);
  assert_true(ro >= 0);
  BAD(qv_ipc_write_fd(ro, QV_IPC_FORMAT_STREAM, s.table, NULL, &e), QV_ERR_IO, "");
  close(ro);
  /* a writer to a folder that does not exist */
  BAD(qv_ipc_write_path("/nonexistent/quiver/out.arrow", QV_IPC_FORMAT_FILE, s.table, NULL, &e), QV_ERR_IO,
      "cannot create a temporary file next to '/nonexistent/quiver/out.arrow'");
  assert_null(t);
  assert_null(sr);
  assert_null(fr);
  free_sample(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_core_arguments),     cmocka_unit_test(test_type_arguments),
      cmocka_unit_test(test_builder_arguments),  cmocka_unit_test(test_ipc_reader_arguments),
      cmocka_unit_test(test_ipc_writer_arguments), cmocka_unit_test(test_cdata_arguments),
      cmocka_unit_test(test_json_arguments),     cmocka_unit_test(test_print_validate_arguments),
      cmocka_unit_test(test_table_arguments),
      cmocka_unit_test(test_io_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
