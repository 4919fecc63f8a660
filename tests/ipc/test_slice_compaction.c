/* Slices of view, list-view and dense-union arrays are written with only
 * the bytes they reference (issue 9, defect 13: output amplification).
 *
 * For each layout: (a) the bytes written for a slice stay proportional to
 * the slice (a 1-row slice of a ~10 MB column costs a few KB), (b) what is
 * read back, fully validated, equals the slice, (c) hostile contents
 * (views past their buffers, buffer indices out of range, negative sizes,
 * union ids and offsets out of range) give QV_ERR_INVALID_DATA naming the
 * row, never an out-of-bounds read. The amplification regression writes a
 * big view column as many small batches and bounds the total.
 */
#include "ipc_test_util.h"

/* ---- building columns ---- */

static qv_builder *new_builder(qv_type *type) {
  qv_builder *b = NULL;
  qv_error err;
  if (qv_builder_new(type, NULL, &b, &err) != QV_OK) fail_msg("qv_builder_new: %s", err.message);
  return b;
}

static qv_array *finish(qv_builder *b) {
  qv_array *a = NULL;
  qv_error err;
  if (qv_builder_finish(b, &a, &err) != QV_OK) fail_msg("qv_builder_finish: %s", err.message);
  qv_builder_free(b);
  if (qv_array_validate(a, QV_VALIDATE_FULL, &err) != QV_OK) fail_msg("test column invalid: %s", err.message);
  return a;
}

/* Value i of a view column: null every 7th, short (inline) every 3rd,
 * else `width` bytes that depend on i. */
static void append_view_value(qv_builder *b, int64_t i, int width) {
  char s[256];
  if (i % 7 == 3) {
    tu_ok(b, qv_builder_append_null(b));
    return;
  }
  int n = i % 3 == 0 ? snprintf(s, sizeof s, "s%lld", (long long)(i % 1000)) : width;
  if (i % 3 != 0)
    for (int k = 0; k < n; k++) s[k] = (char)('a' + (i * 7 + k) % 26);
  tu_ok(b, qv_builder_append_binary(b, s, n));
}

static qv_array *view_column(qv_type *type, int64_t n, int width) {
  qv_builder *b = new_builder(type);
  for (int64_t i = 0; i < n; i++) append_view_value(b, i, width);
  return finish(b);
}

/* list_view<int32>: null every 5th, else i % 50 values. */
static qv_array *list_view_column(qv_type_id id, int64_t n) {
  qv_type *t = tu_list(id, qv_type_int32());
  qv_builder *b = new_builder(t);
  qv_type_release(t);
  for (int64_t i = 0; i < n; i++) {
    if (i % 5 == 2) {
      tu_ok(b, qv_builder_append_null(b));
      continue;
    }
    qv_builder *c = qv_builder_child(b, 0);
    for (int64_t k = 0; k < i % 50; k++) tu_ok(c, qv_builder_append_int32(c, (int32_t)(i + k)));
    tu_ok(b, qv_builder_finish_element(b));
  }
  return finish(b);
}

/* dense_union<i: int32, s: string> with type codes 3 and 7. */
static qv_array *dense_union_column(int64_t n) {
  qv_field *f[2] = {tu_field("i", qv_type_int32(), true), tu_field("s", qv_type_string(), true)};
  int8_t codes[2] = {3, 7};
  qv_type *t = NULL;
  assert_int_equal(qv_type_union(QV_TYPE_DENSE_UNION, f, 2, codes, &t, NULL), QV_OK);
  qv_field_release(f[0]);
  qv_field_release(f[1]);
  qv_builder *b = new_builder(t);
  qv_type_release(t);
  char s[64];
  for (int64_t i = 0; i < n; i++) {
    if (i % 3 == 0) {
      qv_builder *c = qv_builder_child(b, 0);
      tu_ok(c, i % 9 == 0 ? qv_builder_append_null(c) : qv_builder_append_int32(c, (int32_t)i));
      tu_ok(b, qv_builder_finish_union_element(b, 3));
    } else {
      qv_builder *c = qv_builder_child(b, 1);
      for (int k = 0; k < 60; k++) s[k] = (char)('A' + (i + k) % 26);
      tu_ok(c, qv_builder_append_binary(c, s, 60));
      tu_ok(b, qv_builder_finish_union_element(b, 7));
    }
  }
  return finish(b);
}

/* struct<sv: string_view> */
static qv_array *struct_of_views(int64_t n) {
  qv_field *f[1] = {tu_field("sv", qv_type_string_view(), true)};
  qv_type *t = tu_struct(f, 1);
  qv_builder *b = new_builder(t);
  qv_type_release(t);
  for (int64_t i = 0; i < n; i++) {
    append_view_value(qv_builder_child(b, 0), i, 100);
    tu_ok(b, qv_builder_finish_element(b));
  }
  return finish(b);
}

/* list_view<string_view>: i % 6 strings per row. */
static qv_array *list_view_of_views(int64_t n) {
  qv_type *t = tu_list(QV_TYPE_LIST_VIEW, qv_type_string_view());
  qv_builder *b = new_builder(t);
  qv_type_release(t);
  int64_t k = 0;
  for (int64_t i = 0; i < n; i++) {
    for (int64_t j = 0; j < i % 6; j++) append_view_value(qv_builder_child(b, 0), k++, 80);
    tu_ok(b, qv_builder_finish_element(b));
  }
  return finish(b);
}

/* ---- writing ---- */

static qv_table *table_of(qv_array *a) {
  qv_field *f = tu_field("c", qv_type_retain(a->type), true);
  qv_schema *s = NULL;
  assert_int_equal(qv_schema_new(&f, 1, NULL, &s, NULL), QV_OK);
  qv_field_release(f);
  qv_batch *b = NULL;
  OK(qv_batch_new(s, a->length, &a, NULL, &b, err));
  qv_table *t = NULL;
  OK(qv_table_new(s, &b, 1, &t, err));
  qv_batch_release(b);
  qv_schema_release(s);
  return t;
}

/* Writes a[off, off + len) as a stream (with `codec`), checks the size is
 * below max_bytes, reads it back fully validated and compares it with the
 * slice. Returns the bytes written. */
static int64_t check_slice(qv_array *a, int64_t off, int64_t len, qv_ipc_compression codec, int64_t max_bytes) {
  qv_array *slice = NULL;
  OK(qv_array_slice(a, off, len, &slice, err));
  qv_table *t = table_of(slice);
  qv_ipc_write_options wo = QV_IPC_WRITE_OPTIONS_DEFAULT;
  wo.compression = codec;
  qv_buffer *buf = NULL;
  OK(qv_ipc_write_stream_buffer(t, &wo, &buf, err));
  int64_t written = buf->size;
  if (max_bytes > 0 && written >= max_bytes)
    fail_msg("slice [%lld, +%lld) of a %lld-row column: %lld bytes written, expected < %lld", (long long)off,
             (long long)len, (long long)a->length, (long long)written, (long long)max_bytes);
  qv_ipc_read_options ro = QV_IPC_READ_OPTIONS_DEFAULT;
  ro.full_validation = true;
  ro.require_eos = true;
  qv_table *back = NULL;
  OK(qv_ipc_read_stream_buffer(buf, &ro, &back, err));
  qv_equal_options eq = {.nans_equal = true, .check_metadata = false}; /* big float16 columns reach NaN */
  qv_error why;
  memset(&why, 0, sizeof why);
  if (qv_table_diff(t, back, &eq, &why) != QV_OK) fail_msg("slice read back differs: %s", why.message);
  qv_table_release(back);
  qv_table_release(t);
  qv_buffer_release(buf);
  qv_array_release(slice);
  return written;
}

/* The same slices for every column kind: (a) a 1-row slice costs < 4 KB,
 * (b) every slice reads back equal, compressed or not. */
static void check_slices(qv_array *a) {
  int64_t n = a->length;
  for (int64_t r = 0; r < 5; r++) check_slice(a, n / 5 * r + r, 1, QV_IPC_COMPRESSION_NONE, 4096);
  check_slice(a, 0, 0, QV_IPC_COMPRESSION_NONE, 4096);
  check_slice(a, n - 1, 1, QV_IPC_COMPRESSION_ZSTD, 4096);
  check_slice(a, n / 3, 37, QV_IPC_COMPRESSION_LZ4_FRAME, 0);
  check_slice(a, 1, n / 100, QV_IPC_COMPRESSION_NONE, 0);
  check_slice(a, n / 2, n / 2, QV_IPC_COMPRESSION_NONE, 0);
  check_slice(a, 0, n, QV_IPC_COMPRESSION_NONE, 0);
}

/* Bytes of a stream holding `a` cut into batches of `step` rows. */
typedef struct counter {
  int64_t bytes;
} counter;

static qv_status count_bytes(void *ctx, const void *data, size_t n, qv_error *err) {
  (void)data;
  (void)err;
  ((counter *)ctx)->bytes += (int64_t)n;
  return QV_OK;
}

static int64_t sliced_stream_bytes(qv_array *a, int64_t step, qv_ipc_compression codec) {
  qv_table *whole = table_of(a);
  qv_ipc_write_options wo = QV_IPC_WRITE_OPTIONS_DEFAULT;
  wo.compression = codec;
  counter c = {0};
  qv_ipc_writer *w = NULL;
  OK(qv_ipc_writer_open_callback(count_bytes, &c, QV_IPC_FORMAT_STREAM, whole->schema, &wo, &w, err));
  for (int64_t off = 0; off < a->length; off += step) {
    qv_batch *b = NULL;
    OK(qv_batch_slice(whole->batches[0], off, off + step <= a->length ? step : a->length - off, &b, err));
    OK(qv_ipc_writer_write_batch(w, b, err));
    qv_batch_release(b);
  }
  OK(qv_ipc_writer_close(w, err));
  qv_ipc_writer_free(w);
  qv_table_release(whole);
  return c.bytes;
}

/* ---- (a) and (b) per layout ---- */

#define BIG_VIEW_ROWS 100000 /* ~8 MB of view data */

static void test_string_view_slices(void **state) {
  (void)state;
  qv_array *a = view_column(qv_type_string_view(), BIG_VIEW_ROWS, 120);
  assert_true(a->n_buffers > 3); /* several variadic buffers */
  check_slices(a);
  qv_array_release(a);
}

static void test_binary_view_slices(void **state) {
  (void)state;
  qv_array *a = view_column(qv_type_binary_view(), BIG_VIEW_ROWS, 120);
  check_slices(a);
  qv_array_release(a);
}

/* A slice whose views are all inline writes no data buffer at all. */
static void test_inline_only_slice_writes_no_data(void **state) {
  (void)state;
  qv_array *a = view_column(qv_type_string_view(), 1000, 120);
  int64_t one_inline = check_slice(a, 0, 1, QV_IPC_COMPRESSION_NONE, 0); /* row 0: "s0" */
  int64_t one_null = check_slice(a, 3, 1, QV_IPC_COMPRESSION_NONE, 0);   /* row 3: null */
  assert_true(one_inline < 1024);
  assert_true(one_null < 1024);
  qv_array_release(a);
}

static void test_list_view_slices(void **state) {
  (void)state;
  qv_array *a = list_view_column(QV_TYPE_LIST_VIEW, 100000); /* ~10 MB of int32 children */
  check_slices(a);
  qv_array_release(a);
}

static void test_large_list_view_slices(void **state) {
  (void)state;
  qv_array *a = list_view_column(QV_TYPE_LARGE_LIST_VIEW, 100000);
  check_slices(a);
  qv_array_release(a);
}

static void test_dense_union_slices(void **state) {
  (void)state;
  qv_array *a = dense_union_column(150000); /* ~6 MB of string children */
  check_slices(a);
  qv_array_release(a);
}

static void test_struct_of_views_slices(void **state) {
  (void)state;
  qv_array *a = struct_of_views(BIG_VIEW_ROWS);
  check_slices(a);
  qv_array_release(a);
}

static void test_list_view_of_views_slices(void **state) {
  (void)state;
  qv_array *a = list_view_of_views(40000); /* 100,000 strings */
  check_slices(a);
  qv_array_release(a);
}

/* ---- the regression: many slices of a big column ---- */

/* Before the fix each 1,000-row batch carried every data buffer of the
 * column: 100 batches of an 8 MB column made 800 MB. */
static void test_many_view_slices_total_bounded(void **state) {
  (void)state;
  qv_array *a = view_column(qv_type_string_view(), BIG_VIEW_ROWS, 120);
  int64_t whole = sliced_stream_bytes(a, a->length, QV_IPC_COMPRESSION_NONE);
  int64_t sliced = sliced_stream_bytes(a, 1000, QV_IPC_COMPRESSION_NONE);
  if (sliced > whole + whole / 4)
    fail_msg("100 slices wrote %lld bytes, the whole column %lld", (long long)sliced, (long long)whole);
  qv_array_release(a);
}

/* The ZSTD case that never finished: 2-row batches, each compressing
 * only its own bytes. */
static void test_tiny_compressed_view_slices_total_bounded(void **state) {
  (void)state;
  qv_array *a = view_column(qv_type_binary_view(), 4000, 120);
  int64_t sliced = sliced_stream_bytes(a, 2, QV_IPC_COMPRESSION_ZSTD);
  int64_t whole = sliced_stream_bytes(a, a->length, QV_IPC_COMPRESSION_NONE);
  /* 2,000 batches: their metadata dominates, but data must not repeat */
  if (sliced > whole + 2000 * 1024)
    fail_msg("2,000 ZSTD slices wrote %lld bytes, the whole column %lld", (long long)sliced, (long long)whole);
  qv_array_release(a);
}

static void test_many_list_view_and_union_slices_bounded(void **state) {
  (void)state;
  qv_array *cols[3] = {list_view_column(QV_TYPE_LIST_VIEW, 40000), dense_union_column(60000),
                       list_view_of_views(20000)};
  for (int i = 0; i < 3; i++) {
    int64_t whole = sliced_stream_bytes(cols[i], cols[i]->length, QV_IPC_COMPRESSION_NONE);
    int64_t sliced = sliced_stream_bytes(cols[i], 500, QV_IPC_COMPRESSION_NONE);
    if (sliced > whole + whole / 4)
      fail_msg("column %d: slices wrote %lld bytes, the whole column %lld", i, (long long)sliced, (long long)whole);
    qv_array_release(cols[i]);
  }
}

/* ---- scattered references: list views and dense unions made by a take ---- */

#define SCATTER_CHILD 20000
#define SCATTER_ROWS 300

static qv_buffer *bytes_buffer(const void *data, int64_t n) {
  qv_buffer *b = NULL;
  OK(qv_buffer_allocate(NULL, n, true, &b, err));
  if (n) memcpy(b->data, data, (size_t)n);
  return b;
}

static qv_buffer *i32_buffer(const int32_t *v, int64_t n) {
  qv_buffer *b = NULL;
  OK(qv_buffer_allocate(NULL, n * 4, true, &b, err));
  memcpy(b->data, v, (size_t)(n * 4));
  return b;
}

/* list_view over `child` whose rows point anywhere in it (0-3 slots each,
 * overlapping sometimes); every 11th row null with a garbage offset. */
static qv_array *scattered_list_view(qv_array *child) {
  int64_t n = child->length;
  int32_t offs[SCATTER_ROWS], sizes[SCATTER_ROWS];
  qv_buffer *valid = NULL;
  OK(qv_buffer_allocate(NULL, qv_bitmap_bytes(SCATTER_ROWS), true, &valid, err));
  int64_t nulls = 0;
  for (int i = 0; i < SCATTER_ROWS; i++) {
    bool null = i % 11 == 5;
    offs[i] = null ? 999999 : (int32_t)(((int64_t)i * 7919 + 13) % (n - 4));
    sizes[i] = null ? 77 : i % 4;
    if (i % 13 == 7 && !null && (i - 1) % 11 != 5) offs[i] = offs[i - 1]; /* shares its neighbour's range */
    if (!null) valid->data[i / 8] |= (uint8_t)(1u << (i % 8));
    nulls += null;
  }
  qv_type *t = tu_list(QV_TYPE_LIST_VIEW, qv_type_retain(child->type));
  qv_buffer *bufs[3] = {valid, i32_buffer(offs, SCATTER_ROWS), i32_buffer(sizes, SCATTER_ROWS)};
  qv_array *a = NULL;
  OK(qv_array_new(t, SCATTER_ROWS, 0, nulls, 3, bufs, 1, &child, NULL, &a, err));
  OK(qv_array_validate(a, QV_VALIDATE_STRUCTURE, err)); /* full validation rejects the garbage under nulls */
  for (int i = 0; i < 3; i++) qv_buffer_release(bufs[i]);
  qv_type_release(t);
  return a;
}

/* dense_union<x: child type, k: int32>: rows of x point anywhere in it. */
static qv_array *scattered_dense_union(qv_array *child) {
  int64_t n = child->length;
  qv_array *ints = tu_column(qv_type_int32(), 0, SCATTER_ROWS, false);
  qv_field *f[2] = {tu_field("x", qv_type_retain(child->type), true), tu_field("k", qv_type_int32(), true)};
  qv_type *t = NULL;
  OK(qv_type_union(QV_TYPE_DENSE_UNION, f, 2, NULL, &t, err));
  qv_field_release(f[0]);
  qv_field_release(f[1]);
  int8_t ids[SCATTER_ROWS];
  int32_t offs[SCATTER_ROWS];
  for (int i = 0; i < SCATTER_ROWS; i++) {
    ids[i] = i % 3 == 0 ? 1 : 0;
    offs[i] = ids[i] ? i : (int32_t)(((int64_t)i * 7919 + 13) % n);
  }
  qv_buffer *bufs[2] = {bytes_buffer(ids, sizeof ids), i32_buffer(offs, SCATTER_ROWS)};
  qv_array *kids[2] = {child, ints};
  qv_array *a = NULL;
  OK(qv_array_new(t, SCATTER_ROWS, 0, 0, 2, bufs, 2, kids, NULL, &a, err));
  OK(qv_array_validate(a, QV_VALIDATE_FULL, err));
  qv_buffer_release(bufs[0]);
  qv_buffer_release(bufs[1]);
  qv_array_release(ints);
  qv_type_release(t);
  return a;
}

static int64_t whole_bytes(qv_array *a) {
  qv_table *t = table_of(a);
  qv_buffer *buf = NULL;
  OK(qv_ipc_write_stream_buffer(t, NULL, &buf, err));
  int64_t n = buf->size;
  qv_buffer_release(buf);
  qv_table_release(t);
  return n;
}

/* For the child type of every column of the kitchen-sink schema: slices of
 * a scattered list view / dense union read back equal, and a 10-row slice
 * costs a small part of the child. */
static void check_scattered(qv_array *(*wrap)(qv_array *), const char *what) {
  qv_schema *s = tu_all_types_schema();
  for (int32_t f = 0; f < s->n_fields; f++) {
    qv_array *child = tu_column(s->fields[f]->type, 0, SCATTER_CHILD, true);
    qv_array *a = wrap(child);
    int64_t child_bytes = whole_bytes(child);
    int64_t ten = check_slice(a, 100, 10, QV_IPC_COMPRESSION_NONE, 0);
    if (child_bytes > 64 * 1024 && ten > child_bytes / 8)
      fail_msg("%s of %s: a 10-row slice wrote %lld bytes, the whole child %lld", what, s->fields[f]->name,
               (long long)ten, (long long)child_bytes);
    check_slice(a, 0, 1, QV_IPC_COMPRESSION_NONE, 0);
    check_slice(a, 7, 150, QV_IPC_COMPRESSION_LZ4_FRAME, 0);
    check_slice(a, 0, SCATTER_ROWS, QV_IPC_COMPRESSION_NONE, 0);
    check_slice(a, SCATTER_ROWS, 0, QV_IPC_COMPRESSION_NONE, 0);
    qv_array_release(a);
    qv_array_release(child);
  }
  qv_schema_release(s);
}

static void test_scattered_list_view_of_every_type(void **state) {
  (void)state;
  check_scattered(scattered_list_view, "list_view");
}

static void test_scattered_dense_union_of_every_type(void **state) {
  (void)state;
  check_scattered(scattered_dense_union, "dense_union");
}

/* ---- (c) hostile contents ---- */

static void make_view(uint8_t *dst, int32_t size, int32_t buffer_index, int32_t offset) {
  qv_view v;
  memset(&v, 0, sizeof v);
  v.ref.size = size;
  if (size <= QV_VIEW_INLINE_MAX && size >= 0) {
    memset(v.inlined.data, 'x', (size_t)size);
  } else {
    memcpy(v.ref.prefix, "abcd", 4);
    v.ref.buffer_index = buffer_index;
    v.ref.offset = offset;
  }
  memcpy(dst, &v, sizeof v);
}

/* Writes a (whole) and a[1, 3) and expects QV_ERR_INVALID_DATA whose
 * message contains `whole_msg` / `slice_msg`. */
static void expect_write_rejected(qv_array *a, const char *whole_msg, const char *slice_msg) {
  qv_array *slice = NULL;
  OK(qv_array_validate(a, QV_VALIDATE_STRUCTURE, err));
  OK(qv_array_slice(a, 1, 2, &slice, err));
  qv_error err;
  qv_array *arrays[2] = {a, slice};
  const char *msgs[2] = {whole_msg, slice_msg};
  for (int k = 0; k < 2; k++) {
    qv_table *t = table_of(arrays[k]);
    for (int codec = 0; codec < 2; codec++) {
      qv_ipc_write_options wo = QV_IPC_WRITE_OPTIONS_DEFAULT;
      wo.compression = codec ? QV_IPC_COMPRESSION_ZSTD : QV_IPC_COMPRESSION_NONE;
      qv_buffer *buf = NULL;
      memset(&err, 0, sizeof err);
      qv_status st = qv_ipc_write_stream_buffer(t, &wo, &buf, &err);
      if (st != QV_ERR_INVALID_DATA) fail_msg("expected INVALID_DATA, got %s: %s", qv_status_name(st), err.message);
      if (strstr(err.message, msgs[k]) == NULL || strstr(err.message, "column 'c'") == NULL)
        fail_msg("message '%s' lacks '%s' or the column", err.message, msgs[k]);
      assert_null(buf);
    }
    qv_table_release(t);
  }
  qv_array_release(slice);
}

/* string_view, 4 rows over one 40-byte data buffer; row 2 hostile. */
static void check_hostile_view(int32_t size, int32_t buffer_index, int32_t offset, const char *what) {
  uint8_t views[4 * QV_VIEW_SIZE];
  make_view(views, 20, 0, 0);
  make_view(views + 16, 3, 0, 0);
  make_view(views + 32, size, buffer_index, offset);
  make_view(views + 48, 15, 0, 25);
  uint8_t data[40];
  memset(data, 'd', sizeof data);
  qv_buffer *bufs[3] = {NULL, bytes_buffer(views, sizeof views), bytes_buffer(data, sizeof data)};
  qv_array *a = NULL;
  OK(qv_array_new(qv_type_string_view(), 4, 0, 0, 3, bufs, 0, NULL, NULL, &a, err));
  char whole[64], slice[64];
  snprintf(whole, sizeof whole, "view row 2: %s", what);
  snprintf(slice, sizeof slice, "view row 1: %s", what);
  expect_write_rejected(a, whole, slice);
  qv_array_release(a);
  qv_buffer_release(bufs[1]);
  qv_buffer_release(bufs[2]);
}

static void test_hostile_views_rejected(void **state) {
  (void)state;
  check_hostile_view(20, 1, 0, "buffer index 1 out of range");
  check_hostile_view(20, -3, 0, "buffer index -3 out of range");
  check_hostile_view(20, 0, 30, "bytes [30, 50) outside data buffer 0 of 40 bytes");
  check_hostile_view(20, 0, -8, "bytes [-8, 12) outside");
  check_hostile_view(INT32_MAX, 0, INT32_MAX, "bytes [2147483647, 4294967294) outside data buffer 0");
  check_hostile_view(-5, 0, 0, "negative size -5");
}

/* list_view<int32> of 4 rows over a child of 6; row 2 hostile. */
static void check_hostile_list_view(qv_type_id id, int64_t offset, int64_t size, const char *what) {
  int w = id == QV_TYPE_LIST_VIEW ? 4 : 8;
  int64_t offs[4] = {0, 2, offset, 4}, sizes[4] = {2, 2, size, 2};
  uint8_t ob[32], sb[32];
  for (int i = 0; i < 4; i++) {
    if (w == 4) {
      int32_t o = (int32_t)offs[i], s = (int32_t)sizes[i];
      memcpy(ob + i * 4, &o, 4);
      memcpy(sb + i * 4, &s, 4);
    } else {
      memcpy(ob + i * 8, &offs[i], 8);
      memcpy(sb + i * 8, &sizes[i], 8);
    }
  }
  int32_t vals[6] = {1, 2, 3, 4, 5, 6};
  qv_buffer *cb[2] = {NULL, bytes_buffer(vals, sizeof vals)};
  qv_array *child = NULL;
  OK(qv_array_new(qv_type_int32(), 6, 0, 0, 2, cb, 0, NULL, NULL, &child, err));
  qv_type *t = tu_list(id, qv_type_int32());
  qv_buffer *bufs[3] = {NULL, bytes_buffer(ob, 4 * w), bytes_buffer(sb, 4 * w)};
  qv_array *a = NULL;
  OK(qv_array_new(t, 4, 0, 0, 3, bufs, 1, &child, NULL, &a, err));
  char whole[96], slice[96];
  snprintf(whole, sizeof whole, "list-view row 2: %s", what);
  snprintf(slice, sizeof slice, "list-view row 1: %s", what);
  expect_write_rejected(a, whole, slice);
  qv_array_release(a);
  qv_array_release(child);
  qv_type_release(t);
  for (int i = 0; i < 3; i++) qv_buffer_release(bufs[i]);
  qv_buffer_release(cb[1]);
}

static void test_hostile_list_views_rejected(void **state) {
  (void)state;
  for (int k = 0; k < 2; k++) {
    qv_type_id id = k ? QV_TYPE_LARGE_LIST_VIEW : QV_TYPE_LIST_VIEW;
    check_hostile_list_view(id, 5, 3, "offset 5 and size 3 outside child of length 6");
    check_hostile_list_view(id, 1, -2, "offset 1 and size -2");
    check_hostile_list_view(id, -1, 1, "offset -1 and size 1");
    check_hostile_list_view(id, INT32_MAX, INT32_MAX, "offset 2147483647 and size 2147483647 outside");
  }
  check_hostile_list_view(QV_TYPE_LARGE_LIST_VIEW, INT64_MAX, INT64_MAX,
                          "offset 9223372036854775807 and size 9223372036854775807 outside");
}

/* dense_union<int32 (code 3), int32 (code 7)> of 4 rows, children of 2;
 * row 2 hostile. */
static void check_hostile_union(int8_t id, int32_t offset, const char *what) {
  int8_t ids[4] = {3, 7, id, 3};
  int32_t offs[4] = {0, 0, offset, 1};
  int32_t vals[2] = {10, 20};
  qv_buffer *cb[2] = {NULL, bytes_buffer(vals, sizeof vals)};
  qv_array *kids[2] = {NULL, NULL};
  OK(qv_array_new(qv_type_int32(), 2, 0, 0, 2, cb, 0, NULL, NULL, &kids[0], err));
  OK(qv_array_new(qv_type_int32(), 2, 0, 0, 2, cb, 0, NULL, NULL, &kids[1], err));
  qv_field *f[2] = {tu_field("a", qv_type_int32(), true), tu_field("b", qv_type_int32(), true)};
  int8_t codes[2] = {3, 7};
  qv_type *t = NULL;
  OK(qv_type_union(QV_TYPE_DENSE_UNION, f, 2, codes, &t, err));
  qv_field_release(f[0]);
  qv_field_release(f[1]);
  qv_buffer *bufs[2] = {bytes_buffer(ids, sizeof ids), bytes_buffer(offs, sizeof offs)};
  qv_array *a = NULL;
  OK(qv_array_new(t, 4, 0, 0, 2, bufs, 2, kids, NULL, &a, err));
  char whole[96], slice[96];
  snprintf(whole, sizeof whole, "dense union row 2: %s", what);
  snprintf(slice, sizeof slice, "dense union row 1: %s", what);
  expect_write_rejected(a, whole, slice);
  qv_array_release(a);
  qv_array_release(kids[0]);
  qv_array_release(kids[1]);
  qv_type_release(t);
  qv_buffer_release(bufs[0]);
  qv_buffer_release(bufs[1]);
  qv_buffer_release(cb[1]);
}

static void test_hostile_dense_unions_rejected(void **state) {
  (void)state;
  check_hostile_union(5, 0, "type id 5 names no child");
  check_hostile_union(-1, 0, "type id -1 names no child");
  check_hostile_union(7, 2, "offset 2 outside child 1 of length 2");
  check_hostile_union(3, -4, "offset -4 outside child 0");
  check_hostile_union(3, INT32_MAX, "offset 2147483647 outside child 0 of length 2");
}

/* A hostile view nested in a struct is caught too. */
static void test_hostile_view_in_struct_rejected(void **state) {
  (void)state;
  uint8_t views[2 * QV_VIEW_SIZE];
  make_view(views, 3, 0, 0);
  make_view(views + 16, 30, 0, 20);
  uint8_t data[32] = {0};
  qv_buffer *bufs[3] = {NULL, bytes_buffer(views, sizeof views), bytes_buffer(data, sizeof data)};
  qv_array *sv = NULL;
  OK(qv_array_new(qv_type_string_view(), 2, 0, 0, 3, bufs, 0, NULL, NULL, &sv, err));
  qv_field *f[1] = {tu_field("sv", qv_type_string_view(), true)};
  qv_type *t = tu_struct(f, 1);
  qv_buffer *sb[1] = {NULL};
  qv_array *st = NULL;
  OK(qv_array_new(t, 2, 0, 0, 1, sb, 1, &sv, NULL, &st, err));
  qv_table *tab = table_of(st);
  qv_buffer *out = NULL;
  qv_error e;
  assert_int_equal(qv_ipc_write_stream_buffer(tab, NULL, &out, &e), QV_ERR_INVALID_DATA);
  assert_non_null(strstr(e.message, "view row 1: bytes [20, 50) outside data buffer 0 of 32 bytes"));
  qv_table_release(tab);
  qv_array_release(st);
  qv_array_release(sv);
  qv_type_release(t);
  qv_buffer_release(bufs[1]);
  qv_buffer_release(bufs[2]);
}

/* ---- hostile children reached through a scattered list view ---- */

/* list_view of 3 rows over `child` (20 slots): [0, 1), [10, 11), [19, 20),
 * three windows; writing it must fail naming row 10 of the child. */
static void expect_child_rejected(qv_array *child, const char *msg) {
  int32_t offs[3] = {0, 10, 19}, sizes[3] = {1, 1, 1};
  qv_type *t = tu_list(QV_TYPE_LIST_VIEW, qv_type_retain(child->type));
  qv_buffer *bufs[3] = {NULL, i32_buffer(offs, 3), i32_buffer(sizes, 3)};
  qv_array *a = NULL;
  OK(qv_array_new(t, 3, 0, 0, 3, bufs, 1, &child, NULL, &a, err));
  OK(qv_array_validate(a, QV_VALIDATE_STRUCTURE, err));
  qv_table *tab = table_of(a);
  qv_buffer *out = NULL;
  qv_error e;
  memset(&e, 0, sizeof e);
  qv_status st = qv_ipc_write_stream_buffer(tab, NULL, &out, &e);
  if (st != QV_ERR_INVALID_DATA || strstr(e.message, msg) == NULL)
    fail_msg("expected INVALID_DATA with '%s', got %s: %s", msg, qv_status_name(st), e.message);
  assert_null(out);
  qv_table_release(tab);
  qv_array_release(a);
  qv_type_release(t);
  qv_buffer_release(bufs[1]);
  qv_buffer_release(bufs[2]);
}

static qv_array *i32_array(const int32_t *v, int64_t n) {
  qv_buffer *bufs[2] = {NULL, i32_buffer(v, n)};
  qv_array *a = NULL;
  OK(qv_array_new(qv_type_int32(), n, 0, 0, 2, bufs, 0, NULL, NULL, &a, err));
  qv_buffer_release(bufs[1]);
  return a;
}

static void test_hostile_children_of_scattered_list_view_rejected(void **state) {
  (void)state;
  int32_t offs[21], vals[20];
  for (int i = 0; i <= 20; i++) offs[i] = i;
  for (int i = 0; i < 20; i++) vals[i] = i;
  qv_array *ints = i32_array(vals, 20);
  uint8_t bytes[20];
  memset(bytes, 'b', sizeof bytes);
  { /* string: row 10's offsets go backwards */
    offs[11] = 3;
    qv_buffer *bufs[3] = {NULL, i32_buffer(offs, 21), bytes_buffer(bytes, 20)};
    qv_array *c = NULL;
    OK(qv_array_new(qv_type_string(), 20, 0, 0, 3, bufs, 0, NULL, NULL, &c, err));
    expect_child_rejected(c, "row 10: offsets [10, 3) outside data of 20 bytes");
    qv_array_release(c);
    qv_buffer_release(bufs[1]);
    qv_buffer_release(bufs[2]);
    offs[11] = 11;
  }
  { /* list<int32>: row 10 points past the child */
    offs[11] = 50;
    qv_type *t = tu_list(QV_TYPE_LIST, qv_type_int32());
    qv_buffer *bufs[2] = {NULL, i32_buffer(offs, 21)};
    qv_array *c = NULL;
    OK(qv_array_new(t, 20, 0, 0, 2, bufs, 1, &ints, NULL, &c, err));
    expect_child_rejected(c, "list row 10: offsets [10, 50) outside child of length 20");
    qv_array_release(c);
    qv_type_release(t);
    qv_buffer_release(bufs[1]);
    offs[11] = 11;
  }
  { /* run-end encoded: run ends not increasing */
    int32_t ends[3] = {5, 3, 20};
    qv_array *kids[2] = {i32_array(ends, 3), i32_array(vals, 3)};
    qv_type *t = NULL;
    OK(qv_type_run_end_encoded(qv_type_int32(), qv_type_int32(), &t, err));
    qv_array *c = NULL;
    OK(qv_array_new(t, 20, 0, 0, 0, NULL, 2, kids, NULL, &c, err));
    expect_child_rejected(c, "run_end_encoded: run end 1 is not above the one before it");
    qv_array_release(c);
    qv_type_release(t);
    qv_array_release(kids[0]);
    qv_array_release(kids[1]);
  }
  { /* string_view: row 10 names a data buffer that does not exist */
    uint8_t views[20 * QV_VIEW_SIZE];
    for (int i = 0; i < 20; i++) make_view(views + i * QV_VIEW_SIZE, i == 10 ? 14 : 2, i == 10 ? 4 : 0, 0);
    qv_buffer *bufs[3] = {NULL, bytes_buffer(views, sizeof views), bytes_buffer(bytes, 20)};
    qv_array *c = NULL;
    OK(qv_array_new(qv_type_string_view(), 20, 0, 0, 3, bufs, 0, NULL, NULL, &c, err));
    expect_child_rejected(c, "view row 10: buffer index 4 out of range (1 data buffers)");
    qv_array_release(c);
    qv_buffer_release(bufs[1]);
    qv_buffer_release(bufs[2]);
  }
  { /* dense union: row 10's type id names no child */
    int8_t ids[20];
    memset(ids, 0, sizeof ids);
    ids[10] = 9;
    int32_t uoffs[20];
    for (int i = 0; i < 20; i++) uoffs[i] = i;
    qv_field *f[1] = {tu_field("a", qv_type_int32(), true)};
    qv_type *t = NULL;
    OK(qv_type_union(QV_TYPE_DENSE_UNION, f, 1, NULL, &t, err));
    qv_field_release(f[0]);
    qv_buffer *bufs[2] = {bytes_buffer(ids, 20), i32_buffer(uoffs, 20)};
    qv_array *c = NULL;
    OK(qv_array_new(t, 20, 0, 0, 2, bufs, 1, &ints, NULL, &c, err));
    expect_child_rejected(c, "dense union row 10: type id 9 names no child");
    qv_array_release(c);
    qv_type_release(t);
    qv_buffer_release(bufs[0]);
    qv_buffer_release(bufs[1]);
  }
  { /* list_view: row 10 has a negative size */
    int32_t lo[20], ls[20];
    for (int i = 0; i < 20; i++) lo[i] = i, ls[i] = i == 10 ? -4 : 1;
    lo[19] = 0;
    qv_type *t = tu_list(QV_TYPE_LIST_VIEW, qv_type_int32());
    qv_buffer *bufs[3] = {NULL, i32_buffer(lo, 20), i32_buffer(ls, 20)};
    qv_array *c = NULL;
    OK(qv_array_new(t, 20, 0, 0, 3, bufs, 1, &ints, NULL, &c, err));
    expect_child_rejected(c, "list-view row 10: offset 10 and size -4 outside child of length 20");
    qv_array_release(c);
    qv_type_release(t);
    qv_buffer_release(bufs[1]);
    qv_buffer_release(bufs[2]);
  }
  qv_array_release(ints);
}

/* ---- random hostile contents under a scattered list view / dense union ---- */

static uint64_t rng_next(uint64_t *x) {
  *x ^= *x << 13;
  *x ^= *x >> 7;
  *x ^= *x << 17;
  return *x;
}

/* A value that is sometimes fine, sometimes just out of range, sometimes
 * extreme. */
static int32_t hostile_i32(uint64_t *x, int32_t fine_below) {
  switch (rng_next(x) % 6) {
    case 0: return -(int32_t)(rng_next(x) % 5) - 1;
    case 1: return fine_below + (int32_t)(rng_next(x) % 3);
    case 2: return (int32_t)(INT32_MAX - (int32_t)(rng_next(x) % 3));
    case 3: return INT32_MIN;
    default: return (int32_t)(rng_next(x) % (uint64_t)(fine_below > 0 ? fine_below : 1));
  }
}

/* Writes `a` and its slice [3, 40): QV_OK (then the output reads back) or
 * a clean INVALID_DATA / OVERFLOW; sanitizers watch every access. Counts
 * the outcomes in counts[0] (written) and counts[1] (rejected). */
static void write_expecting_ok_or_error(qv_array *a, int counts[2]) {
  qv_array *slice = NULL;
  OK(qv_array_slice(a, 3, 37, &slice, err));
  qv_array *arrays[2] = {a, slice};
  for (int k = 0; k < 2; k++) {
    qv_table *t = table_of(arrays[k]);
    qv_buffer *buf = NULL;
    qv_error e;
    memset(&e, 0, sizeof e);
    qv_status st = qv_ipc_write_stream_buffer(t, NULL, &buf, &e);
    counts[st != QV_OK]++;
    if (st == QV_OK) {
      qv_table *back = NULL;
      OK(qv_ipc_read_stream_buffer(buf, NULL, &back, err));
      qv_table_release(back);
    } else if (st != QV_ERR_INVALID_DATA && st != QV_ERR_OVERFLOW) {
      fail_msg("unexpected %s: %s", qv_status_name(st), e.message);
    } else if (strstr(e.message, "row") == NULL && strstr(e.message, "run end") == NULL) {
      fail_msg("error names no row: %s", e.message);
    }
    qv_buffer_release(buf);
    qv_table_release(t);
  }
  qv_array_release(slice);
}

static void test_random_hostile_offsets_fail_cleanly(void **state) {
  (void)state;
  qv_schema *s = tu_all_types_schema();
  uint64_t x = 0x9E3779B97F4A7C15ull;
  int counts[2] = {0, 0};
  for (int iter = 0; iter < 400; iter++) {
    int32_t f = (int32_t)(rng_next(&x) % (uint64_t)s->n_fields);
    qv_array *child = tu_column(s->fields[f]->type, 0, 2000, true);
    int mode = (int)(rng_next(&x) % 3); /* 0: one hostile row, 1: a hostile child, 2: clean */
    /* middle offsets of the child (binary, list, list view, union) or views or run ends go wrong; the
     * child is reached through several windows (body_gather.c), never as one window */
    for (int k = 0; mode == 1 && k < 3; k++) {
      qv_array *target = qv_type_storage(child->type)->id == QV_TYPE_RUN_END_ENCODED ? child->children[0] : child;
      qv_buffer *b = target->n_buffers >= 2 ? target->buffers[1] : NULL;
      if (b == NULL || b->size < 8) break;
      int32_t v = hostile_i32(&x, 4000);
      int64_t at = (int64_t)(rng_next(&x) % (uint64_t)(b->size / 4)) * 4;
      memcpy(b->data + at, &v, 4);
    }
    int bad_row = mode == 0 ? (int)(rng_next(&x) % SCATTER_ROWS) : -1;
    int32_t offs[SCATTER_ROWS], sizes[SCATTER_ROWS];
    int8_t ids[SCATTER_ROWS];
    for (int i = 0; i < SCATTER_ROWS; i++) {
      bool bad = i == bad_row;
      /* rows 10 slots apart: every slice reaches the child through several windows */
      offs[i] = bad ? hostile_i32(&x, 2000) : (int32_t)((i * 370 + 5) % 1990);
      sizes[i] = bad ? hostile_i32(&x, 10) : i % 4;
      ids[i] = bad ? (int8_t)(rng_next(&x) % 256) : (int8_t)(i % 3 == 0);
    }
    bool union_ = rng_next(&x) % 2;
    qv_array *a = NULL;
    if (!union_) {
      qv_type *t = tu_list(QV_TYPE_LIST_VIEW, qv_type_retain(child->type));
      qv_buffer *bufs[3] = {NULL, i32_buffer(offs, SCATTER_ROWS), i32_buffer(sizes, SCATTER_ROWS)};
      OK(qv_array_new(t, SCATTER_ROWS, 0, 0, 3, bufs, 1, &child, NULL, &a, err));
      qv_type_release(t);
      for (int i = 1; i < 3; i++) qv_buffer_release(bufs[i]);
    } else {
      qv_array *ints = tu_column(qv_type_int32(), 0, SCATTER_ROWS, false);
      qv_field *fs[2] = {tu_field("x", qv_type_retain(child->type), true), tu_field("k", qv_type_int32(), true)};
      qv_type *t = NULL;
      OK(qv_type_union(QV_TYPE_DENSE_UNION, fs, 2, NULL, &t, err));
      qv_field_release(fs[0]);
      qv_field_release(fs[1]);
      for (int i = 0; i < SCATTER_ROWS; i++)
        if (ids[i] == 1 && offs[i] >= 0 && offs[i] < 2000) offs[i] = i; /* the int32 child has a slot per row */
      qv_buffer *bufs[2] = {bytes_buffer(ids, sizeof ids), i32_buffer(offs, SCATTER_ROWS)};
      qv_array *kids[2] = {child, ints};
      OK(qv_array_new(t, SCATTER_ROWS, 0, 0, 2, bufs, 2, kids, NULL, &a, err));
      qv_type_release(t);
      qv_buffer_release(bufs[0]);
      qv_buffer_release(bufs[1]);
      qv_array_release(ints);
    }
    qv_error e;
    if (qv_array_validate(a, QV_VALIDATE_STRUCTURE, &e) == QV_OK) write_expecting_ok_or_error(a, counts);
    qv_array_release(a);
    qv_array_release(child);
  }
  qv_schema_release(s);
  assert_true(counts[0] > 100); /* both outcomes happen: the loop tests something */
  assert_true(counts[1] > 100);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_string_view_slices),
      cmocka_unit_test(test_binary_view_slices),
      cmocka_unit_test(test_inline_only_slice_writes_no_data),
      cmocka_unit_test(test_list_view_slices),
      cmocka_unit_test(test_large_list_view_slices),
      cmocka_unit_test(test_dense_union_slices),
      cmocka_unit_test(test_struct_of_views_slices),
      cmocka_unit_test(test_list_view_of_views_slices),
      cmocka_unit_test(test_scattered_list_view_of_every_type),
      cmocka_unit_test(test_scattered_dense_union_of_every_type),
      cmocka_unit_test(test_many_view_slices_total_bounded),
      cmocka_unit_test(test_tiny_compressed_view_slices_total_bounded),
      cmocka_unit_test(test_many_list_view_and_union_slices_bounded),
      cmocka_unit_test(test_hostile_views_rejected),
      cmocka_unit_test(test_hostile_list_views_rejected),
      cmocka_unit_test(test_hostile_dense_unions_rejected),
      cmocka_unit_test(test_hostile_view_in_struct_rejected),
      cmocka_unit_test(test_hostile_children_of_scattered_list_view_rejected),
      cmocka_unit_test(test_random_hostile_offsets_fail_cleanly),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
