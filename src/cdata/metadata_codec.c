/* C Data Interface binary metadata: encode and decode.
 *
 * Layout (native endianness): int32 n, then n times {int32 key_len, key
 * bytes, int32 value_len, value bytes}; no terminator, no padding. Absent
 * metadata is a NULL pointer, never an empty encoding, so an empty set
 * encodes to 0 bytes and the exporter stores NULL. Integers are read and
 * written with memcpy: producers need not align the string.
 *
 * The encoding carries no total length, so the decoder cannot bound its
 * reads; it trusts the producer for that (the spec does) but rejects negative
 * counts and lengths and sizes that overflow int32.
 */
#include <string.h>

#include "cdata/internal.h"

/* With an extension to encode, the field's own copies of the two extension
 * keys (if any) are dropped so the type's values are the only ones. */
static bool skip_pair(const qv_kv *kv, const char *ext_name) {
  return ext_name != NULL && (strcmp(kv->key, QV_CDATA_EXT_NAME) == 0 || strcmp(kv->key, QV_CDATA_EXT_METADATA) == 0);
}

static int64_t pairs_size(const qv_metadata *md, const char *ext_name, int64_t *count) {
  int64_t size = 0;
  *count = 0;
  if (md != NULL)
    for (int64_t i = 0; i < md->n; i++) {
      if (skip_pair(&md->pairs[i], ext_name)) continue;
      size += 8 + (int64_t)md->pairs[i].key_len + md->pairs[i].value_len;
      (*count)++;
    }
  return size;
}

int64_t qv__cdata_metadata_size_ext(const qv_metadata *md, const char *ext_name, const char *ext_md,
                                   int32_t ext_md_len) {
  int64_t count;
  int64_t size = pairs_size(md, ext_name, &count);
  if (ext_name != NULL)
    size += 16 + (int64_t)strlen(QV_CDATA_EXT_NAME) + (int64_t)strlen(ext_name) +
            (int64_t)strlen(QV_CDATA_EXT_METADATA) + (ext_md != NULL ? ext_md_len : 0);
  return size == 0 ? 0 : size + 4;
}

static char *put_i32(char *dst, int32_t v) {
  memcpy(dst, &v, 4);
  return dst + 4;
}

static char *put_bytes(char *dst, const char *src, int32_t len) {
  dst = put_i32(dst, len);
  if (len > 0) memcpy(dst, src, (size_t)len);
  return dst + len;
}

void qv__cdata_metadata_write_ext(const qv_metadata *md, const char *ext_name, const char *ext_md,
                                 int32_t ext_md_len, char *dst) {
  int64_t count;
  pairs_size(md, ext_name, &count);
  dst = put_i32(dst, (int32_t)(count + (ext_name != NULL ? 2 : 0)));
  if (md != NULL) {
    for (int64_t i = 0; i < md->n; i++) {
      if (skip_pair(&md->pairs[i], ext_name)) continue;
      dst = put_bytes(dst, md->pairs[i].key, md->pairs[i].key_len);
      dst = put_bytes(dst, md->pairs[i].value, md->pairs[i].value_len);
    }
  }
  if (ext_name != NULL) {
    dst = put_bytes(dst, QV_CDATA_EXT_NAME, (int32_t)strlen(QV_CDATA_EXT_NAME));
    dst = put_bytes(dst, ext_name, (int32_t)strlen(ext_name));
    dst = put_bytes(dst, QV_CDATA_EXT_METADATA, (int32_t)strlen(QV_CDATA_EXT_METADATA));
    dst = put_bytes(dst, ext_md, ext_md != NULL ? ext_md_len : 0);
  }
}

QV_API int64_t qv_cdata_metadata_encode(const qv_metadata *md, char *buf, size_t cap) {
  int64_t size = qv__cdata_metadata_size_ext(md, NULL, NULL, 0);
  if (size > 0 && buf != NULL && (uint64_t)size <= (uint64_t)cap) qv__cdata_metadata_write_ext(md, NULL, NULL, 0, buf);
  return size;
}

static int32_t get_i32(const char *p) {
  int32_t v;
  memcpy(&v, p, 4);
  return v;
}

static bool key_is(const char *key, int32_t len, const char *want) {
  return (size_t)len == strlen(want) && memcmp(key, want, (size_t)len) == 0;
}

qv_status qv__cdata_metadata_decode_ext(const char *bytes, bool split_extension, qv_metadata **out,
                                       const char **ext_name, int32_t *ext_name_len, const char **ext_md,
                                       int32_t *ext_md_len, qv_error *err) {
  qv_status st = QV_OK;
  qv_metadata *md = NULL;
  *out = NULL;
  if (ext_name != NULL) *ext_name = NULL, *ext_name_len = 0;
  if (ext_md != NULL) *ext_md = NULL, *ext_md_len = 0;
  if (bytes == NULL) return QV_OK;

  int32_t n = get_i32(bytes);
  if (n < 0) return qv_error_set(err, QV_ERR_INVALID_DATA, "metadata: negative pair count %d", n);
  /* First pass: check lengths and find the extension keys. */
  const char *p = bytes + 4;
  bool has_ext = false;
  int32_t n_ext_keys = 0; /* every ARROW:extension:* pair, duplicates included */
  for (int32_t i = 0; i < n; i++) {
    int32_t klen = get_i32(p);
    if (klen < 0) return qv_error_set(err, QV_ERR_INVALID_DATA, "metadata: pair %d has negative key length %d", i, klen);
    const char *key = p + 4;
    p = key + klen;
    int32_t vlen = get_i32(p);
    if (vlen < 0)
      return qv_error_set(err, QV_ERR_INVALID_DATA, "metadata: pair %d has negative value length %d", i, vlen);
    if (split_extension && (key_is(key, klen, QV_CDATA_EXT_NAME) || key_is(key, klen, QV_CDATA_EXT_METADATA)))
      n_ext_keys++;
    if (split_extension && key_is(key, klen, QV_CDATA_EXT_NAME) && !has_ext) {
      has_ext = true;
      *ext_name = p + 4;
      *ext_name_len = vlen;
    } else if (split_extension && key_is(key, klen, QV_CDATA_EXT_METADATA) && *ext_md == NULL) {
      *ext_md = p + 4;
      *ext_md_len = vlen;
    }
    p += 4 + (int64_t)vlen;
  }
  if (!has_ext && ext_md != NULL) *ext_md = NULL, *ext_md_len = 0; /* metadata without a name stays plain */
  /* With an extension, the first name and metadata define it and every copy
   * of either key leaves the field metadata: export writes exactly one of
   * each, so a field survives export + import unchanged (fuzz OPEN-1). */
  int32_t kept = has_ext ? n - n_ext_keys : n;
  if (kept == 0) return QV_OK;

  st = qv_metadata_new(&md, err);
  if (st != QV_OK) goto cleanup;
  p = bytes + 4;
  for (int32_t i = 0; i < n; i++) {
    int32_t klen = get_i32(p);
    const char *key = p + 4;
    p = key + klen;
    int32_t vlen = get_i32(p);
    const char *value = p + 4;
    p = value + vlen;
    if (has_ext && (key_is(key, klen, QV_CDATA_EXT_NAME) || key_is(key, klen, QV_CDATA_EXT_METADATA))) continue;
    st = qv_metadata_append(md, key, klen, value, vlen, err);
    if (st != QV_OK) goto cleanup;
  }
  *out = md;
  md = NULL;
cleanup:
  qv_metadata_free(md);
  return st;
}

QV_API qv_status qv_cdata_metadata_decode(const char *bytes, qv_metadata **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_cdata_metadata_decode: out is NULL");
  return qv__cdata_metadata_decode_ext(bytes, false, out, NULL, NULL, NULL, NULL, err);
}
