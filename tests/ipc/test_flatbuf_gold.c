/* Tests of the FlatBuffers verifier and reader against real Arrow IPC files
 * from apache/arrow-testing (written by Arrow C++ and others): the Schema of
 * cpp-21.0.0/generated_primitive.stream read field by field, and every
 * message and footer of every gold .stream/.arrow_file verified and walked.
 *
 * Data location: $QV_ARROW_TESTING, else ../shared/arrow-testing relative to
 * the working directory (ctest runs from the repo root). When the folder is
 * missing the tests fail (support/arrow_testing.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <sys/stat.h>

#include "ipc/test_flatbuf_util.h"
#include "support/arrow_testing.h"

static bool dir_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The integration data folder; fails the test when it is missing. */
static const char *integration_dir(char *out, size_t cap) {
  snprintf(out, cap, "%s/data/arrow-ipc-stream/integration",
           qvt_arrow_testing_require("data/arrow-ipc-stream/integration"));
  return out;
}

static uint8_t *read_file(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) fail_msg("cannot open %s", path);
  assert_int_equal(fseek(f, 0, SEEK_END), 0);
  long sz = ftell(f);
  assert_true(sz >= 0);
  assert_int_equal(fseek(f, 0, SEEK_SET), 0);
  uint8_t *buf = malloc((size_t)sz + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)sz, f), (size_t)sz);
  fclose(f);
  *n = (size_t)sz;
  return buf;
}

/* Verifies one Message flatbuffer through an exact-size heap copy, walks it,
 * and returns its bodyLength. */
static int64_t verify_message(const char *path, size_t at, const uint8_t *p, size_t len) {
  qv_error err;
  qv_fb_table msg, hdr;
  uint8_t *copy = tf_dup(p, len);
  if (qv__fb_verify_message(copy, len, &msg, &err) != QV_OK) {
    fail_msg("%s: message at byte %zu: %s", path, at, err.message);
  }
  tf_walk_table(&msg, &qv__fb_desc_message);
  uint8_t tag = qv_fb_table_get_union(&msg, FB_MESSAGE_HEADER_TYPE, &hdr);
  assert_true(tag >= FB_HEADER_SCHEMA && tag <= FB_HEADER_RECORD_BATCH);
  int64_t body = qv_fb_table_get_int64(&msg, FB_MESSAGE_BODY_LENGTH, 0);
  free(copy);
  return body;
}

/* Walks the encapsulated messages of a stream (both the current framing
 * with 0xFFFFFFFF and the pre-0.15 one without). Returns the count. */
static int verify_stream(const char *path, const uint8_t *buf, size_t n) {
  size_t pos = 0;
  int count = 0;
  while (pos + 4 <= n) {
    uint32_t c = qv_fb_load_u32(buf + pos);
    int32_t mlen;
    size_t at = pos;
    if (c == 0xffffffffu) {
      assert_true(pos + 8 <= n);
      mlen = qv_fb_load_i32(buf + pos + 4);
      pos += 8;
    } else {
      mlen = (int32_t)c;
      pos += 4;
    }
    if (mlen == 0) break; /* end of stream */
    assert_true(mlen > 0 && (size_t)mlen <= n - pos);
    int64_t body = verify_message(path, at, buf + pos, (size_t)mlen);
    assert_true(body >= 0 && (uint64_t)body <= n - pos - (size_t)mlen);
    pos += (size_t)mlen + (size_t)body;
    count++;
  }
  assert_true(count >= 1);
  return count;
}

static int verify_blocks(const char *path, const uint8_t *buf, size_t n, const qv_fb_vector *v) {
  for (uint32_t i = 0; i < qv_fb_vector_len(v); i++) {
    const uint8_t *b = qv_fb_vector_get_struct(v, i, FB_BLOCK_SIZE);
    int64_t off = qv_fb_load_i64(b + FB_BLOCK_OFFSET);
    int32_t mlen = qv_fb_load_i32(b + FB_BLOCK_META_DATA_LENGTH);
    assert_true(off >= 8 && mlen >= 8 && (uint64_t)off + (uint64_t)mlen <= n);
    size_t skip = qv_fb_load_u32(buf + off) == 0xffffffffu ? 8 : 4;
    verify_message(path, (size_t)off, buf + off + skip, (size_t)mlen - skip);
  }
  return (int)qv_fb_vector_len(v);
}

static int verify_file(const char *path, const uint8_t *buf, size_t n) {
  qv_error err;
  qv_fb_table footer, schema;
  qv_fb_vector v;
  assert_true(n >= 18);
  assert_memory_equal(buf, "ARROW1", 6);
  assert_memory_equal(buf + n - 6, "ARROW1", 6);
  int32_t flen = qv_fb_load_i32(buf + n - 10);
  assert_true(flen > 0 && (size_t)flen <= n - 18);
  uint8_t *copy = tf_dup(buf + n - 10 - flen, (size_t)flen);
  if (qv__fb_verify_footer(copy, (size_t)flen, &footer, &err) != QV_OK) {
    fail_msg("%s: footer: %s", path, err.message);
  }
  tf_walk_table(&footer, &qv__fb_desc_footer);
  assert_true(qv_fb_table_get_table(&footer, FB_FOOTER_SCHEMA, &schema));
  int count = 1;
  qv_fb_table_get_vector(&footer, FB_FOOTER_DICTIONARIES, &v);
  count += verify_blocks(path, buf, n, &v);
  qv_fb_table_get_vector(&footer, FB_FOOTER_RECORD_BATCHES, &v);
  count += verify_blocks(path, buf, n, &v);
  free(copy);
  return count;
}

static bool ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void test_gold_primitive_schema(void **state) {
  (void)state;
  char dir[1024], path[1280];
  size_t n;
  qv_error err;
  qv_fb_table msg, schema, f, ty;
  qv_fb_vector fields;
  const char *s;
  size_t sn;
  integration_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/cpp-21.0.0/generated_primitive.stream", dir);
  uint8_t *buf = read_file(path, &n);
  assert_true(n >= 8);
  assert_int_equal(qv_fb_load_u32(buf), 0xffffffffu);
  int32_t mlen = qv_fb_load_i32(buf + 4);
  assert_true(mlen > 0 && (size_t)mlen <= n - 8);
  uint8_t *meta = tf_dup(buf + 8, (size_t)mlen);
  if (qv__fb_verify_message(meta, (size_t)mlen, &msg, &err) != QV_OK) fail_msg("%s", err.message);
  assert_int_equal(qv_fb_table_get_int16(&msg, FB_MESSAGE_VERSION, 0), FB_METADATA_V5);
  assert_int_equal(qv_fb_table_get_union(&msg, FB_MESSAGE_HEADER_TYPE, &schema), FB_HEADER_SCHEMA);
  assert_int_equal(qv_fb_table_get_int64(&msg, FB_MESSAGE_BODY_LENGTH, 0), 0);
  assert_int_equal(qv_fb_table_get_int16(&schema, FB_SCHEMA_ENDIANNESS, 0), FB_ENDIANNESS_LITTLE);

  /* From `zcat generated_primitive.json.gz`: bool, int8..int64,
   * uint8..uint64, float32, float64, each nullable then non-nullable. */
  static const struct {
    const char *name;
    uint8_t tag;
    int bits;       /* Int bitWidth / FloatingPoint precision */
    bool is_signed; /* Int only */
  } want[] = {
      {"bool", FB_TYPE_BOOL, 0, false},          {"int8", FB_TYPE_INT, 8, true},
      {"int16", FB_TYPE_INT, 16, true},          {"int32", FB_TYPE_INT, 32, true},
      {"int64", FB_TYPE_INT, 64, true},          {"uint8", FB_TYPE_INT, 8, false},
      {"uint16", FB_TYPE_INT, 16, false},        {"uint32", FB_TYPE_INT, 32, false},
      {"uint64", FB_TYPE_INT, 64, false},        {"float32", FB_TYPE_FLOATING_POINT, FB_PRECISION_SINGLE, false},
      {"float64", FB_TYPE_FLOATING_POINT, FB_PRECISION_DOUBLE, false},
  };
  const size_t nwant = sizeof want / sizeof want[0];
  assert_true(qv_fb_table_get_vector(&schema, FB_SCHEMA_FIELDS, &fields));
  assert_int_equal(qv_fb_vector_len(&fields), 2 * nwant);
  for (uint32_t i = 0; i < qv_fb_vector_len(&fields); i++) {
    char name[64];
    bool nullable = i % 2 == 0;
    snprintf(name, sizeof name, "%s_%s", want[i / 2].name, nullable ? "nullable" : "nonnullable");
    assert_true(qv_fb_vector_get_table(&fields, i, &f));
    assert_true(qv_fb_table_get_string(&f, FB_FIELD_NAME, &s, &sn));
    assert_true(qv__fb_string_eq(s, sn, name));
    assert_int_equal(qv_fb_table_get_bool(&f, FB_FIELD_NULLABLE, false), nullable);
    assert_int_equal(qv_fb_table_get_union(&f, FB_FIELD_TYPE_TYPE, &ty), want[i / 2].tag);
    if (want[i / 2].tag == FB_TYPE_INT) {
      assert_int_equal(qv_fb_table_get_int32(&ty, FB_INT_BIT_WIDTH, 0), want[i / 2].bits);
      assert_int_equal(qv_fb_table_get_bool(&ty, FB_INT_IS_SIGNED, false), want[i / 2].is_signed);
    } else if (want[i / 2].tag == FB_TYPE_FLOATING_POINT) {
      assert_int_equal(qv_fb_table_get_int16(&ty, FB_FLOATING_POINT_PRECISION, 0), want[i / 2].bits);
    }
    assert_false(qv_fb_table_has(&f, FB_FIELD_DICTIONARY));
    qv_fb_vector kids;
    qv_fb_table_get_vector(&f, FB_FIELD_CHILDREN, &kids);
    assert_int_equal(qv_fb_vector_len(&kids), 0);
  }
  free(meta);
  free(buf);
}

/* Every message of every gold stream and file verifies and walks cleanly:
 * the verifier's strictness (alignment, union consistency, vtable bounds)
 * must not reject what real writers produce. */
static void test_gold_all_files_verify(void **state) {
  (void)state;
  char dir[1024], sub[1280], path[1600];
  integration_dir(dir, sizeof dir);
  DIR *top = opendir(dir);
  assert_non_null(top);
  int files = 0, messages = 0;
  struct dirent *e;
  while ((e = readdir(top)) != NULL) {
    if (e->d_name[0] == '.') continue;
    snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
    if (!dir_exists(sub)) continue;
    DIR *d = opendir(sub);
    assert_non_null(d);
    struct dirent *fe;
    while ((fe = readdir(d)) != NULL) {
      bool stream = ends_with(fe->d_name, ".stream");
      bool file = ends_with(fe->d_name, ".arrow_file");
      if (!stream && !file) continue;
      snprintf(path, sizeof path, "%s/%s", sub, fe->d_name);
      size_t n;
      uint8_t *buf = read_file(path, &n);
      messages += stream ? verify_stream(path, buf, n) : verify_file(path, buf, n);
      files++;
      free(buf);
    }
    closedir(d);
  }
  closedir(top);
  print_message("verified %d messages/footers in %d gold files\n", messages, files);
  assert_true(files >= 100);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gold_primitive_schema),
      cmocka_unit_test(test_gold_all_files_verify),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
