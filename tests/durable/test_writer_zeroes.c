/* No uninitialized bytes in output (issue 6 part 5).
 *
 * Arrays are assembled by hand with qv_array_new from buffers filled with
 * 0xAB everywhere (values under nulls, bitmap bits past the end, bytes owned
 * by null strings, inline-view padding, list-view offsets/sizes and
 * dictionary indices under nulls). Each table is written as a stream and as
 * a file, uncompressed, LZ4 and ZSTD, with alignment 8 and 64, whole and
 * sliced at odd offsets; then
 *   1. the raw output is parsed message by message: every body starts at a
 *      multiple of the alignment, every Buffer offset too, and every body
 *      byte that no Buffer covers (padding between buffers and at the end)
 *      is zero;
 *   2. the output is read back (full validation) and, in the buffers the
 *      reader hands out (views of the written bytes when uncompressed, the
 *      decompressed written bytes otherwise), every value slot under a null
 *      is zero, null strings own no bytes, views are zero under nulls and
 *      after their inline bytes, and bitmap bits past the length are zero;
 *   3. the values are the ones written (logical equality).
 * The same bytes go through a real path writer once (they must equal the
 * memory writer's), so valgrind (test_valgrind_writer.c) sees them pass a
 * writev.
 */
#include "durable/durable_util.h"

#include "ipc/flatbuf/fb_endian.h"
#include "ipc/metadata.h"

/* Rows of the hand-built batch: below one 64-slot block, then several. */
static int64_t N = 45;

static bool slot_null(int64_t i) { return i % 3 == 1 || i % 7 == 5; }

static qv_buffer *garbage(int64_t size) {
  qv_buffer *b = NULL;
  OK(qv_buffer_allocate(NULL, size > 0 ? size : 1, false, &b, err));
  memset(b->data, 0xAB, (size_t)b->capacity);
  b->size = size;
  return b;
}

/* Validity for N slots; the bits past N stay 0xAB garbage. */
static qv_buffer *validity(bool (*is_null)(int64_t), int64_t n) {
  qv_buffer *b = garbage(qv_bitmap_bytes(n));
  for (int64_t i = 0; i < n; i++) qv_bit_set_to(b->data, i, !is_null(i));
  return b;
}

static qv_array *make(qv_type *type, int64_t n, int32_t nb, qv_buffer **bufs, int32_t nc, qv_array **kids,
                      qv_array *dict) {
  qv_array *a = NULL;
  OK(qv_array_new(type, n, 0, QV_NULL_COUNT_UNKNOWN, nb, bufs, nc, kids, dict, &a, err));
  for (int32_t i = 0; i < nb; i++) qv_buffer_release(bufs[i]);
  for (int32_t i = 0; i < nc; i++) qv_array_release(kids[i]);
  qv_type_release(type);
  return a;
}

/* Fixed width: value i*10+1 (little-endian, zero-extended) in valid slots. */
static qv_array *fixed_col(qv_type *type, int32_t w) {
  qv_buffer *b[2] = {validity(slot_null, N), garbage((int64_t)N * w)};
  for (int64_t i = 0; i < N; i++) {
    if (slot_null(i)) continue;
    int64_t v = i * 10 + 1;
    memset(b[1]->data + i * w, 0, (size_t)w);
    memcpy(b[1]->data + i * w, &v, (size_t)(w < 8 ? w : 8));
  }
  return make(type, N, 2, b, 0, NULL, NULL);
}

static qv_array *bool_col(void) {
  qv_buffer *b[2] = {validity(slot_null, N), garbage(qv_bitmap_bytes(N))};
  for (int64_t i = 0; i < N; i++)
    if (!slot_null(i)) qv_bit_set_to(b[1]->data, i, i % 2 == 0);
  return make(qv_type_bool(), N, 2, b, 0, NULL, NULL);
}

/* Binary-like with w-byte offsets: null slots own 3 bytes of garbage. */
static qv_array *binary_col(qv_type *type, int w) {
  int64_t total = 0;
  for (int64_t i = 0; i < N; i++) total += slot_null(i) ? 3 : i % 4;
  qv_buffer *b[3] = {validity(slot_null, N), garbage((N + 1) * w), garbage(total)};
  int64_t pos = 0;
  for (int64_t i = 0; i <= N; i++) {
    if (w == 4) {
      int32_t o = (int32_t)pos;
      memcpy(b[1]->data + i * 4, &o, 4);
    } else {
      memcpy(b[1]->data + i * 8, &pos, 8);
    }
    if (i == N) break;
    int64_t len = slot_null(i) ? 3 : i % 4;
    if (!slot_null(i)) memset(b[2]->data + pos, 'a' + (int)(i % 26), (size_t)len);
    pos += len;
  }
  return make(type, N, 3, b, 0, NULL, NULL);
}

/* Views: every 4th valid slot is 20 bytes in the data buffer, the others
 * inline with garbage after their bytes; null views are all garbage. */
static qv_array *view_col(void) {
  int64_t longs = 0;
  for (int64_t i = 0; i < N; i++) longs += !slot_null(i) && i % 4 == 0;
  qv_buffer *b[3] = {validity(slot_null, N), garbage(N * QV_VIEW_SIZE), garbage(longs * 20)};
  int32_t off = 0;
  for (int64_t i = 0; i < N; i++) {
    if (slot_null(i)) continue;
    uint8_t *v = b[1]->data + i * QV_VIEW_SIZE;
    if (i % 4 == 0) {
      int32_t size = 20, idx = 0;
      memset(b[2]->data + off, 'A' + (int)(i % 26), 20);
      memcpy(v, &size, 4);
      memcpy(v + 4, b[2]->data + off, 4);
      memcpy(v + 8, &idx, 4);
      memcpy(v + 12, &off, 4);
      off += 20;
    } else {
      int32_t size = (int32_t)(i % 13);
      memcpy(v, &size, 4);
      memset(v + 4, 'a' + (int)(i % 26), (size_t)size); /* the rest stays 0xAB */
    }
  }
  return make(qv_type_string_view(), N, 3, b, 0, NULL, NULL);
}

/* list_view<int16> over a 10-value child; null slots keep an in-bounds
 * but non-zero (offset 3, size 2). */
static qv_array *list_view_col(void) {
  qv_buffer *cb[2] = {NULL, garbage(10 * 2)};
  for (int16_t k = 0; k < 10; k++) memcpy(cb[1]->data + k * 2, &k, 2);
  qv_array *child = make(qv_type_int16(), 10, 2, cb, 0, NULL, NULL);
  qv_buffer *b[3] = {validity(slot_null, N), garbage(N * 4), garbage(N * 4)};
  for (int64_t i = 0; i < N; i++) {
    int32_t o = slot_null(i) ? 3 : (int32_t)(i % 5), s = slot_null(i) ? 2 : (int32_t)(i % 3);
    memcpy(b[1]->data + i * 4, &o, 4);
    memcpy(b[2]->data + i * 4, &s, 4);
  }
  qv_type *t = NULL;
  OK(qv_type_list_of(QV_TYPE_LIST_VIEW, qv_type_int16(), &t, err));
  return make(t, N, 3, b, 1, &child, NULL);
}

/* dictionary<int32, string>: garbage indices under nulls. */
static qv_array *dict_col(void) {
  qv_builder *db = NULL;
  OK(qv_builder_new(qv_type_string(), NULL, &db, err));
  const char *words[4] = {"red", "green", "blue", "a rather long colour name"};
  for (int k = 0; k < 4; k++) OK(qv_builder_append_string(db, words[k], -1));
  qv_array *dict = NULL;
  OK(qv_builder_finish(db, &dict, err));
  qv_builder_free(db);
  qv_buffer *b[2] = {validity(slot_null, N), garbage(N * 4)};
  for (int64_t i = 0; i < N; i++) {
    int32_t k = (int32_t)(i % 4);
    if (!slot_null(i)) memcpy(b[1]->data + i * 4, &k, 4);
  }
  qv_type *t = NULL;
  OK(qv_type_dictionary(qv_type_int32(), qv_type_string(), false, &t, err));
  qv_array *a = make(t, N, 2, b, 0, NULL, dict);
  qv_array_release(dict);
  return a;
}

static bool child_null(int64_t i) { return i % 5 == 2; }

/* struct{a: int32 (its own nulls, garbage under them), b: bool}. */
static qv_array *struct_col(void) {
  qv_buffer *ab[2] = {validity(child_null, N), garbage(N * 4)};
  for (int64_t i = 0; i < N; i++) {
    int32_t v = (int32_t)i;
    if (!child_null(i)) memcpy(ab[1]->data + i * 4, &v, 4);
  }
  qv_array *kids[2] = {make(qv_type_int32(), N, 2, ab, 0, NULL, NULL), bool_col()};
  qv_field *fs[2] = {tu_field("a", qv_type_int32(), true), tu_field("b", qv_type_bool(), true)};
  qv_type *t = tu_struct(fs, 2);
  qv_buffer *b[1] = {validity(slot_null, N)};
  return make(t, N, 1, b, 2, kids, NULL);
}

static qv_batch *garbage_batch(void) {
  qv_type *t;
  qv_array *cols[12];
  const char *names[12] = {"i32", "i64", "f64", "d128", "fsb5", "bool", "str", "lbin", "view", "lview", "dict",
                           "struct"};
  int n = 0;
  cols[n++] = fixed_col(qv_type_int32(), 4);
  cols[n++] = fixed_col(qv_type_int64(), 8);
  cols[n++] = fixed_col(qv_type_float64(), 8);
  cols[n++] = fixed_col(TU_T(qv_type_decimal(128, 38, 2, &t, NULL)), 16);
  cols[n++] = fixed_col(TU_T(qv_type_fixed_size_binary(5, &t, NULL)), 5);
  cols[n++] = bool_col();
  cols[n++] = binary_col(qv_type_string(), 4);
  cols[n++] = binary_col(qv_type_large_binary(), 8);
  cols[n++] = view_col();
  cols[n++] = list_view_col();
  cols[n++] = dict_col();
  cols[n++] = struct_col();
  qv_field *fs[12];
  for (int i = 0; i < n; i++) fs[i] = tu_field(names[i], qv_type_retain(cols[i]->type), true);
  qv_schema *s = NULL;
  OK(qv_schema_new(fs, n, NULL, &s, err));
  qv_batch *b = NULL;
  OK(qv_batch_new(s, N, cols, NULL, &b, err));
  for (int i = 0; i < n; i++) {
    qv_field_release(fs[i]);
    qv_array_release(cols[i]);
  }
  qv_schema_release(s);
  return b;
}

/* ---------------------------------------------------- 1. raw layout */

/* Walks every message of `out`; returns the number of body bytes checked. */
static int64_t check_raw_layout(const qv_buffer *out, qv_ipc_format format, int32_t align, const char *what) {
  const uint8_t *d = out->data;
  int64_t size = out->size, pos = 0, checked = 0;
  if (format == QV_IPC_FORMAT_FILE) {
    assert_memory_equal(d, "ARROW1\0\0", 8);
    pos = 8;
  }
  for (int msg = 0;; msg++) {
    assert_true(pos + 8 <= size);
    assert_int_equal(qv_fb_load_u32(d + pos), 0xFFFFFFFFu);
    int32_t meta_len = qv_fb_load_i32(d + pos + 8 - 4);
    if (meta_len == 0) break; /* EOS */
    int64_t body = pos + 8 + meta_len;
    if (body % align != 0) fail_msg("%s: message %d body at %lld, not %d-aligned", what, msg, (long long)body, align);
    qv_ipc_message m;
    qv_error e;
    if (qv__ipc_message_decode(d + pos + 8, (size_t)meta_len, &m, &e) != QV_OK) fail_msg("%s: %s", what, e.message);
    if (m.type == FB_HEADER_RECORD_BATCH || m.type == FB_HEADER_DICTIONARY_BATCH) {
      qv_ipc_batch_header h;
      if (m.type == FB_HEADER_RECORD_BATCH) {
        OK(qv__ipc_batch_decode(&m.header, m.body_length, &h, err));
      } else {
        qv_ipc_dict_batch_header dh;
        OK(qv__ipc_dict_batch_decode(&m.header, m.body_length, &dh, err));
        h = dh.data;
      }
      uint8_t *covered = (uint8_t *)calloc((size_t)m.body_length + 1, 1);
      for (uint32_t i = 0; i < h.n_buffers; i++) {
        qv_ipc_buffer_loc loc = qv_ipc_batch_buffer(&h, i);
        if (loc.offset % align != 0)
          fail_msg("%s: message %d buffer %u at body offset %lld, not %d-aligned", what, msg, i,
                   (long long)loc.offset, align);
        memset(covered + loc.offset, 1, (size_t)loc.length);
      }
      for (int64_t k = 0; k < m.body_length; k++) {
        if (!covered[k] && d[body + k] != 0)
          fail_msg("%s: message %d: padding byte %lld of the body is 0x%02x", what, msg, (long long)k, d[body + k]);
        checked += !covered[k];
      }
      free(covered);
      assert_int_equal(m.body_length % 8, 0);
    }
    pos = body + m.body_length;
  }
  return checked;
}

/* ------------------------------------------------ 2. values under nulls */

typedef struct zero_stats {
  int64_t null_slots;  /* null slots whose bytes were checked */
  int64_t tail_bits;   /* bitmap bits past the length checked */
} zero_stats;

static void check_tail_bits(const uint8_t *bits, int64_t off, int64_t len, zero_stats *zs, const char *what) {
  if (bits == NULL) return;
  for (int64_t k = off + len; k % 8 != 0; k++) {
    if (qv_bit_get(bits, k)) fail_msg("%s: bitmap bit %lld past the end is set", what, (long long)k);
    zs->tail_bits++;
  }
}

static void check_array(const qv_array *a, zero_stats *zs, const char *what) {
  const qv_type *s = qv_type_storage(a->type);
  int64_t off = a->offset, n = a->length;
  check_tail_bits(a->validity_, off, n, zs, what);
  const uint8_t *v1 = qv_array_buffer_data(a, 1);
  for (int64_t i = 0; i < n; i++) {
    bool null = a->validity_ && !qv_bit_get(a->validity_, off + i);
    int64_t j = off + i;
    switch (s->id) {
      case QV_TYPE_BOOL:
        if (null && qv_bit_get(v1, j)) fail_msg("%s: boolean bit under null slot %lld is set", what, (long long)i);
        break;
      case QV_TYPE_STRING:
      case QV_TYPE_LARGE_BINARY: {
        int64_t len = 0;
        if (s->id == QV_TYPE_STRING)
          (void)qv_array_binary_value(a, i, &len);
        else
          (void)qv_array_large_binary_value(a, i, &len);
        if (null && len != 0) fail_msg("%s: null slot %lld owns %lld bytes", what, (long long)i, (long long)len);
        break;
      }
      case QV_TYPE_STRING_VIEW: {
        const uint8_t *view = v1 + j * QV_VIEW_SIZE;
        int32_t size;
        memcpy(&size, view, 4);
        for (int k = null ? 0 : 4 + (size <= QV_VIEW_INLINE_MAX ? size : QV_VIEW_SIZE); k < QV_VIEW_SIZE; k++)
          if (view[k]) fail_msg("%s: view %lld byte %d is 0x%02x", what, (long long)i, k, view[k]);
        break;
      }
      case QV_TYPE_LIST_VIEW: {
        int32_t o, sz;
        memcpy(&o, v1 + j * 4, 4);
        memcpy(&sz, qv_array_buffer_data(a, 2) + j * 4, 4);
        if (null && (o != 0 || sz != 0))
          fail_msg("%s: list view null slot %lld has offset %d size %d", what, (long long)i, o, sz);
        break;
      }
      case QV_TYPE_STRUCT:
        break;
      default: {
        int32_t w = s->id == QV_TYPE_DICTIONARY ? s->index_type->bit_width / 8 : s->bit_width / 8;
        if (s->id == QV_TYPE_FIXED_SIZE_BINARY) w = s->byte_width;
        assert_true(w > 0);
        if (null)
          for (int32_t k = 0; k < w; k++)
            if (v1[j * w + k])
              fail_msg("%s: byte %d of null slot %lld is 0x%02x", what, k, (long long)i, v1[j * w + k]);
      }
    }
    zs->null_slots += null;
  }
  if (s->id == QV_TYPE_BOOL) check_tail_bits(v1, off, n, zs, what);
  for (int32_t c = 0; c < a->n_children; c++) check_array(a->children[c], zs, what);
}

/* The source really has garbage where the output must have zeros. */
static void assert_source_is_dirty(const qv_batch *b) {
  const qv_array *i64 = b->columns[1];
  assert_true(slot_null(1));
  assert_int_equal(qv_array_buffer_data(i64, 1)[8], 0xAB);
  const qv_array *view = b->columns[8];
  assert_int_equal(qv_array_buffer_data(view, 1)[QV_VIEW_SIZE], 0xAB);
  int64_t len = 0;
  (void)qv_array_binary_value(b->columns[6], 1, &len);
  assert_int_equal(len, 3);
}

static void check_all_outputs(int64_t rows) {
  N = rows;
  qv_batch *whole = garbage_batch();
  OK(qv_batch_validate(whole, QV_VALIDATE_FULL, err));
  assert_source_is_dirty(whole);
  const int64_t windows[][2] = {{0, N}, {1, N - 2}, {3, N / 2 + 6}, {8, N / 2 + 6}, {13, N / 3}, {5, 1}};
  const qv_ipc_compression codecs[] = {QV_IPC_COMPRESSION_NONE, QV_IPC_COMPRESSION_LZ4_FRAME, QV_IPC_COMPRESSION_ZSTD};
  const int32_t aligns[] = {8, 64};
  zero_stats zs = {0, 0};
  int64_t padding = 0;
  int runs = 0;
  for (size_t wi = 0; wi < sizeof windows / sizeof windows[0]; wi++) {
    qv_batch *b = NULL;
    OK(qv_batch_slice(whole, windows[wi][0], windows[wi][1], &b, err));
    qv_table *t = NULL;
    OK(qv_table_new(b->schema, &b, 1, &t, err));
    for (int format = 0; format < 2; format++)
      for (size_t ci = 0; ci < 3; ci++)
        for (size_t ai = 0; ai < 2; ai++) {
          char what[128];
          snprintf(what, sizeof what, "%s, window [%lld, +%lld), codec %d, alignment %d",
                   format ? "file" : "stream", (long long)windows[wi][0], (long long)windows[wi][1], (int)codecs[ci],
                   aligns[ai]);
          qv_ipc_write_options wo = QV_IPC_WRITE_OPTIONS_DEFAULT;
          wo.alignment = aligns[ai];
          wo.compression = codecs[ci];
          qv_buffer *out = NULL;
          OK(qv_ipc_write_buffer((qv_ipc_format)format, t, &wo, &out, err));
          padding += check_raw_layout(out, (qv_ipc_format)format, aligns[ai], what);
          qv_ipc_read_options ro = QV_IPC_READ_OPTIONS_DEFAULT;
          ro.full_validation = true;
          ro.require_eos = true;
          qv_table *back = NULL;
          qv_error e;
          if (qv_ipc_read_buffer(out, &ro, &back, &e) != QV_OK) fail_msg("%s: read back: %s", what, e.message);
          assert_int_equal(back->n_batches, 1);
          for (int32_t c = 0; c < back->batches[0]->n_columns; c++)
            check_array(back->batches[0]->columns[c], &zs, what);
          tu_assert_tables_equal(t, back, what);
          qv_table_release(back);
          qv_buffer_release(out);
          runs++;
        }
    qv_table_release(t);
    qv_batch_release(b);
  }
  print_message("  %d outputs: %lld null slots and %lld bitmap tail bits zero, %lld padding bytes zero\n", runs,
                (long long)zs.null_slots, (long long)zs.tail_bits, (long long)padding);
  assert_true(zs.null_slots > 1000);
  assert_true(zs.tail_bits > 100);
  assert_true(padding > 1000);
  qv_batch_release(whole);
  N = 45;
}

static void test_no_garbage_reaches_the_output(void **state) {
  (void)state;
  check_all_outputs(45);  /* less than one 64-slot block of validity */
  check_all_outputs(333); /* several blocks: word scans at odd bit offsets */
}

/* Clean null slots except one, deep inside the window (or its very last
 * slot): the scan must find it wherever it is. */
static void test_single_dirty_slot_is_found(void **state) {
  (void)state;
  const int64_t rows = 333;
  const int64_t dirty_at[] = {257, 331, 4, 64, 127};
  for (size_t d = 0; d < sizeof dirty_at / sizeof dirty_at[0]; d++) {
    qv_buffer *b[2] = {validity(slot_null, rows), garbage(rows * 8)};
    memset(b[1]->data, 0, (size_t)(rows * 8));
    for (int64_t i = 0; i < rows; i++)
      if (!slot_null(i)) memcpy(b[1]->data + i * 8, &i, 8);
    assert_true(slot_null(dirty_at[d]));
    memset(b[1]->data + dirty_at[d] * 8, 0xAB, 8);
    qv_array *col = make(qv_type_int64(), rows, 2, b, 0, NULL, NULL);
    qv_array *win = NULL;
    OK(qv_array_slice(col, 3, rows - 3, &win, err));
    qv_field *f = tu_field("v", qv_type_int64(), true);
    qv_schema *s = NULL;
    OK(qv_schema_new(&f, 1, NULL, &s, err));
    qv_batch *bt = NULL;
    OK(qv_batch_new(s, win->length, &win, NULL, &bt, err));
    qv_table *t = NULL;
    OK(qv_table_new(s, &bt, 1, &t, err));
    qv_buffer *out = NULL;
    OK(qv_ipc_write_buffer(QV_IPC_FORMAT_STREAM, t, NULL, &out, err));
    qv_table *back = NULL;
    OK(qv_ipc_read_buffer(out, NULL, &back, err));
    zero_stats zs = {0, 0};
    check_array(back->batches[0]->columns[0], &zs, "single dirty slot");
    assert_int_equal(zs.null_slots, qv_array_null_count(win));
    tu_assert_tables_equal(t, back, "single dirty slot");
    qv_table_release(back);
    qv_buffer_release(out);
    qv_table_release(t);
    qv_batch_release(bt);
    qv_schema_release(s);
    qv_field_release(f);
    qv_array_release(win);
    qv_array_release(col);
  }
}

/* The source arrays are left as they were (the writer cleans copies). */
static void test_source_arrays_untouched(void **state) {
  (void)state;
  qv_batch *b = garbage_batch();
  qv_table *t = NULL;
  OK(qv_table_new(b->schema, &b, 1, &t, err));
  qv_buffer *out = NULL;
  OK(qv_ipc_write_buffer(QV_IPC_FORMAT_STREAM, t, NULL, &out, err));
  assert_source_is_dirty(b);
  qv_buffer_release(out);
  qv_table_release(t);
  qv_batch_release(b);
}

/* Through a path and an fd: the same bytes as in memory (and, under
 * valgrind, every byte passed to writev is defined). */
static void test_path_and_fd_bytes_match_memory(void **state) {
  (void)state;
  char dir[128], path[256];
  du_tmpdir(dir, sizeof dir, "zeroes");
  snprintf(path, sizeof path, "%s/z.arrow", dir);
  qv_batch *whole = garbage_batch();
  qv_batch *b = NULL;
  OK(qv_batch_slice(whole, 3, 29, &b, err));
  qv_table *t = NULL;
  OK(qv_table_new(b->schema, &b, 1, &t, err));
  for (int codec = 0; codec < 3; codec++) {
    qv_ipc_write_options wo = QV_IPC_WRITE_OPTIONS_DEFAULT;
    wo.compression = (qv_ipc_compression)codec;
    wo.alignment = codec == 1 ? 8 : 64;
    qv_buffer *mem = NULL;
    OK(qv_ipc_write_buffer(QV_IPC_FORMAT_FILE, t, &wo, &mem, err));
    OK(qv_ipc_write_path(path, QV_IPC_FORMAT_FILE, t, &wo, err));
    size_t n = 0;
    uint8_t *bytes = du_read_file(path, &n);
    assert_int_equal(n, (size_t)mem->size);
    assert_memory_equal(bytes, mem->data, n);
    free(bytes);
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    assert_true(fd >= 0);
    OK(qv_ipc_write_fd(fd, QV_IPC_FORMAT_FILE, t, &wo, err));
    close(fd);
    bytes = du_read_file(path, &n);
    assert_int_equal(n, (size_t)mem->size);
    assert_memory_equal(bytes, mem->data, n);
    free(bytes);
    qv_buffer_release(mem);
  }
  qv_table_release(t);
  qv_batch_release(b);
  qv_batch_release(whole);
  du_rmtree(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_garbage_reaches_the_output),
      cmocka_unit_test(test_single_dirty_slot_is_found),
      cmocka_unit_test(test_source_arrays_untouched),
      cmocka_unit_test(test_path_and_fd_bytes_match_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
