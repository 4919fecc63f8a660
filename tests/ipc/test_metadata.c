/* Tests for src/ipc/metadata_{decode,encode}.c, well-formed input: schemas
 * with every Arrow type round-trip through a Schema message; batch,
 * dictionary-batch and footer headers round-trip; every gold file's
 * metadata decodes (and its schema survives re-encoding). Bad metadata is
 * in test_metadata_bad.c. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <sys/stat.h>

#include "ipc/metadata.h"
#include "ipc/test_flatbuf_util.h"
#include "support/arrow_testing.h"
#include "quiver/field.h"
#include "quiver/schema.h"
#include "quiver/type.h"

/* ---- small constructors that assert ---- */

static qv_field *fld(const char *name, qv_type *t, bool nullable) {
  qv_field *f = NULL;
  OKB(qv_field_new(name, t, nullable, NULL, &f, NULL));
  qv_type_release(t);
  return f;
}

static qv_field *fld_md(const char *name, qv_type *t, const char *k, const char *v) {
  qv_metadata *md = NULL;
  qv_field *f = NULL;
  OKB(qv_metadata_new(&md, NULL));
  OKB(qv_metadata_append(md, k, -1, v, -1, NULL));
  OKB(qv_field_new(name, t, true, md, &f, NULL));
  qv_metadata_free(md);
  qv_type_release(t);
  return f;
}

/* Every type quiver knows, one field each. */
static qv_schema *all_types_schema(void) {
  qv_field *f[64];
  int n = 0;
  qv_type *t;
  static qv_type *(*const singles[])(void) = {
      qv_type_null, qv_type_bool, qv_type_int8, qv_type_int16, qv_type_int32, qv_type_int64,
      qv_type_uint8, qv_type_uint16, qv_type_uint32, qv_type_uint64, qv_type_float16,
      qv_type_float32, qv_type_float64, qv_type_date32, qv_type_date64, qv_type_interval_months,
      qv_type_interval_day_time, qv_type_interval_month_day_nano, qv_type_binary, qv_type_string,
      qv_type_large_binary, qv_type_large_string, qv_type_binary_view, qv_type_string_view};
  for (size_t i = 0; i < sizeof singles / sizeof singles[0]; i++) {
    char name[16];
    snprintf(name, sizeof name, "s%zu", i);
    f[n++] = fld(name, singles[i](), i % 2 == 0);
  }
  static const int dec_bits[] = {32, 64, 128, 256};
  static const int dec_prec[] = {9, 18, 38, 76};
  for (int i = 0; i < 4; i++) {
    t = NULL;
    OKB(qv_type_decimal(dec_bits[i], dec_prec[i], 2, &t, NULL));
    f[n++] = fld(i == 0 ? "d32" : i == 1 ? "d64" : i == 2 ? "d128" : "d256", t, true);
  }
  t = NULL; OKB(qv_type_time32(QV_UNIT_SECOND, &t, NULL)); f[n++] = fld("t32s", t, true);
  t = NULL; OKB(qv_type_time32(QV_UNIT_MILLI, &t, NULL)); f[n++] = fld("t32ms", t, true);
  t = NULL; OKB(qv_type_time64(QV_UNIT_MICRO, &t, NULL)); f[n++] = fld("t64us", t, true);
  t = NULL; OKB(qv_type_time64(QV_UNIT_NANO, &t, NULL)); f[n++] = fld("t64ns", t, true);
  t = NULL; OKB(qv_type_timestamp(QV_UNIT_SECOND, NULL, &t, NULL)); f[n++] = fld("ts_naive", t, true);
  t = NULL; OKB(qv_type_timestamp(QV_UNIT_NANO, "America/New_York", &t, NULL)); f[n++] = fld("ts_ny", t, false);
  t = NULL; OKB(qv_type_duration(QV_UNIT_SECOND, &t, NULL)); f[n++] = fld("dur_s", t, true);
  t = NULL; OKB(qv_type_duration(QV_UNIT_MICRO, &t, NULL)); f[n++] = fld("dur_us", t, true);
  t = NULL; OKB(qv_type_fixed_size_binary(7, &t, NULL)); f[n++] = fld("fsb7", t, true);

  static const qv_type_id lists[] = {QV_TYPE_LIST, QV_TYPE_LARGE_LIST, QV_TYPE_LIST_VIEW,
                                     QV_TYPE_LARGE_LIST_VIEW};
  for (int i = 0; i < 4; i++) {
    t = NULL;
    OKB(qv_type_list_of(lists[i], qv_type_int16(), &t, NULL));
    f[n++] = fld(qv_type_id_name(lists[i]), t, true);
  }
  qv_field *item = fld("element", qv_type_float32(), false);
  t = NULL; OKB(qv_type_fixed_size_list(item, 3, &t, NULL)); f[n++] = fld("fsl3", t, true);
  qv_field_release(item);

  qv_field *kids[3] = {fld("a", qv_type_int32(), true), fld("b", qv_type_string(), false),
                       fld_md("c", qv_type_bool(), "origin", "test")};
  t = NULL; OKB(qv_type_struct(kids, 3, &t, NULL)); f[n++] = fld("st", t, true);
  t = NULL; OKB(qv_type_struct(NULL, 0, &t, NULL)); f[n++] = fld("st_empty", t, true);
  static const int8_t codes[3] = {5, 9, 127};
  t = NULL; OKB(qv_type_union(QV_TYPE_DENSE_UNION, kids, 3, codes, &t, NULL)); f[n++] = fld("du", t, true);
  t = NULL; OKB(qv_type_union(QV_TYPE_SPARSE_UNION, kids, 2, NULL, &t, NULL)); f[n++] = fld("su", t, true);
  for (int i = 0; i < 3; i++) qv_field_release(kids[i]);

  t = NULL; OKB(qv_type_map(qv_type_string(), qv_type_int64(), true, &t, NULL)); f[n++] = fld("m", t, true);
  t = NULL; OKB(qv_type_run_end_encoded(qv_type_int32(), qv_type_string(), &t, NULL)); f[n++] = fld("ree", t, true);

  /* dictionaries: plain, ordered uint16 of lists, and one nested in a struct */
  t = NULL; OKB(qv_type_dictionary(qv_type_int8(), qv_type_string(), false, &t, NULL)); f[n++] = fld("dict8", t, true);
  qv_type *lt = NULL;
  OKB(qv_type_list_of(QV_TYPE_LIST, qv_type_int64(), &lt, NULL));
  t = NULL; OKB(qv_type_dictionary(qv_type_uint16(), lt, true, &t, NULL)); f[n++] = fld("dict_list", t, true);
  qv_type_release(lt);
  qv_type *inner = NULL;
  OKB(qv_type_dictionary(qv_type_int32(), qv_type_large_string(), false, &inner, NULL));
  qv_field *ik = fld("inner_dict", inner, true);
  t = NULL; OKB(qv_type_struct(&ik, 1, &t, NULL)); f[n++] = fld("st_dict", t, true);
  qv_field_release(ik);

  /* extensions: canonical, unknown with metadata, and over a dictionary */
  qv_type *fsb16 = NULL;
  OKB(qv_type_fixed_size_binary(16, &fsb16, NULL));
  t = NULL; OKB(qv_type_extension("arrow.uuid", "", 0, fsb16, &t, NULL)); f[n++] = fld("uuid", t, true);
  qv_type_release(fsb16);
  t = NULL; OKB(qv_type_extension("my.point", "{\"x\":1}\0bin", 11, qv_type_int64(), &t, NULL));
  f[n++] = fld_md("point", t, "k", "v");
  qv_type *d2 = NULL;
  OKB(qv_type_dictionary(qv_type_int8(), qv_type_string(), false, &d2, NULL));
  t = NULL; OKB(qv_type_extension("dict-extension", "ser", 3, d2, &t, NULL)); f[n++] = fld("dict_ext", t, true);
  qv_type_release(d2);

  qv_metadata *md = NULL;
  OKB(qv_metadata_new(&md, NULL));
  OKB(qv_metadata_append(md, "schema-key", -1, "schema\0value", 12, NULL));
  OKB(qv_metadata_append(md, "empty", -1, "", 0, NULL));
  qv_schema *s = NULL;
  OKB(qv_schema_new(f, n, md, &s, NULL));
  qv_metadata_free(md);
  for (int i = 0; i < n; i++) qv_field_release(f[i]);
  return s;
}

static void decode_schema_message(const uint8_t *data, size_t len, qv_ipc_schema_info *info) {
  qv_ipc_message msg;
  qv_error err;
  uint8_t *copy = tf_dup(data, len);
  if (qv__ipc_message_decode(copy, len, &msg, &err) != QV_OK) fail_msg("%s", err.message);
  assert_int_equal(msg.type, FB_HEADER_SCHEMA);
  assert_int_equal(msg.version, FB_METADATA_V5);
  if (qv__ipc_schema_decode(&msg.header, info, &err) != QV_OK) fail_msg("%s", err.message);
  free(copy); /* the schema owns copies of everything */
}

static void assert_schema_equal(const qv_schema *a, const qv_schema *b) {
  if (!qv_schema_equals(a, b, true)) {
    char x[8192], y[8192];
    qv_schema_format(a, x, sizeof x);
    qv_schema_format(b, y, sizeof y);
    fail_msg("schemas differ:\n%s\n----\n%s", x, y);
  }
}

static void test_schema_roundtrip_all_types(void **state) {
  (void)state;
  qv_schema *s = all_types_schema();
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_error err;
  qv_ipc_schema_info info;
  qv__fb_builder_init(&b);
  assert_int_equal(qv__ipc_schema_count_dicts(s), 4);
  static const int64_t ids[4] = {70, 71, 72, 70}; /* ids may be shared */
  if (qv__ipc_schema_message_encode(&b, s, ids, 4, &data, &len, &err) != QV_OK) fail_msg("%s", err.message);
  decode_schema_message(data, len, &info);
  assert_schema_equal(s, info.schema);
  assert_false(info.big_endian);
  assert_int_equal(info.n_dicts, 4);
  for (int i = 0; i < 4; i++) {
    assert_int_equal(info.dicts[i].id, ids[i]);
    assert_int_equal(info.dicts[i].type->id, QV_TYPE_DICTIONARY);
  }
  assert_string_equal(info.dicts[0].field->name, "dict8");
  assert_string_equal(info.dicts[1].field->name, "dict_list");
  assert_true(info.dicts[1].type->ordered);
  assert_string_equal(info.dicts[2].field->name, "inner_dict");
  assert_string_equal(info.dicts[3].field->name, "dict_ext");
  /* extension keys travel in field metadata, and come back as types */
  int32_t ui = qv_schema_field_index(info.schema, "uuid");
  assert_true(ui >= 0);
  assert_int_equal(info.schema->fields[ui]->type->canonical, QV_EXT_UUID);
  assert_null(info.schema->fields[ui]->metadata);
  const qv_field *pt = info.schema->fields[qv_schema_field_index(info.schema, "point")];
  assert_int_equal(pt->type->extension_metadata_len, 11);
  assert_memory_equal(pt->type->extension_metadata, "{\"x\":1}\0bin", 11);
  assert_int_equal(pt->metadata->n, 1);
  qv__ipc_schema_info_free(&info);

  /* Too few ids is the caller's mistake. */
  qv__fb_builder_reset(&b);
  assert_int_equal(qv__ipc_schema_message_encode(&b, s, ids, 2, &data, &len, &err), QV_ERR_INVALID_ARGUMENT);
  assert_contains(err.message, "more dictionary fields than the 2 ids given");
  /* NULL ids: 0, 1, 2, ... */
  qv__fb_builder_reset(&b);
  OKB(qv__ipc_schema_message_encode(&b, s, NULL, 0, &data, &len, &err));
  decode_schema_message(data, len, &info);
  for (int i = 0; i < 4; i++) assert_int_equal(info.dicts[i].id, i);
  qv__ipc_schema_info_free(&info);
  qv__fb_builder_free(&b);
  qv_schema_release(s);
}

static void test_batch_roundtrip(void **state) {
  (void)state;
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_error err;
  qv_ipc_message msg;
  qv_ipc_batch_header h;
  qv_ipc_dict_batch_header dh;
  qv_ipc_field_node nodes[3] = {{10, 0}, {10, 3}, {25, 25}};
  qv_ipc_buffer_loc bufs[4] = {{0, 0}, {0, 64}, {64, 8}, {72, 200}};
  int64_t vc[2] = {1, 0};
  qv_ipc_batch_desc d = {10, nodes, 3, bufs, 4, vc, 2, FB_COMPRESSION_ZSTD};
  qv__fb_builder_init(&b);
  OKB(qv__ipc_batch_message_encode(&b, &d, 272, &data, &len, &err));
  OKB(qv__ipc_message_decode(data, len, &msg, &err));
  assert_int_equal(msg.type, FB_HEADER_RECORD_BATCH);
  assert_int_equal(msg.body_length, 272);
  OKB(qv__ipc_batch_decode(&msg.header, msg.body_length, &h, &err));
  assert_int_equal(h.length, 10);
  assert_int_equal(h.codec, FB_COMPRESSION_ZSTD);
  assert_int_equal(h.n_nodes, 3);
  assert_int_equal(h.n_buffers, 4);
  assert_int_equal(h.n_variadic, 2);
  for (uint32_t i = 0; i < 3; i++) {
    assert_int_equal(qv_ipc_batch_node(&h, i).length, nodes[i].length);
    assert_int_equal(qv_ipc_batch_node(&h, i).null_count, nodes[i].null_count);
  }
  for (uint32_t i = 0; i < 4; i++) {
    assert_int_equal(qv_ipc_batch_buffer(&h, i).offset, bufs[i].offset);
    assert_int_equal(qv_ipc_batch_buffer(&h, i).length, bufs[i].length);
  }
  assert_int_equal(qv_ipc_batch_variadic_count(&h, 0), 1);
  /* the body must hold every buffer */
  assert_int_equal(qv__ipc_batch_decode(&msg.header, 271, &h, &err), QV_ERR_INVALID_DATA);
  assert_contains(err.message, "RecordBatch buffer 3 [offset 72, length 200] extends past the body (271 bytes)");

  /* uncompressed, no variadic counts; dictionary batch around it */
  d.codec = QV_IPC_NO_COMPRESSION;
  d.n_variadic = 0;
  qv__fb_builder_reset(&b);
  OKB(qv__ipc_dict_batch_message_encode(&b, 0, true, &d, 272, &data, &len, &err));
  OKB(qv__ipc_message_decode(data, len, &msg, &err));
  assert_int_equal(msg.type, FB_HEADER_DICTIONARY_BATCH);
  OKB(qv__ipc_dict_batch_decode(&msg.header, msg.body_length, &dh, &err));
  assert_int_equal(dh.id, 0);
  assert_true(dh.is_delta);
  assert_int_equal(dh.data.codec, QV_IPC_NO_COMPRESSION);
  assert_int_equal(dh.data.n_variadic, 0);
  assert_int_equal(qv_ipc_batch_node(&dh.data, 2).null_count, 25);

  d.codec = 7;
  qv__fb_builder_reset(&b);
  assert_int_equal(qv__ipc_batch_message_encode(&b, &d, 272, &data, &len, &err), QV_ERR_INVALID_ARGUMENT);
  qv__fb_builder_free(&b);
}

/* Counting allocator to show the per-batch path allocates nothing. */
static int g_allocs;
static void *count_realloc(void *ctx, void *p, size_t n) {
  (void)ctx;
  if (n == 0) {
    free(p);
    return NULL;
  }
  g_allocs++;
  return realloc(p, n);
}

static void test_batch_encode_allocates_nothing_when_warm(void **state) {
  (void)state;
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_ipc_field_node nodes[8] = {{0, 0}};
  qv_ipc_buffer_loc bufs[16] = {{0, 0}};
  qv_ipc_batch_desc d = {0, nodes, 8, bufs, 16, NULL, 0, QV_IPC_NO_COMPRESSION};
  qv__fb_builder_init(&b);
  qv__fb_builder_set_allocator(&b, count_realloc, NULL);
  OKB(qv__ipc_batch_message_encode(&b, &d, 0, &data, &len, NULL));
  int warm = g_allocs;
  for (int i = 0; i < 100; i++) {
    qv__fb_builder_reset(&b);
    d.length = i;
    OKB(qv__ipc_batch_message_encode(&b, &d, 0, &data, &len, NULL));
  }
  assert_int_equal(g_allocs, warm);
  qv__fb_builder_free(&b);
}

static void test_footer_roundtrip(void **state) {
  (void)state;
  qv_schema *s = all_types_schema();
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_error err;
  qv_ipc_footer f;
  qv_ipc_schema_info info;
  qv_ipc_block dicts[1] = {{8, 200, 64}};
  qv_ipc_block batches[2] = {{272, 256, (int64_t)1 << 33}, {(int64_t)1 << 34, 128, 0}};
  qv__fb_builder_init(&b);
  OKB(qv__ipc_footer_encode(&b, s, NULL, 0, dicts, 1, batches, 2, &data, &len, &err));
  uint8_t *copy = tf_dup(data, len);
  OKB(qv__ipc_footer_decode(copy, len, &f, &err));
  assert_int_equal(f.version, FB_METADATA_V5);
  assert_int_equal(f.n_dictionaries, 1);
  assert_int_equal(f.n_record_batches, 2);
  assert_int_equal(qv_ipc_footer_dictionary(&f, 0).metadata_length, 200);
  assert_int_equal(qv_ipc_footer_record_batch(&f, 0).body_length, (int64_t)1 << 33);
  assert_int_equal(qv_ipc_footer_record_batch(&f, 1).offset, (int64_t)1 << 34);
  OKB(qv__ipc_schema_decode(&f.schema, &info, &err));
  assert_schema_equal(s, info.schema);
  qv__ipc_schema_info_free(&info);
  free(copy);

  qv_ipc_block bad[1] = {{8, 201, 64}};
  qv__fb_builder_reset(&b);
  OKB(qv__ipc_footer_encode(&b, s, NULL, 0, NULL, 0, bad, 1, &data, &len, &err));
  assert_int_equal(qv__ipc_footer_decode(data, len, &f, &err), QV_ERR_INVALID_DATA);
  assert_contains(err.message, "Footer.recordBatches[0]: offset 8, metaDataLength 201 and bodyLength 64 must be multiples of 8");
  qv__fb_builder_free(&b);
  qv_schema_release(s);
}

/* ---- gold files ---- */

static bool dir_exists(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static uint8_t *slurp(const char *path, size_t *n) {
  FILE *fp = fopen(path, "rb");
  if (fp == NULL) fail_msg("cannot open %s", path);
  fseek(fp, 0, SEEK_END);
  long sz = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  uint8_t *buf = malloc((size_t)sz + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)sz, fp), (size_t)sz);
  fclose(fp);
  *n = (size_t)sz;
  return buf;
}

/* Decodes each message of a stream; re-encodes the schema and checks the
 * re-decoded schema is equal. Returns the number of messages. */
static int gold_stream(const char *path, const uint8_t *buf, size_t n, qv_fb_builder *b) {
  size_t pos = 0;
  int count = 0;
  qv_error err;
  qv_ipc_schema_info info = {0};
  while (pos + 4 <= n) {
    int32_t mlen;
    if (qv_fb_load_u32(buf + pos) == 0xffffffffu) {
      mlen = qv_fb_load_i32(buf + pos + 4);
      pos += 8;
    } else {
      mlen = qv_fb_load_i32(buf + pos);
      pos += 4;
    }
    if (mlen == 0) break;
    qv_ipc_message msg;
    if (qv__ipc_message_decode(buf + pos, (size_t)mlen, &msg, &err) != QV_OK) {
      fail_msg("%s @%zu: %s", path, pos, err.message);
    }
    if (msg.type == FB_HEADER_SCHEMA) {
      assert_int_equal(count, 0);
      if (qv__ipc_schema_decode(&msg.header, &info, &err) != QV_OK) fail_msg("%s: %s", path, err.message);
      assert_int_equal(info.big_endian, strstr(path, "bigendian") != NULL);
      /* re-encode with the same ids, decode again: equal */
      int64_t ids[64];
      assert_true(info.n_dicts <= 64);
      for (int32_t i = 0; i < info.n_dicts; i++) ids[i] = info.dicts[i].id;
      const uint8_t *data;
      size_t len;
      qv_ipc_schema_info again;
      qv__fb_builder_reset(b);
      if (qv__ipc_schema_message_encode(b, info.schema, ids, info.n_dicts, &data, &len, &err) != QV_OK) {
        fail_msg("%s: re-encode: %s", path, err.message);
      }
      decode_schema_message(data, len, &again);
      assert_schema_equal(info.schema, again.schema);
      assert_int_equal(again.n_dicts, info.n_dicts);
      for (int32_t i = 0; i < info.n_dicts; i++) assert_int_equal(again.dicts[i].id, ids[i]);
      qv__ipc_schema_info_free(&again);
    } else if (msg.type == FB_HEADER_RECORD_BATCH) {
      qv_ipc_batch_header h;
      if (qv__ipc_batch_decode(&msg.header, msg.body_length, &h, &err) != QV_OK) {
        fail_msg("%s: %s", path, err.message);
      }
    } else {
      qv_ipc_dict_batch_header h;
      if (qv__ipc_dict_batch_decode(&msg.header, msg.body_length, &h, &err) != QV_OK) {
        fail_msg("%s: %s", path, err.message);
      }
    }
    pos += (size_t)mlen + (size_t)msg.body_length;
    count++;
  }
  qv__ipc_schema_info_free(&info);
  return count;
}

static void gold_file(const char *path, const uint8_t *buf, size_t n) {
  qv_error err;
  qv_ipc_footer f;
  qv_ipc_schema_info info;
  int32_t flen = qv_fb_load_i32(buf + n - 10);
  if (qv__ipc_footer_decode(buf + n - 10 - flen, (size_t)flen, &f, &err) != QV_OK) {
    fail_msg("%s: %s", path, err.message);
  }
  if (qv__ipc_schema_decode(&f.schema, &info, &err) != QV_OK) fail_msg("%s: %s", path, err.message);
  qv__ipc_schema_info_free(&info);
}

static void test_gold_metadata(void **state) {
  (void)state;
  char dir[1024], sub[1280], path[1600];
  snprintf(dir, sizeof dir, "%s/data/arrow-ipc-stream/integration",
           qvt_arrow_testing_require("data/arrow-ipc-stream/integration"));
  qv_fb_builder b;
  qv__fb_builder_init(&b);
  DIR *top = opendir(dir);
  assert_non_null(top);
  struct dirent *e;
  int files = 0;
  while ((e = readdir(top)) != NULL) {
    if (e->d_name[0] == '.') continue;
    snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
    if (!dir_exists(sub)) continue;
    DIR *d = opendir(sub);
    struct dirent *fe;
    while ((fe = readdir(d)) != NULL) {
      size_t l = strlen(fe->d_name);
      bool stream = l > 7 && strcmp(fe->d_name + l - 7, ".stream") == 0;
      bool file = l > 11 && strcmp(fe->d_name + l - 11, ".arrow_file") == 0;
      if (!stream && !file) continue;
      snprintf(path, sizeof path, "%s/%s", sub, fe->d_name);
      size_t n;
      uint8_t *buf = slurp(path, &n);
      if (stream) gold_stream(path, buf, n, &b);
      else gold_file(path, buf, n);
      free(buf);
      files++;
    }
    closedir(d);
  }
  closedir(top);
  assert_true(files >= 100);
  qv__fb_builder_free(&b);
}

static void test_gold_extension_and_dictionary(void **state) {
  (void)state;
  char path[1280];
  snprintf(path, sizeof path, "%s/data/arrow-ipc-stream/integration/cpp-21.0.0/generated_extension.stream",
           qvt_arrow_testing_require("data/arrow-ipc-stream/integration/cpp-21.0.0/generated_extension.stream"));
  size_t n;
  uint8_t *buf = slurp(path, &n);
  qv_ipc_message msg;
  qv_ipc_schema_info info;
  qv_error err;
  OKB(qv__ipc_message_decode(buf + 8, (size_t)qv_fb_load_i32(buf + 4), &msg, &err));
  OKB(qv__ipc_schema_decode(&msg.header, &info, &err));
  /* uuids: arrow.uuid over fixed_size_binary(16), keys removed */
  const qv_field *u = info.schema->fields[0];
  assert_string_equal(u->name, "uuids");
  assert_int_equal(u->type->id, QV_TYPE_EXTENSION);
  assert_int_equal(u->type->canonical, QV_EXT_UUID);
  assert_null(u->metadata);
  /* dict_exts: extension "dict-extension" over dictionary<int8, utf8>, id 0 */
  const qv_field *d = info.schema->fields[1];
  assert_int_equal(d->type->id, QV_TYPE_EXTENSION);
  assert_string_equal(d->type->extension_name, "dict-extension");
  assert_int_equal(d->type->extension_metadata_len, 25);
  assert_int_equal(d->type->storage_type->id, QV_TYPE_DICTIONARY);
  assert_int_equal(d->type->storage_type->index_type->id, QV_TYPE_INT8);
  assert_int_equal(d->type->storage_type->value_type->id, QV_TYPE_STRING);
  assert_int_equal(info.n_dicts, 1);
  assert_int_equal(info.dicts[0].id, 0);
  assert_ptr_equal(info.dicts[0].field, d);
  assert_ptr_equal(info.dicts[0].type, d->type->storage_type);
  qv__ipc_schema_info_free(&info);
  free(buf);
}

static void test_message_custom_metadata(void **state) {
  (void)state;
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_fb_ref s;
  qv_metadata *md = NULL, *back = NULL;
  qv_ipc_message msg;
  qv_error err;
  qv_schema *schema = NULL;
  OKB(qv_schema_new(NULL, 0, NULL, &schema, NULL));
  OKB(qv_metadata_new(&md, NULL));
  OKB(qv_metadata_append(md, "trace-id", -1, "abc\0def", 7, NULL));
  qv__fb_builder_init(&b);
  OKB(qv__ipc_schema_encode(&b, schema, NULL, 0, &s, &err));
  OKB(qv__ipc_message_encode(&b, FB_HEADER_SCHEMA, s, 0, md, &data, &len, &err));
  OKB(qv__ipc_message_decode(data, len, &msg, &err));
  OKB(qv__ipc_metadata_decode(&msg.message, FB_MESSAGE_CUSTOM_METADATA, &back, &err));
  assert_true(qv_metadata_equals(md, back));
  assert_int_equal(back->pairs[0].value_len, 7);
  qv_metadata_free(back);
  /* absent metadata decodes as NULL */
  qv_ipc_schema_info info;
  OKB(qv__ipc_schema_decode(&msg.header, &info, &err));
  assert_int_equal(info.schema->n_fields, 0);
  assert_null(info.schema->metadata);
  qv__ipc_schema_info_free(&info);
  qv_metadata_free(md);
  qv_schema_release(schema);
  qv__fb_builder_free(&b);
}

/* A canonical extension name over the wrong storage keeps the storage type
 * and the metadata keys: nothing is lost, nothing fails. */
static void test_extension_with_wrong_storage_is_kept_as_storage(void **state) {
  (void)state;
  qv_metadata *md = NULL;
  qv_field *f = NULL;
  qv_schema *s = NULL;
  qv_fb_builder b;
  const uint8_t *data;
  size_t len;
  qv_ipc_schema_info info;
  OKB(qv_metadata_new(&md, NULL));
  OKB(qv_metadata_append(md, QV_IPC_EXTENSION_NAME_KEY, -1, "arrow.uuid", -1, NULL));
  OKB(qv_metadata_append(md, QV_IPC_EXTENSION_METADATA_KEY, -1, "", 0, NULL));
  OKB(qv_field_new("not_uuid", qv_type_int32(), true, md, &f, NULL));
  OKB(qv_schema_new(&f, 1, NULL, &s, NULL));
  qv__fb_builder_init(&b);
  OKB(qv__ipc_schema_message_encode(&b, s, NULL, 0, &data, &len, NULL));
  decode_schema_message(data, len, &info);
  assert_int_equal(info.schema->fields[0]->type->id, QV_TYPE_INT32);
  assert_true(qv_metadata_equals(info.schema->fields[0]->metadata, md));
  qv__ipc_schema_info_free(&info);
  qv__fb_builder_free(&b);
  qv_schema_release(s);
  qv_field_release(f);
  qv_metadata_free(md);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_schema_roundtrip_all_types),
      cmocka_unit_test(test_batch_roundtrip),
      cmocka_unit_test(test_batch_encode_allocates_nothing_when_warm),
      cmocka_unit_test(test_footer_roundtrip),
      cmocka_unit_test(test_gold_metadata),
      cmocka_unit_test(test_gold_extension_and_dictionary),
      cmocka_unit_test(test_message_custom_metadata),
      cmocka_unit_test(test_extension_with_wrong_storage_is_kept_as_storage),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
