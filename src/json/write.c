/* quiver json: writing a table in the integration JSON format.
 *
 * Three steps. (1) Every batch is validated structurally, and the
 * dictionaries are gathered: dictionary-typed nodes of the schema are
 * numbered 0, 1, ... in pre-order (a node before the nodes inside its value
 * type), and for each node the dictionary arrays the batches carry are
 * merged into one (equal ones, or each a prefix of the longest, as delta
 * dictionaries produce); anything else cannot be written, since the format
 * has one dictionary per id. Nodes whose merged dictionary is the very same
 * array (a dictionary shared between fields) share one id. (2) The text is emitted into a qv_strbuf:
 * schema (each field peeled into extension / dictionary / value layers, as
 * the IPC encoder does), batches, dictionaries. (3) It is gzip-compressed
 * if asked (zlib) and handed out or written to the file.
 *
 * JSON strings must be UTF-8: names and metadata that are not fail with
 * QV_ERR_INVALID_DATA instead of being mangled.
 */
#include <errno.h>
#include <zlib.h>

#include "core/atomic_file.h"
#include "json/internal.h"
#include "quiver/compare.h"
#include "quiver/validate.h"
#include "core/utf8.h"

#define EXT_NAME_KEY "ARROW:extension:name"
#define EXT_METADATA_KEY "ARROW:extension:metadata"

typedef struct wdict {
  const qv_type *dict_type; /* the QV_TYPE_DICTIONARY node */
  const char *field;        /* name of the field it belongs to (messages) */
  qv_array *values;         /* merged dictionary (owned reference), NULL until a batch supplies one */
  int64_t id;               /* id written; nodes holding the very same dictionary share one */
  bool owner;               /* the first node with this id: its dictionary is written */
} wdict;

typedef struct wstate {
  qv_json_wctx w;
  int64_t n_dicts;
  wdict *dicts;
  int64_t next; /* numbering cursor */
} wstate;

void qv__json_newline(qv_json_wctx *w) {
  qv__strbuf_appendc(w->sb, '\n');
  qv__strbuf_append_repeat(w->sb, ' ', (size_t)w->indent);
}

void qv_json_free(void *p) { free(p); }

/* ------------------------------------------------------------------ */
/* Dictionaries                                                        */
/* ------------------------------------------------------------------ */

/* Folds dictionary d into slot k. */
static qv_status merge_dict(wstate *ws, int64_t k, qv_array *d) {
  wdict *slot = &ws->dicts[k];
  qv_status st = QV_OK;
  if (slot->values == NULL || slot->values == d) {
    if (slot->values == NULL) slot->values = qv_array_retain(d);
    return QV_OK;
  }
  qv_array *shorter = slot->values->length <= d->length ? slot->values : d;
  qv_array *longer = shorter == d ? slot->values : d;
  qv_array *prefix = NULL;
  if (shorter->length == longer->length) {
    if (qv_array_equals(shorter, longer)) return QV_OK;
  } else {
    QV_RETURN_IF_ERROR(qv_array_slice(longer, 0, shorter->length, &prefix, ws->w.err));
    bool same = qv_array_equals(prefix, shorter);
    qv_array_release(prefix);
    if (same) {
      qv_array *old = slot->values;
      slot->values = qv_array_retain(longer);
      qv_array_release(old);
      return QV_OK;
    }
  }
  st = qv_error_set(ws->w.err, QV_ERR_NOT_IMPLEMENTED,
                    "field '%s': batches carry different dictionaries (lengths %lld and %lld, neither a prefix of "
                    "the other); the JSON format holds one dictionary per id",
                    slot->field, (long long)slot->values->length, (long long)d->length);
  return st;
}

/* Pre-order walk over a type, with the matching array when a is not NULL. */
static qv_status walk_dicts(wstate *ws, const char *field, const qv_type *t, qv_array *a, bool count_only) {
  const qv_type *s = qv_type_storage(t);
  if (s->id == QV_TYPE_DICTIONARY) {
    int64_t k = ws->next++;
    if (count_only) {
      ws->dicts[k].dict_type = s;
      ws->dicts[k].field = field;
    } else if (a != NULL) {
      QV_RETURN_IF_ERROR(merge_dict(ws, k, a->dictionary));
    }
    return walk_dicts(ws, field, s->value_type, a ? a->dictionary : NULL, count_only);
  }
  for (int32_t i = 0; i < s->n_children; i++) {
    QV_RETURN_IF_ERROR(
        walk_dicts(ws, s->children[i]->name, s->children[i]->type, a ? a->children[i] : NULL, count_only));
  }
  return QV_OK;
}

static int64_t count_dicts(const qv_type *t) {
  const qv_type *s = qv_type_storage(t);
  if (s->id == QV_TYPE_DICTIONARY) return 1 + count_dicts(s->value_type);
  int64_t n = 0;
  for (int32_t i = 0; i < s->n_children; i++) n += count_dicts(s->children[i]->type);
  return n;
}

static qv_status gather_dicts(wstate *ws, const qv_table *t) {
  int64_t n = 0;
  for (int32_t i = 0; i < t->schema->n_fields; i++) n += count_dicts(t->schema->fields[i]->type);
  ws->dicts = qv__calloc((size_t)n, sizeof *ws->dicts);
  QV_CHECK_ALLOC(ws->dicts, ws->w.err);
  ws->n_dicts = n;
  ws->next = 0;
  for (int32_t i = 0; i < t->schema->n_fields; i++) {
    const qv_field *f = t->schema->fields[i];
    QV_RETURN_IF_ERROR(walk_dicts(ws, f->name, f->type, NULL, true));
  }
  for (int64_t b = 0; b < t->n_batches; b++) {
    ws->next = 0;
    for (int32_t i = 0; i < t->schema->n_fields; i++) {
      const qv_field *f = t->schema->fields[i];
      QV_RETURN_IF_ERROR(walk_dicts(ws, f->name, f->type, t->batches[b]->columns[i], false));
    }
  }
  /* Nodes no batch reached (no batches, or all empty): an empty dictionary. */
  for (int64_t k = 0; k < n; k++) {
    if (ws->dicts[k].values == NULL) {
      QV_RETURN_IF_ERROR(
          qv_array_new_null(ws->dicts[k].dict_type->value_type, 0, &ws->dicts[k].values, ws->w.err));
    }
  }
  /* Share ids between nodes that ended up with the same dictionary array. */
  int64_t next_id = 0;
  for (int64_t k = 0; k < n; k++) {
    wdict *d = &ws->dicts[k];
    d->owner = true;
    for (int64_t j = 0; j < k && d->owner; j++) {
      if (ws->dicts[j].owner && ws->dicts[j].values == d->values &&
          qv_type_equals(ws->dicts[j].dict_type->value_type, d->dict_type->value_type, false)) {
        d->owner = false;
        d->id = ws->dicts[j].id;
      }
    }
    if (d->owner) d->id = next_id++;
  }
  ws->next = 0;
  return QV_OK;
}

/* ------------------------------------------------------------------ */
/* Schema                                                              */
/* ------------------------------------------------------------------ */

static void key(qv_json_wctx *w, const char *k, bool first) {
  if (!first) qv__strbuf_appendc(w->sb, ',');
  qv__json_newline(w);
  qv__strbuf_appendc(w->sb, '"');
  qv__strbuf_append(w->sb, k);
  qv__strbuf_append(w->sb, "\": ");
}

/* A JSON string of text that must be UTF-8; `what` names it in messages. */
static qv_status text(qv_json_wctx *w, const char *s, size_t n, const char *what) {
  int64_t ok = qv__utf8_valid_prefix((const uint8_t *)s, (int64_t)n);
  if (ok != (int64_t)n) {
    return qv_error_set(w->err, QV_ERR_INVALID_DATA, "%s is not valid UTF-8 (bad byte at %lld)", what, (long long)ok);
  }
  qv__json_string_append(w->sb, s, n);
  return QV_OK;
}

static qv_status write_kv(qv_json_wctx *w, const char *k, size_t kn, const char *v, size_t vn, bool first,
                          const char *where) {
  char what[300];
  if (!first) qv__strbuf_appendc(w->sb, ',');
  qv__json_newline(w);
  qv__strbuf_append(w->sb, "{\"key\": ");
  snprintf(what, sizeof what, "%s: metadata key", where);
  QV_RETURN_IF_ERROR(text(w, k, kn, what));
  qv__strbuf_append(w->sb, ", \"value\": ");
  snprintf(what, sizeof what, "%s: metadata value of '%.*s'", where, (int)(kn > 64 ? 64 : kn), k);
  QV_RETURN_IF_ERROR(text(w, v, vn, what));
  qv__strbuf_appendc(w->sb, '}');
  return QV_OK;
}

/* "metadata": [...] of md (without extension keys when ext) plus ext's keys. */
static qv_status write_metadata(qv_json_wctx *w, const qv_metadata *md, const qv_type *ext, const char *where) {
  int64_t n = ext ? 2 : 0;
  for (int64_t i = 0; md && i < md->n; i++) {
    bool is_ext = !strcmp(md->pairs[i].key, EXT_NAME_KEY) || !strcmp(md->pairs[i].key, EXT_METADATA_KEY);
    if (!(ext && is_ext)) n++;
  }
  if (n == 0) return QV_OK;
  key(w, "metadata", false);
  qv__strbuf_appendc(w->sb, '[');
  w->indent += 2;
  bool first = true;
  if (ext != NULL) {
    QV_RETURN_IF_ERROR(write_kv(w, EXT_NAME_KEY, strlen(EXT_NAME_KEY), ext->extension_name,
                                strlen(ext->extension_name), true, where));
    QV_RETURN_IF_ERROR(write_kv(w, EXT_METADATA_KEY, strlen(EXT_METADATA_KEY),
                                ext->extension_metadata ? ext->extension_metadata : "",
                                (size_t)ext->extension_metadata_len, false, where));
    first = false;
  }
  for (int64_t i = 0; md && i < md->n; i++) {
    const qv_kv *kv = &md->pairs[i];
    bool is_ext = !strcmp(kv->key, EXT_NAME_KEY) || !strcmp(kv->key, EXT_METADATA_KEY);
    if (ext && is_ext) continue;
    QV_RETURN_IF_ERROR(write_kv(w, kv->key, (size_t)kv->key_len, kv->value, (size_t)kv->value_len, first, where));
    first = false;
  }
  w->indent -= 2;
  qv__json_newline(w);
  qv__strbuf_appendc(w->sb, ']');
  return QV_OK;
}

static const char *unit_name(qv_time_unit u) {
  static const char *const names[] = {"SECOND", "MILLISECOND", "MICROSECOND", "NANOSECOND"};
  return names[u & 3];
}

/* The Type object of a value type (no extension or dictionary layer). */
static qv_status write_type(qv_json_wctx *w, const qv_type *t) {
  qv_strbuf *sb = w->sb;
  switch (t->id) {
    case QV_TYPE_NULL: qv__strbuf_append(sb, "{\"name\": \"null\"}"); break;
    case QV_TYPE_BOOL: qv__strbuf_append(sb, "{\"name\": \"bool\"}"); break;
    case QV_TYPE_INT8:
    case QV_TYPE_INT16:
    case QV_TYPE_INT32:
    case QV_TYPE_INT64:
    case QV_TYPE_UINT8:
    case QV_TYPE_UINT16:
    case QV_TYPE_UINT32:
    case QV_TYPE_UINT64:
      qv__strbuf_appendf(sb, "{\"name\": \"int\", \"isSigned\": %s, \"bitWidth\": %d}",
                        qv_type_is_signed_integer(t->id) ? "true" : "false", t->bit_width);
      break;
    case QV_TYPE_FLOAT16:
    case QV_TYPE_FLOAT32:
    case QV_TYPE_FLOAT64:
      qv__strbuf_appendf(sb, "{\"name\": \"floatingpoint\", \"precision\": \"%s\"}",
                        t->id == QV_TYPE_FLOAT16 ? "HALF" : t->id == QV_TYPE_FLOAT32 ? "SINGLE" : "DOUBLE");
      break;
    case QV_TYPE_DECIMAL32:
    case QV_TYPE_DECIMAL64:
    case QV_TYPE_DECIMAL128:
    case QV_TYPE_DECIMAL256:
      qv__strbuf_appendf(sb, "{\"name\": \"decimal\", \"precision\": %d, \"scale\": %d, \"bitWidth\": %d}",
                        t->precision, t->scale, t->bit_width);
      break;
    case QV_TYPE_DATE32: qv__strbuf_append(sb, "{\"name\": \"date\", \"unit\": \"DAY\"}"); break;
    case QV_TYPE_DATE64: qv__strbuf_append(sb, "{\"name\": \"date\", \"unit\": \"MILLISECOND\"}"); break;
    case QV_TYPE_TIME32:
    case QV_TYPE_TIME64:
      qv__strbuf_appendf(sb, "{\"name\": \"time\", \"unit\": \"%s\", \"bitWidth\": %d}", unit_name(t->unit),
                        t->id == QV_TYPE_TIME32 ? 32 : 64);
      break;
    case QV_TYPE_TIMESTAMP:
      qv__strbuf_appendf(sb, "{\"name\": \"timestamp\", \"unit\": \"%s\"", unit_name(t->unit));
      if (t->timezone != NULL && t->timezone[0] != '\0') {
        qv__strbuf_append(sb, ", \"timezone\": ");
        QV_RETURN_IF_ERROR(text(w, t->timezone, strlen(t->timezone), "timezone"));
      }
      qv__strbuf_appendc(sb, '}');
      break;
    case QV_TYPE_DURATION:
      qv__strbuf_appendf(sb, "{\"name\": \"duration\", \"unit\": \"%s\"}", unit_name(t->unit));
      break;
    case QV_TYPE_INTERVAL_MONTHS: qv__strbuf_append(sb, "{\"name\": \"interval\", \"unit\": \"YEAR_MONTH\"}"); break;
    case QV_TYPE_INTERVAL_DAY_TIME: qv__strbuf_append(sb, "{\"name\": \"interval\", \"unit\": \"DAY_TIME\"}"); break;
    case QV_TYPE_INTERVAL_MONTH_DAY_NANO:
      qv__strbuf_append(sb, "{\"name\": \"interval\", \"unit\": \"MONTH_DAY_NANO\"}");
      break;
    case QV_TYPE_BINARY: qv__strbuf_append(sb, "{\"name\": \"binary\"}"); break;
    case QV_TYPE_STRING: qv__strbuf_append(sb, "{\"name\": \"utf8\"}"); break;
    case QV_TYPE_LARGE_BINARY: qv__strbuf_append(sb, "{\"name\": \"largebinary\"}"); break;
    case QV_TYPE_LARGE_STRING: qv__strbuf_append(sb, "{\"name\": \"largeutf8\"}"); break;
    case QV_TYPE_BINARY_VIEW: qv__strbuf_append(sb, "{\"name\": \"binaryview\"}"); break;
    case QV_TYPE_STRING_VIEW: qv__strbuf_append(sb, "{\"name\": \"utf8view\"}"); break;
    case QV_TYPE_FIXED_SIZE_BINARY:
      qv__strbuf_appendf(sb, "{\"name\": \"fixedsizebinary\", \"byteWidth\": %d}", t->byte_width);
      break;
    case QV_TYPE_LIST: qv__strbuf_append(sb, "{\"name\": \"list\"}"); break;
    case QV_TYPE_LARGE_LIST: qv__strbuf_append(sb, "{\"name\": \"largelist\"}"); break;
    case QV_TYPE_LIST_VIEW: qv__strbuf_append(sb, "{\"name\": \"listview\"}"); break;
    case QV_TYPE_LARGE_LIST_VIEW: qv__strbuf_append(sb, "{\"name\": \"largelistview\"}"); break;
    case QV_TYPE_FIXED_SIZE_LIST:
      qv__strbuf_appendf(sb, "{\"name\": \"fixedsizelist\", \"listSize\": %d}", t->list_size);
      break;
    case QV_TYPE_STRUCT: qv__strbuf_append(sb, "{\"name\": \"struct\"}"); break;
    case QV_TYPE_MAP:
      qv__strbuf_appendf(sb, "{\"name\": \"map\", \"keysSorted\": %s}", t->keys_sorted ? "true" : "false");
      break;
    case QV_TYPE_SPARSE_UNION:
    case QV_TYPE_DENSE_UNION:
      qv__strbuf_appendf(sb, "{\"name\": \"union\", \"mode\": \"%s\", \"typeIds\": [",
                        t->id == QV_TYPE_SPARSE_UNION ? "SPARSE" : "DENSE");
      for (int32_t i = 0; i < t->n_children; i++) qv__strbuf_appendf(sb, "%s%d", i ? ", " : "", t->type_codes[i]);
      qv__strbuf_append(sb, "]}");
      break;
    case QV_TYPE_RUN_END_ENCODED: qv__strbuf_append(sb, "{\"name\": \"runendencoded\"}"); break;
    default:
      return qv_error_set(w->err, QV_ERR_NOT_IMPLEMENTED, "type %s has no JSON form here", qv_type_id_name(t->id));
  }
  return QV_OK;
}

static qv_status write_field(wstate *ws, const qv_field *f, int depth) {
  qv_json_wctx *w = &ws->w;
  const qv_type *t = f->type, *ext = NULL, *dict = NULL;
  if (depth > QV_JSON_MAX_DEPTH) {
    return qv_error_set(w->err, QV_ERR_LIMIT, "field '%s' is nested more than %d levels deep", f->name,
                        QV_JSON_MAX_DEPTH);
  }
  if (t->id == QV_TYPE_EXTENSION) {
    ext = t;
    t = t->storage_type;
  }
  if (t->id == QV_TYPE_DICTIONARY) {
    dict = t;
    t = t->value_type;
  }
  if (t->id == QV_TYPE_EXTENSION && ext == NULL) { /* dictionary of extension values */
    ext = t;
    t = t->storage_type;
  }
  t = qv_type_storage(t);
  if (t->id == QV_TYPE_DICTIONARY) {
    return qv_error_set(w->err, QV_ERR_NOT_IMPLEMENTED,
                        "field '%s': a dictionary nested directly in another has no JSON form", f->name);
  }
  char where[300];
  snprintf(where, sizeof where, "field '%.200s'", f->name);
  qv__strbuf_appendc(w->sb, '{');
  w->indent += 2;
  key(w, "name", true);
  QV_RETURN_IF_ERROR(text(w, f->name, strlen(f->name), where));
  key(w, "nullable", false);
  qv__strbuf_append(w->sb, f->nullable ? "true" : "false");
  key(w, "type", false);
  QV_RETURN_IF_ERROR(write_type(w, t));
  if (dict != NULL) {
    key(w, "dictionary", false);
    qv__strbuf_appendf(w->sb, "{\"id\": %lld, \"indexType\": ", (long long)ws->dicts[ws->next++].id);
    QV_RETURN_IF_ERROR(write_type(w, qv_type_storage(dict->index_type)));
    qv__strbuf_appendf(w->sb, ", \"isOrdered\": %s}", dict->ordered ? "true" : "false");
  }
  key(w, "children", false);
  qv__strbuf_appendc(w->sb, '[');
  if (t->n_children > 0) {
    w->indent += 2;
    for (int32_t i = 0; i < t->n_children; i++) {
      if (i > 0) qv__strbuf_appendc(w->sb, ',');
      qv__json_newline(w);
      QV_RETURN_IF_ERROR(write_field(ws, t->children[i], depth + 1));
    }
    w->indent -= 2;
    qv__json_newline(w);
  }
  qv__strbuf_appendc(w->sb, ']');
  QV_RETURN_IF_ERROR(write_metadata(w, f->metadata, ext, where));
  w->indent -= 2;
  qv__json_newline(w);
  qv__strbuf_appendc(w->sb, '}');
  return QV_OK;
}

/* ------------------------------------------------------------------ */
/* Document                                                            */
/* ------------------------------------------------------------------ */

static qv_status write_document(wstate *ws, const qv_table *t) {
  qv_json_wctx *w = &ws->w;
  char path[300];
  qv__strbuf_appendc(w->sb, '{');
  w->indent = 2;
  key(w, "schema", true);
  qv__strbuf_appendc(w->sb, '{');
  w->indent += 2;
  key(w, "fields", true);
  qv__strbuf_appendc(w->sb, '[');
  w->indent += 2;
  ws->next = 0;
  for (int32_t i = 0; i < t->schema->n_fields; i++) {
    if (i > 0) qv__strbuf_appendc(w->sb, ',');
    qv__json_newline(w);
    QV_RETURN_IF_ERROR(write_field(ws, t->schema->fields[i], 0));
  }
  w->indent -= 2;
  qv__json_newline(w);
  qv__strbuf_appendc(w->sb, ']');
  QV_RETURN_IF_ERROR(write_metadata(w, t->schema->metadata, NULL, "schema"));
  w->indent -= 2;
  qv__json_newline(w);
  qv__strbuf_appendc(w->sb, '}');

  key(w, "batches", false);
  qv__strbuf_appendc(w->sb, '[');
  w->indent += 2;
  for (int64_t b = 0; b < t->n_batches; b++) {
    const qv_batch *batch = t->batches[b];
    if (b > 0) qv__strbuf_appendc(w->sb, ',');
    qv__json_newline(w);
    qv__strbuf_appendc(w->sb, '{');
    w->indent += 2;
    key(w, "count", true);
    qv__strbuf_appendf(w->sb, "%lld", (long long)batch->length);
    key(w, "columns", false);
    qv__strbuf_appendc(w->sb, '[');
    w->indent += 2;
    for (int32_t i = 0; i < batch->n_columns; i++) {
      const char *name = t->schema->fields[i]->name;
      if (i > 0) qv__strbuf_appendc(w->sb, ',');
      qv__json_newline(w);
      snprintf(path, sizeof path, "batch %lld, column '%.200s'", (long long)b, name);
      QV_RETURN_IF_ERROR(qv__json_write_column(w, path, name, batch->columns[i], 0, batch->length));
    }
    w->indent -= 2;
    qv__json_newline(w);
    qv__strbuf_appendc(w->sb, ']');
    w->indent -= 2;
    qv__json_newline(w);
    qv__strbuf_appendc(w->sb, '}');
  }
  w->indent -= 2;
  if (t->n_batches > 0) qv__json_newline(w);
  qv__strbuf_appendc(w->sb, ']');

  if (ws->n_dicts > 0) {
    key(w, "dictionaries", false);
    qv__strbuf_appendc(w->sb, '[');
    w->indent += 2;
    bool first = true;
    for (int64_t k = 0; k < ws->n_dicts; k++) {
      if (!ws->dicts[k].owner) continue;
      const qv_array *d = ws->dicts[k].values;
      int64_t id = ws->dicts[k].id;
      char name[32];
      snprintf(name, sizeof name, "DICT%lld", (long long)id);
      snprintf(path, sizeof path, "dictionary %lld (field '%.200s')", (long long)id, ws->dicts[k].field);
      if (!first) qv__strbuf_appendc(w->sb, ',');
      first = false;
      qv__json_newline(w);
      qv__strbuf_appendc(w->sb, '{');
      w->indent += 2;
      key(w, "id", true);
      qv__strbuf_appendf(w->sb, "%lld", (long long)id);
      key(w, "data", false);
      qv__strbuf_appendc(w->sb, '{');
      w->indent += 2;
      key(w, "count", true);
      qv__strbuf_appendf(w->sb, "%lld", (long long)d->length);
      key(w, "columns", false);
      qv__strbuf_appendc(w->sb, '[');
      w->indent += 2;
      qv__json_newline(w);
      QV_RETURN_IF_ERROR(qv__json_write_column(w, path, name, d, 0, d->length));
      w->indent -= 2;
      qv__json_newline(w);
      qv__strbuf_appendc(w->sb, ']');
      w->indent -= 2;
      qv__json_newline(w);
      qv__strbuf_appendc(w->sb, '}');
      w->indent -= 2;
      qv__json_newline(w);
      qv__strbuf_appendc(w->sb, '}');
    }
    w->indent -= 2;
    qv__json_newline(w);
    qv__strbuf_appendc(w->sb, ']');
  }
  w->indent -= 2;
  qv__json_newline(w);
  qv__strbuf_append(w->sb, "}\n");
  return qv__strbuf_status(w->sb, w->err);
}

static qv_status gzip_bytes(const char *in, size_t n, char **out, size_t *out_len, qv_error *err) {
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return qv_error_set(err, QV_ERR_NO_MEMORY, "gzip: deflateInit2 failed");
  }
  qv_status st = QV_OK;
  size_t cap = (size_t)deflateBound(&zs, (uLong)n) + 64, len = 0, fed = 0;
  char *buf = malloc(cap);
  QV_CHECK_ALLOC_GOTO(buf, st, err, done);
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (zs.avail_in == 0 && fed < n) {
      size_t chunk = n - fed > (1u << 30) ? (1u << 30) : n - fed;
      zs.next_in = (Bytef *)(uintptr_t)(in + fed);
      zs.avail_in = (uInt)chunk;
      fed += chunk;
    }
    if (len == cap) {
      char *p = realloc(buf, cap * 2);
      QV_CHECK_ALLOC_GOTO(p, st, err, done);
      buf = p;
      cap *= 2;
    }
    size_t room = cap - len > (1u << 30) ? (1u << 30) : cap - len;
    zs.next_out = (Bytef *)(buf + len);
    zs.avail_out = (uInt)room;
    rc = deflate(&zs, fed == n ? Z_FINISH : Z_NO_FLUSH);
    len += room - zs.avail_out;
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      QV_FAIL_GOTO(st, done, err, QV_ERR_INVALID_DATA, "gzip: deflate failed (%d)", rc);
    }
  }
  *out = buf;
  *out_len = len;
  buf = NULL;
done:
  deflateEnd(&zs);
  free(buf);
  return st;
}

qv_status qv_json_write_table_memory(const qv_table *table, const qv_json_write_options *opts, char **out,
                                     size_t *size, qv_error *err) {
  qv_status st = QV_OK;
  qv_strbuf sb;
  wstate ws;
  memset(&ws, 0, sizeof ws);
  qv__strbuf_init(&sb);
  ws.w.sb = &sb;
  ws.w.err = err;
  if (table == NULL || out == NULL || size == NULL) {
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_json_write_table_memory: %s is NULL",
                        table == NULL ? "table" : "out");
  }
  *out = NULL;
  *size = 0;
  QV_GOTO_IF_ERROR(st, qv_table_validate(table, QV_VALIDATE_STRUCTURE, err), cleanup);
  QV_GOTO_IF_ERROR(st, gather_dicts(&ws, table), cleanup);
  QV_GOTO_IF_ERROR(st, write_document(&ws, table), cleanup);
  size_t len = sb.len;
  char *textp = qv__strbuf_take(&sb);
  QV_CHECK_ALLOC_GOTO(textp, st, err, cleanup);
  if (opts != NULL && opts->gzip) {
    st = gzip_bytes(textp, len, out, size, err);
    free(textp);
  } else {
    *out = textp;
    *size = len;
  }
cleanup:
  qv__strbuf_free(&sb);
  for (int64_t k = 0; k < ws.n_dicts; k++) qv_array_release(ws.dicts[k].values);
  free(ws.dicts);
  return st;
}

qv_status qv_json_write_table_path(const char *path, const qv_table *table, const qv_json_write_options *opts,
                                   qv_error *err) {
  if (path == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_json_write_table_path: path is NULL");
  qv_json_write_options o = QV_JSON_WRITE_OPTIONS_DEFAULT;
  if (opts != NULL) o = *opts;
  size_t plen = strlen(path);
  if (plen >= 3 && strcmp(path + plen - 3, ".gz") == 0) o.gzip = true;
  char *bytes = NULL;
  size_t n = 0;
  QV_RETURN_IF_ERROR(qv_json_write_table_memory(table, &o, &bytes, &n, err));
  /* Atomic, like IPC path output: the old file stays whole until the new
   * one is complete and synced (a full disk or a kill never tears it). */
  qv__atomic_file f;
  qv_status st = qv__atomic_file_open(&f, path, err);
  if (st == QV_OK) st = qv__atomic_file_write(&f, bytes, n, err);
  if (st == QV_OK) st = qv__atomic_file_commit(&f, err);
  qv__atomic_file_discard(&f);
  free(bytes);
  return st;
}
