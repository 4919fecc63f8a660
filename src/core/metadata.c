/* quiver core: key-value metadata.
 *
 * Pairs are kept in insertion order in a growable array; every key and value
 * is a malloc'd copy with a trailing NUL (values may hold binary bytes, so
 * the explicit lengths are authoritative). Lengths are int32 because that is
 * what the C Data Interface and IPC can carry.
 */
#include "core/internal.h"

qv_status qv_metadata_new(qv_metadata **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_metadata_new: out is NULL");
  *out = (qv_metadata *)qv__calloc(1, sizeof(qv_metadata));
  QV_CHECK_ALLOC(*out, err);
  return QV_OK;
}

qv_status qv_metadata_append(qv_metadata *md, const char *key, int32_t key_len, const char *value,
                             int32_t value_len, qv_error *err) {
  if (md == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_metadata_append: metadata is NULL");
  if (key_len < 0) {
    size_t n = key ? strlen(key) : 0;
    if (n > INT32_MAX) return qv_error_set(err, QV_ERR_LIMIT, "metadata key longer than 2^31-1 bytes");
    key_len = (int32_t)n;
  }
  if (value_len < 0) {
    size_t n = value ? strlen(value) : 0;
    if (n > INT32_MAX) return qv_error_set(err, QV_ERR_LIMIT, "metadata value longer than 2^31-1 bytes");
    value_len = (int32_t)n;
  }
  if ((key == NULL && key_len > 0) || (value == NULL && value_len > 0))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_metadata_append: NULL %s with length %d",
                        key == NULL ? "key" : "value", key == NULL ? key_len : value_len);
  if (md->n == md->cap_) {
    int64_t cap = md->cap_ ? md->cap_ * 2 : 4;
    qv_kv *p = (qv_kv *)qv__realloc(md->pairs, (size_t)cap * sizeof(qv_kv));
    QV_CHECK_ALLOC(p, err);
    md->pairs = p;
    md->cap_ = cap;
  }
  char *k = qv__strndup(key, (size_t)key_len);
  char *v = qv__strndup(value, (size_t)value_len);
  if (k == NULL || v == NULL) {
    free(k);
    free(v);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory copying a metadata pair");
  }
  md->pairs[md->n].key = k;
  md->pairs[md->n].key_len = key_len;
  md->pairs[md->n].value = v;
  md->pairs[md->n].value_len = value_len;
  md->n++;
  return QV_OK;
}

qv_status qv_metadata_copy(const qv_metadata *md, qv_metadata **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_metadata_copy: out is NULL");
  *out = NULL;
  if (md == NULL) return QV_OK;
  qv_metadata *copy = NULL;
  QV_RETURN_IF_ERROR(qv_metadata_new(&copy, err));
  for (int64_t i = 0; i < md->n; i++) {
    qv_status st = qv_metadata_append(copy, md->pairs[i].key, md->pairs[i].key_len, md->pairs[i].value,
                                      md->pairs[i].value_len, err);
    if (st != QV_OK) {
      qv_metadata_free(copy);
      return st;
    }
  }
  *out = copy;
  return QV_OK;
}

void qv_metadata_free(qv_metadata *md) {
  if (md == NULL) return;
  for (int64_t i = 0; i < md->n; i++) {
    free(md->pairs[i].key);
    free(md->pairs[i].value);
  }
  free(md->pairs);
  free(md);
}

const qv_kv *qv_metadata_find(const qv_metadata *md, const char *key) {
  if (md == NULL || key == NULL) return NULL;
  size_t n = strlen(key);
  for (int64_t i = 0; i < md->n; i++)
    if ((size_t)md->pairs[i].key_len == n && memcmp(md->pairs[i].key, key, n) == 0) return &md->pairs[i];
  return NULL;
}

bool qv_metadata_equals(const qv_metadata *a, const qv_metadata *b) {
  int64_t na = a ? a->n : 0, nb = b ? b->n : 0;
  if (na != nb) return false;
  for (int64_t i = 0; i < na; i++) {
    const qv_kv *x = &a->pairs[i], *y = &b->pairs[i];
    if (x->key_len != y->key_len || x->value_len != y->value_len) return false;
    if (memcmp(x->key, y->key, (size_t)x->key_len) != 0) return false;
    if (memcmp(x->value, y->value, (size_t)x->value_len) != 0) return false;
  }
  return true;
}

/* Appends n bytes, a NUL byte as the four characters \x00: keys and values
 * may hold NULs (IPC and C Data carry lengths), and the text must stay one
 * C string (found by fuzzing: a to_string whose strlen was not its length). */
static void append_bytes(qv_strbuf *sb, const char *s, size_t n) {
  size_t start = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] != '\0') continue;
    qv__strbuf_append_n(sb, s + start, i - start);
    qv__strbuf_append(sb, "\\x00");
    start = i + 1;
  }
  qv__strbuf_append_n(sb, s + start, n - start);
}

/* pyarrow's pretty printer: a value is cut to max(10, 70 - indent - key_len)
 * bytes (when that budget is not negative) and the line shows
 * "' + <remaining>"; a line still longer than 100 bytes is cut at 100 with
 * " (... N chars omitted)". */
void qv__metadata_append(qv_strbuf *sb, const qv_metadata *md, int indent) {
  if (md == NULL) return;
  for (int64_t i = 0; i < md->n; i++) {
    const qv_kv *kv = &md->pairs[i];
    qv_strbuf line;
    qv__strbuf_init(&line);
    append_bytes(&line, kv->key, (size_t)kv->key_len);
    qv__strbuf_append(&line, ": '");
    int64_t budget = 70 - (int64_t)indent - kv->key_len;
    if (budget >= 0 && budget < 10) budget = 10;
    if (budget >= 0 && kv->value_len > budget) {
      append_bytes(&line, kv->value, (size_t)budget);
      qv__strbuf_appendf(&line, "' + %lld", (long long)(kv->value_len - budget));
    } else {
      append_bytes(&line, kv->value, (size_t)kv->value_len);
      qv__strbuf_appendc(&line, '\'');
    }
    qv__strbuf_appendc(sb, '\n');
    qv__strbuf_append_repeat(sb, ' ', (size_t)indent);
    if (line.oom) {
      sb->oom = sb->oom || !sb->fixed;
    } else if (line.len > 100) {
      qv__strbuf_append_n(sb, line.data, 100);
      qv__strbuf_appendf(sb, " (... %zu chars omitted)", line.len - 100);
    } else {
      qv__strbuf_append_n(sb, qv__strbuf_cstr(&line), line.len);
    }
    qv__strbuf_free(&line);
  }
}
