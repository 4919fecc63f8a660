/* quiver json: reading a whole JSON integration file.
 *
 * Entry points (qv_json_read_*), gzip detection and inflation (zlib), the
 * jansson parse, and the reader context: the JSON path kept for messages,
 * the member/integer accessors every decoder uses, and the dictionary
 * registry. Order of work: schema (which registers every dictionary id with
 * its field and type), then the "dictionaries" section is matched to the
 * registry, then batches are decoded column by column; a dictionary's values
 * are decoded the first time a column (or another dictionary) needs them,
 * and every remaining one at the end, so the result lists each entry of the
 * section. Every column and dictionary is validated structurally before it
 * is handed out. The json_t tree is freed before returning: results hold
 * only quiver objects.
 */
#include <errno.h>
#include <zlib.h>

#include "json/internal.h"
#include "quiver/validate.h"

/* ------------------------------------------------------------------ */
/* Context: path, errors, accessors                                    */
/* ------------------------------------------------------------------ */

static size_t path_append(qv_json_rctx *c, const char *fmt, ...) QV_PRINTF(2, 3);
static size_t path_append(qv_json_rctx *c, const char *fmt, ...) {
  size_t saved = c->path_len;
  if (c->path_len + 1 < sizeof c->path) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(c->path + c->path_len, sizeof c->path - c->path_len, fmt, ap);
    va_end(ap);
    if (n > 0) c->path_len += (size_t)n;
    if (c->path_len >= sizeof c->path) c->path_len = sizeof c->path - 1;
  }
  return saved;
}

size_t qv__json_path_key(qv_json_rctx *c, const char *key) {
  return c->path_len == 0 ? path_append(c, "%s", key) : path_append(c, ".%s", key);
}

size_t qv__json_path_index(qv_json_rctx *c, int64_t index) { return path_append(c, "[%lld]", (long long)index); }

qv_status qv__json_fail(qv_json_rctx *c, qv_status code, const char *fmt, ...) {
  char msg[QV_ERROR_MESSAGE_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (c->path_len == 0) return qv_error_set(c->err, code, "%s", msg);
  return qv_error_set(c->err, code, "%s: %s", c->path, msg);
}

qv_status qv__json_wrap(qv_json_rctx *c, qv_status st) {
  if (st == QV_OK) return st;
  /* A constructor refusing parameters means the file described a bad type. */
  if (st == QV_ERR_INVALID_ARGUMENT || st == QV_ERR_TYPE) st = QV_ERR_INVALID_DATA;
  if (c->err != NULL) {
    c->err->code = st;
    if (c->path_len > 0) qv_error_prefix(c->err, "%s: ", c->path);
  }
  return st;
}

const char *qv__json_kind(const json_t *v) {
  switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a real number";
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    default: return "null";
  }
}

static const char *kind_name(json_type t) {
  switch (t) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "a value";
  }
}

qv_status qv__json_member(qv_json_rctx *c, const json_t *obj, const char *key, json_type kind, bool required,
                         const json_t **out) {
  const json_t *v = json_object_get(obj, key);
  *out = NULL;
  if (v == NULL) {
    if (!required) return QV_OK;
    return qv__json_fail(c, QV_ERR_INVALID_DATA, "missing member \"%s\"", key);
  }
  bool ok = json_typeof(v) == kind || (kind == JSON_TRUE && json_is_boolean(v)) ||
            (kind == JSON_NULL); /* JSON_NULL: any kind */
  if (!ok) {
    size_t saved = qv__json_path_key(c, key);
    qv_status st = qv__json_fail(c, QV_ERR_INVALID_DATA, "expected %s, found %s", kind_name(kind), qv__json_kind(v));
    qv_json_path_pop(c, saved);
    return st;
  }
  *out = v;
  return QV_OK;
}

static qv_status bad_digits(qv_json_rctx *c, const json_t *v, int rc, const char *range) {
  const char *s = json_string_value(v);
  int n = (int)(json_string_length(v) > 40 ? 40 : json_string_length(v));
  if (rc == -1) return qv__json_fail(c, QV_ERR_INVALID_DATA, "expected a string of digits, found \"%.*s\"", n, s);
  return qv__json_fail(c, QV_ERR_INVALID_DATA, "value \"%.*s\" out of range %s", n, s, range);
}

qv_status qv__json_get_int(qv_json_rctx *c, const json_t *v, int64_t min, int64_t max, int64_t *out) {
  int64_t x;
  if (json_is_integer(v)) {
    x = (int64_t)json_integer_value(v);
  } else if (json_is_string(v)) {
    int rc = qv__json_parse_i64(json_string_value(v), json_string_length(v), &x);
    if (rc != 0) {
      char range[64];
      snprintf(range, sizeof range, "[%lld, %lld]", (long long)min, (long long)max);
      return bad_digits(c, v, rc, range);
    }
  } else {
    return qv__json_fail(c, QV_ERR_INVALID_DATA, "expected an integer or a string of digits, found %s",
                        qv__json_kind(v));
  }
  if (x < min || x > max) {
    return qv__json_fail(c, QV_ERR_INVALID_DATA, "value %lld out of range [%lld, %lld]", (long long)x,
                        (long long)min, (long long)max);
  }
  *out = x;
  return QV_OK;
}

qv_status qv__json_get_uint64(qv_json_rctx *c, const json_t *v, uint64_t *out) {
  if (json_is_integer(v)) {
    json_int_t x = json_integer_value(v);
    if (x < 0) return qv__json_fail(c, QV_ERR_INVALID_DATA, "value %lld out of range for uint64", (long long)x);
    *out = (uint64_t)x;
    return QV_OK;
  }
  if (json_is_string(v)) {
    int rc = qv__json_parse_u64(json_string_value(v), json_string_length(v), out);
    return rc == 0 ? QV_OK : bad_digits(c, v, rc, "for uint64");
  }
  return qv__json_fail(c, QV_ERR_INVALID_DATA, "expected an integer or a string of digits, found %s",
                      qv__json_kind(v));
}

/* ------------------------------------------------------------------ */
/* Dictionary registry                                                 */
/* ------------------------------------------------------------------ */

qv_json_dict_entry *qv__json_dict_find(qv_json_rctx *c, int64_t id) {
  for (int64_t i = 0; i < c->n_dicts; i++) {
    if (c->dicts[i].id == id) return &c->dicts[i];
  }
  return NULL;
}

qv_status qv__json_dict_register(qv_json_rctx *c, int64_t id, const json_t *jfield, qv_type *dict_type) {
  qv_json_dict_entry *e = qv__json_dict_find(c, id);
  if (e != NULL) {
    /* A shared dictionary: every user must agree on the value type. */
    if (!qv_type_equals(e->dict_type->value_type, dict_type->value_type, false)) {
      char a[256], b[256];
      qv_type_format(e->dict_type->value_type, a, sizeof a);
      qv_type_format(dict_type->value_type, b, sizeof b);
      return qv__json_fail(c, QV_ERR_INVALID_DATA, "dictionary id %lld is used with value type %s and %s",
                          (long long)id, a, b);
    }
    return QV_OK;
  }
  if (c->n_dicts == c->dict_cap) {
    int64_t cap = c->dict_cap ? c->dict_cap * 2 : 8;
    qv_json_dict_entry *p = qv__realloc(c->dicts, (size_t)cap * sizeof *p);
    QV_CHECK_ALLOC(p, c->err);
    c->dicts = p;
    c->dict_cap = cap;
  }
  c->dicts[c->n_dicts++] = (qv_json_dict_entry){id, jfield, dict_type, NULL, -1, QV_JSON_DICT_PENDING, NULL};
  return QV_OK;
}

/* Decodes entry e from its "dictionaries" item; the path is reset to it. */
static qv_status decode_dict(qv_json_rctx *c, qv_json_dict_entry *e) {
  qv_status st = QV_OK;
  char saved_path[QV_JSON_PATH_MAX];
  size_t saved_len = c->path_len;
  memcpy(saved_path, c->path, saved_len + 1);
  c->path_len = 0;
  c->path[0] = '\0';
  qv__json_path_key(c, "dictionaries");
  qv__json_path_index(c, e->jdict_index);

  const json_t *data, *count, *cols;
  int64_t n = 0;
  e->state = QV_JSON_DICT_DECODING;
  QV_GOTO_IF_ERROR(st, qv__json_member(c, e->jdict, "data", JSON_NULL, true, &data), done);
  qv__json_path_key(c, "data");
  /* Integration.rst shows "data": [RecordBatch]; every writer emits the object itself. */
  if (json_is_array(data) && json_array_size(data) == 1) {
    qv__json_path_index(c, 0);
    data = json_array_get(data, 0);
  }
  if (!json_is_object(data)) {
    st = qv__json_fail(c, QV_ERR_INVALID_DATA, "expected a RecordBatch object, found %s", qv__json_kind(data));
    goto done;
  }
  QV_GOTO_IF_ERROR(st, qv__json_member(c, data, "count", JSON_INTEGER, true, &count), done);
  QV_GOTO_IF_ERROR(st, qv__json_member(c, data, "columns", JSON_ARRAY, true, &cols), done);
  if (json_array_size(cols) != 1) {
    size_t k = qv__json_path_key(c, "columns");
    st = qv__json_fail(c, QV_ERR_INVALID_DATA, "expected 1 column, found %zu", json_array_size(cols));
    qv_json_path_pop(c, k);
    goto done;
  }
  qv__json_path_key(c, "columns");
  qv__json_path_index(c, 0);
  QV_GOTO_IF_ERROR(st, qv__json_read_column(c, e->dict_type->value_type, e->jfield, json_array_get(cols, 0), 0,
                                           &e->values),
                   done);
  n = (int64_t)json_integer_value(count);
  if (e->values->length != n) {
    st = qv__json_fail(c, QV_ERR_INVALID_DATA, "count %lld differs from the dictionary's count %lld",
                      (long long)e->values->length, (long long)n);
    goto done;
  }
  st = qv__json_wrap(c, qv_array_validate(e->values, QV_VALIDATE_STRUCTURE, c->err));
  if (st == QV_OK) e->state = QV_JSON_DICT_DONE;

done:
  if (st != QV_OK) {
    qv_array_release(e->values);
    e->values = NULL;
  }
  memcpy(c->path, saved_path, saved_len + 1);
  c->path_len = saved_len;
  return st;
}

qv_status qv__json_dict_values(qv_json_rctx *c, int64_t id, int64_t count, qv_array **out) {
  qv_json_dict_entry *e = qv__json_dict_find(c, id);
  *out = NULL;
  if (e == NULL) return qv__json_fail(c, QV_ERR_INVALID_DATA, "dictionary id %lld is not in the schema", (long long)id);
  if (e->state == QV_JSON_DICT_DECODING) {
    return qv__json_fail(c, QV_ERR_INVALID_DATA, "dictionary id %lld refers to itself", (long long)id);
  }
  if (e->state == QV_JSON_DICT_PENDING) {
    if (e->jdict == NULL) {
      if (count != 0) {
        return qv__json_fail(c, QV_ERR_INVALID_DATA, "dictionary id %lld is missing from \"dictionaries\"",
                            (long long)id);
      }
      QV_RETURN_IF_ERROR(qv__json_wrap(c, qv_array_new_null(e->dict_type->value_type, 0, &e->values, c->err)));
      e->state = QV_JSON_DICT_DONE;
    } else {
      QV_RETURN_IF_ERROR(decode_dict(c, e));
    }
  }
  *out = e->values;
  return QV_OK;
}

void qv__json_rctx_free(qv_json_rctx *c) {
  for (int64_t i = 0; i < c->n_dicts; i++) qv_array_release(c->dicts[i].values);
  free(c->dicts);
  c->dicts = NULL;
  c->n_dicts = c->dict_cap = 0;
}

/* ------------------------------------------------------------------ */
/* The document                                                        */
/* ------------------------------------------------------------------ */

void qv_json_file_free(qv_json_file *file) {
  if (file == NULL) return;
  for (int64_t i = 0; i < file->n_batches; i++) qv_batch_release(file->batches[i]);
  free(file->batches);
  for (int64_t i = 0; i < file->n_dictionaries; i++) qv_array_release(file->dictionaries[i].values);
  free(file->dictionaries);
  qv_schema_release(file->schema);
  free(file);
}

/* Matches the "dictionaries" section to the registry. */
static qv_status bind_dictionaries(qv_json_rctx *c, const json_t *jdicts) {
  size_t n = json_array_size(jdicts);
  for (size_t i = 0; i < n; i++) {
    const json_t *jd = json_array_get(jdicts, i), *jid;
    size_t saved = qv__json_path_index(c, (int64_t)i);
    qv_status st = QV_OK;
    int64_t id = 0;
    if (!json_is_object(jd)) {
      st = qv__json_fail(c, QV_ERR_INVALID_DATA, "expected an object, found %s", qv__json_kind(jd));
    } else if ((st = qv__json_member(c, jd, "id", JSON_INTEGER, true, &jid)) == QV_OK) {
      id = (int64_t)json_integer_value(jid);
      qv_json_dict_entry *e = qv__json_dict_find(c, id);
      if (e == NULL) {
        st = qv__json_fail(c, QV_ERR_INVALID_DATA, "dictionary id %lld is not used by any field", (long long)id);
      } else if (e->jdict != NULL) {
        st = qv__json_fail(c, QV_ERR_INVALID_DATA, "dictionary id %lld appears twice (first at dictionaries[%lld])",
                          (long long)id, (long long)e->jdict_index);
      } else {
        e->jdict = jd;
        e->jdict_index = (int64_t)i;
      }
    }
    qv_json_path_pop(c, saved);
    if (st != QV_OK) return st;
  }
  return QV_OK;
}

static qv_status read_batch(qv_json_rctx *c, qv_schema *schema, const json_t *jfields, const json_t *jb,
                            qv_batch **out) {
  qv_status st = QV_OK;
  const json_t *jcount, *jcols;
  qv_array **cols = NULL;
  int32_t nf = schema->n_fields;
  if (!json_is_object(jb)) return qv__json_fail(c, QV_ERR_INVALID_DATA, "expected an object, found %s", qv__json_kind(jb));
  QV_RETURN_IF_ERROR(qv__json_member(c, jb, "count", JSON_INTEGER, true, &jcount));
  QV_RETURN_IF_ERROR(qv__json_member(c, jb, "columns", JSON_ARRAY, true, &jcols));
  int64_t count = (int64_t)json_integer_value(jcount);
  if (count < 0) return qv__json_fail(c, QV_ERR_INVALID_DATA, "negative count %lld", (long long)count);
  if (json_array_size(jcols) != (size_t)nf) {
    size_t k = qv__json_path_key(c, "columns");
    st = qv__json_fail(c, QV_ERR_INVALID_DATA, "expected %d columns (one per schema field), found %zu", nf,
                      json_array_size(jcols));
    qv_json_path_pop(c, k);
    return st;
  }
  cols = qv__calloc((size_t)nf, sizeof *cols);
  QV_CHECK_ALLOC(cols, c->err);
  size_t saved = qv__json_path_key(c, "columns");
  for (int32_t i = 0; i < nf; i++) {
    size_t k = qv__json_path_index(c, i);
    QV_GOTO_IF_ERROR(st, qv__json_read_column(c, schema->fields[i]->type, json_array_get(jfields, (size_t)i),
                                             json_array_get(jcols, (size_t)i), 0, &cols[i]),
                     cleanup);
    if (cols[i]->length != count) {
      st = qv__json_fail(c, QV_ERR_INVALID_DATA, "count %lld differs from the batch count %lld",
                        (long long)cols[i]->length, (long long)count);
      goto cleanup;
    }
    QV_GOTO_IF_ERROR(st, qv__json_wrap(c, qv_array_validate(cols[i], QV_VALIDATE_STRUCTURE, c->err)), cleanup);
    qv_json_path_pop(c, k);
  }
  qv_json_path_pop(c, saved);
  st = qv__json_wrap(c, qv_batch_new(schema, count, cols, NULL, out, c->err));
cleanup:
  for (int32_t i = 0; i < nf; i++) qv_array_release(cols[i]);
  free(cols);
  return st;
}

static qv_status read_document(qv_json_rctx *c, const json_t *root, qv_json_file *f) {
  qv_status st = QV_OK;
  const json_t *jschema, *jbatches, *jdicts, *jfields;
  if (!json_is_object(root)) {
    return qv__json_fail(c, QV_ERR_INVALID_DATA, "the document must be an object, found %s", qv__json_kind(root));
  }
  QV_RETURN_IF_ERROR(qv__json_member(c, root, "schema", JSON_OBJECT, true, &jschema));
  QV_RETURN_IF_ERROR(qv__json_member(c, root, "batches", JSON_ARRAY, true, &jbatches));
  QV_RETURN_IF_ERROR(qv__json_member(c, root, "dictionaries", JSON_ARRAY, false, &jdicts));

  size_t saved = qv__json_path_key(c, "schema");
  QV_RETURN_IF_ERROR(qv__json_read_schema(c, jschema, &f->schema));
  qv_json_path_pop(c, saved);
  jfields = json_object_get(jschema, "fields");

  if (jdicts != NULL) {
    saved = qv__json_path_key(c, "dictionaries");
    QV_RETURN_IF_ERROR(bind_dictionaries(c, jdicts));
    qv_json_path_pop(c, saved);
  }

  size_t nb = json_array_size(jbatches);
  f->batches = qv__calloc(nb, sizeof *f->batches);
  QV_CHECK_ALLOC(f->batches, c->err);
  saved = qv__json_path_key(c, "batches");
  for (size_t i = 0; i < nb; i++) {
    size_t k = qv__json_path_index(c, (int64_t)i);
    QV_RETURN_IF_ERROR(read_batch(c, f->schema, jfields, json_array_get(jbatches, i), &f->batches[i]));
    f->n_batches++;
    qv_json_path_pop(c, k);
  }
  qv_json_path_pop(c, saved);

  size_t nd = jdicts ? json_array_size(jdicts) : 0;
  f->dictionaries = qv__calloc(nd, sizeof *f->dictionaries);
  QV_CHECK_ALLOC(f->dictionaries, c->err);
  for (size_t i = 0; i < nd; i++) {
    int64_t id = (int64_t)json_integer_value(json_object_get(json_array_get(jdicts, i), "id"));
    qv_array *values = NULL;
    QV_RETURN_IF_ERROR(qv__json_dict_values(c, id, 0, &values));
    f->dictionaries[i].id = id;
    f->dictionaries[i].values = qv_array_retain(values);
    f->n_dictionaries++;
  }
  return st;
}

/* Inflates a gzip stream (possibly several members) into a malloc'd buffer. */
static qv_status gunzip(const uint8_t *in, size_t n, size_t max, char **out, size_t *out_len, qv_error *err) {
  qv_status st = QV_OK;
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  size_t cap = n < 1024 ? 4096 : n * 4, len = 0;
  char *buf = malloc(cap + 1);
  QV_CHECK_ALLOC(buf, err);
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
    free(buf);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "gzip: inflateInit2 failed");
  }
  zs.next_in = (Bytef *)(uintptr_t)in;
  size_t fed = 0;
  for (;;) {
    if (zs.avail_in == 0 && fed < n) {
      size_t chunk = n - fed > (1u << 30) ? (1u << 30) : n - fed;
      zs.next_in = (Bytef *)(uintptr_t)(in + fed);
      zs.avail_in = (uInt)chunk;
      fed += chunk;
    }
    if (len == cap) {
      if (cap > SIZE_MAX / 2 - 1) QV_FAIL_GOTO(st, cleanup, err, QV_ERR_LIMIT, "gzip: inflated size overflows");
      char *p = realloc(buf, cap * 2 + 1);
      QV_CHECK_ALLOC_GOTO(p, st, err, cleanup);
      buf = p;
      cap *= 2;
    }
    size_t room = cap - len > (1u << 30) ? (1u << 30) : cap - len;
    zs.next_out = (Bytef *)(buf + len);
    zs.avail_out = (uInt)room;
    int rc = inflate(&zs, Z_NO_FLUSH);
    len += room - zs.avail_out;
    if (len > max)
      QV_FAIL_GOTO(st, cleanup, err, QV_ERR_LIMIT,
                   "gzip: the JSON text inflates to more than the limit of %zu bytes (read option max_input_size)",
                   max);
    if (rc == Z_STREAM_END) {
      /* Another gzip member may follow (concatenated files). */
      if (zs.avail_in == 0 && fed == n) break;
      if (inflateReset(&zs) != Z_OK) QV_FAIL_GOTO(st, cleanup, err, QV_ERR_INVALID_DATA, "gzip: cannot reset");
      continue;
    }
    if (rc == Z_BUF_ERROR && zs.avail_in == 0 && fed == n) {
      QV_FAIL_GOTO(st, cleanup, err, QV_ERR_TRUNCATED, "gzip: the compressed data ends early (after %zu bytes)", n);
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      QV_FAIL_GOTO(st, cleanup, err, rc == Z_MEM_ERROR ? QV_ERR_NO_MEMORY : QV_ERR_INVALID_DATA,
                   "gzip: corrupt data near input byte %zu (%s)", (size_t)(fed - zs.avail_in),
                   zs.msg ? zs.msg : "inflate error");
    }
  }
  buf[len] = '\0';
  *out = buf;
  *out_len = len;
  buf = NULL;
cleanup:
  inflateEnd(&zs);
  free(buf);
  return st;
}

/* The effective cap of opts (NULL or 0: the default). */
static size_t max_input(const qv_json_read_options *opts) {
  int64_t m = opts && opts->max_input_size > 0 ? opts->max_input_size : QV_JSON_DEFAULT_MAX_INPUT;
  return (uint64_t)m > SIZE_MAX / 2 ? SIZE_MAX / 2 : (size_t)m;
}

static qv_status too_large(size_t max, qv_error *err) {
  return qv_error_set(err, QV_ERR_LIMIT, "the JSON text is larger than the limit of %zu bytes (read option max_input_size)",
                      max);
}

qv_status qv_json_read_memory(const void *data, size_t size, qv_json_file **out, qv_error *err) {
  return qv_json_read_memory_opts(data, size, NULL, out, err);
}

qv_status qv_json_read_memory_opts(const void *data, size_t size, const qv_json_read_options *opts, qv_json_file **out,
                                   qv_error *err) {
  qv_status st = QV_OK;
  const size_t max = max_input(opts);
  char *inflated = NULL;
  json_t *root = NULL;
  qv_json_file *f = NULL;
  qv_json_rctx c;
  memset(&c, 0, sizeof c);
  c.err = err;
  if (out == NULL || (data == NULL && size > 0)) {
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_json_read_memory: %s is NULL", out ? "data" : "out");
  }
  *out = NULL;
  const uint8_t *bytes = data;
  size_t len = size;
  if (size > max) return too_large(max, err);
  if (size >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b) {
    QV_GOTO_IF_ERROR(st, gunzip(bytes, size, max, &inflated, &len, err), cleanup);
    bytes = (const uint8_t *)inflated;
  }
  json_error_t jerr;
  root = json_loadb((const char *)bytes, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
  if (root == NULL) {
    QV_FAIL_GOTO(st, cleanup, err, QV_ERR_INVALID_DATA, "malformed JSON at line %d, column %d: %s", jerr.line,
                 jerr.column, jerr.text);
  }
  f = qv__calloc(1, sizeof *f);
  QV_CHECK_ALLOC_GOTO(f, st, err, cleanup);
  QV_GOTO_IF_ERROR(st, read_document(&c, root, f), cleanup);
  *out = f;
  f = NULL;
cleanup:
  qv_json_file_free(f);
  qv__json_rctx_free(&c);
  json_decref(root);
  free(inflated);
  return st;
}

qv_status qv_json_read_path(const char *path, qv_json_file **out, qv_error *err) {
  return qv_json_read_path_opts(path, NULL, out, err);
}

qv_status qv_json_read_path_opts(const char *path, const qv_json_read_options *opts, qv_json_file **out,
                                 qv_error *err) {
  qv_status st = QV_OK;
  const size_t max = max_input(opts);
  char *buf = NULL;
  size_t len = 0, cap = 0;
  if (out == NULL || path == NULL) {
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_json_read_path: %s is NULL", out ? "path" : "out");
  }
  *out = NULL;
  FILE *fp = fopen(path, "rb");
  if (fp == NULL) return qv_error_set(err, QV_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
  for (;;) {
    if (len > max) {
      st = too_large(max, err);
      qv_error_prefix(err, "%s: ", path);
      goto cleanup;
    }
    if (len == cap) {
      size_t ncap = cap ? cap * 2 : 1 << 16;
      char *p = realloc(buf, ncap);
      QV_CHECK_ALLOC_GOTO(p, st, err, cleanup);
      buf = p;
      cap = ncap;
    }
    size_t got = fread(buf + len, 1, cap - len, fp);
    len += got;
    if (got == 0) break;
  }
  if (ferror(fp)) QV_FAIL_GOTO(st, cleanup, err, QV_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
  st = qv_json_read_memory_opts(buf, len, opts, out, err);
  if (st != QV_OK && err != NULL) qv_error_prefix(err, "%s: ", path);
cleanup:
  fclose(fp);
  free(buf);
  return st;
}

qv_status qv_json_file_to_table(const qv_json_file *file, qv_table **out, qv_error *err) {
  if (file == NULL || out == NULL) {
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_json_file_to_table: %s is NULL", file ? "out" : "file");
  }
  return qv_table_new(file->schema, file->batches, file->n_batches, out, err);
}

qv_status qv_json_read_table_path(const char *path, qv_table **out, qv_error *err) {
  return qv_json_read_table_path_opts(path, NULL, out, err);
}

qv_status qv_json_read_table_path_opts(const char *path, const qv_json_read_options *opts, qv_table **out,
                                       qv_error *err) {
  qv_json_file *f = NULL;
  QV_RETURN_IF_ERROR(qv_json_read_path_opts(path, opts, &f, err));
  qv_status st = qv_json_file_to_table(f, out, err);
  qv_json_file_free(f);
  return st;
}

qv_status qv_json_read_table_memory(const void *data, size_t size, qv_table **out, qv_error *err) {
  return qv_json_read_table_memory_opts(data, size, NULL, out, err);
}

qv_status qv_json_read_table_memory_opts(const void *data, size_t size, const qv_json_read_options *opts,
                                         qv_table **out, qv_error *err) {
  qv_json_file *f = NULL;
  QV_RETURN_IF_ERROR(qv_json_read_memory_opts(data, size, opts, &f, err));
  qv_status st = qv_json_file_to_table(f, out, err);
  qv_json_file_free(f);
  return st;
}
