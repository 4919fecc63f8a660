/* quiver json: the "schema" object -> qv_schema.
 *
 * A Field is {name, nullable, type, children, dictionary?, metadata?}. Its
 * children are decoded first (a field's type needs its child fields), then
 * the Type object by its "name" with the parameters Schema.fbs gives it;
 * a "dictionary" member wraps the value type in a dictionary type (and
 * registers the id with the reader context, so batches can find the values
 * later); finally the ARROW:extension:name / ARROW:extension:metadata keys of
 * the field metadata wrap the type in an extension type and are removed from
 * the metadata, as the IPC reader does. A canonical extension name over a
 * storage type it does not accept keeps the storage type and the keys
 * (nothing is lost). Parameter defaults follow Schema.fbs (decimal bitWidth
 * 128, date unit MILLISECOND, time MILLISECOND/32, dictionary indexType
 * int32).
 */
#include "json/internal.h"

#define EXT_NAME_KEY "ARROW:extension:name"
#define EXT_METADATA_KEY "ARROW:extension:metadata"

/* A string member's value compared against a list of choices; *index is
 * the match. Absent members take `dflt` (or fail when dflt < 0). */
static qv_status get_enum(qv_json_rctx *c, const json_t *obj, const char *key, const char *const *choices,
                          int n_choices, int dflt, int *index) {
  const json_t *v;
  QV_RETURN_IF_ERROR(qv__json_member(c, obj, key, JSON_STRING, dflt < 0, &v));
  if (v == NULL) {
    *index = dflt;
    return QV_OK;
  }
  const char *s = json_string_value(v);
  for (int i = 0; i < n_choices; i++) {
    if (strcmp(s, choices[i]) == 0) {
      *index = i;
      return QV_OK;
    }
  }
  char expected[256] = "";
  size_t len = 0;
  for (int i = 0; i < n_choices && len < sizeof expected; i++) {
    len += (size_t)snprintf(expected + len, sizeof expected - len, "%s%s", i ? "|" : "", choices[i]);
  }
  size_t saved = qv__json_path_key(c, key);
  qv_status st = qv__json_fail(c, QV_ERR_INVALID_DATA, "expected one of %s, found \"%.40s\"", expected, s);
  qv_json_path_pop(c, saved);
  return st;
}

/* An integer member in [min, max]; absent members take dflt (or fail when !has_dflt). */
static qv_status get_int_member(qv_json_rctx *c, const json_t *obj, const char *key, int64_t min, int64_t max,
                                bool has_dflt, int64_t dflt, int64_t *out) {
  const json_t *v;
  QV_RETURN_IF_ERROR(qv__json_member(c, obj, key, JSON_INTEGER, !has_dflt, &v));
  if (v == NULL) {
    *out = dflt;
    return QV_OK;
  }
  size_t saved = qv__json_path_key(c, key);
  qv_status st = qv__json_get_int(c, v, min, max, out);
  qv_json_path_pop(c, saved);
  return st;
}

static qv_status get_bool_member(qv_json_rctx *c, const json_t *obj, const char *key, bool dflt, bool *out) {
  const json_t *v;
  QV_RETURN_IF_ERROR(qv__json_member(c, obj, key, JSON_TRUE, false, &v));
  *out = v == NULL ? dflt : json_is_true(v);
  return QV_OK;
}

static const char *const k_units[] = {"SECOND", "MILLISECOND", "MICROSECOND", "NANOSECOND"};

static qv_status int_type(qv_json_rctx *c, const json_t *jt, qv_type **out) {
  int64_t bits;
  bool is_signed;
  QV_RETURN_IF_ERROR(get_int_member(c, jt, "bitWidth", 0, 64, false, 0, &bits));
  QV_RETURN_IF_ERROR(get_bool_member(c, jt, "isSigned", true, &is_signed));
  switch (bits) {
    case 8: *out = is_signed ? qv_type_int8() : qv_type_uint8(); break;
    case 16: *out = is_signed ? qv_type_int16() : qv_type_uint16(); break;
    case 32: *out = is_signed ? qv_type_int32() : qv_type_uint32(); break;
    case 64: *out = is_signed ? qv_type_int64() : qv_type_uint64(); break;
    default: {
      size_t saved = qv__json_path_key(c, "bitWidth");
      qv_status st = qv__json_fail(c, QV_ERR_INVALID_DATA, "expected 8, 16, 32 or 64, found %lld", (long long)bits);
      qv_json_path_pop(c, saved);
      return st;
    }
  }
  return QV_OK;
}

static qv_status need_children(qv_json_rctx *c, const char *name, int32_t nkids, int32_t want) {
  if (nkids == want) return QV_OK;
  return qv__json_fail(c, QV_ERR_INVALID_DATA, "type \"%s\" needs %d child field%s, found %d", name, want,
                      want == 1 ? "" : "s", nkids);
}

static qv_status union_type(qv_json_rctx *c, const json_t *jt, qv_field **kids, int32_t nkids, qv_type **out) {
  static const char *const modes[] = {"SPARSE", "DENSE"};
  int mode;
  const json_t *jids;
  int8_t codes[128];
  QV_RETURN_IF_ERROR(get_enum(c, jt, "mode", modes, 2, -1, &mode));
  QV_RETURN_IF_ERROR(qv__json_member(c, jt, "typeIds", JSON_ARRAY, false, &jids));
  if (nkids > 128) return qv__json_fail(c, QV_ERR_INVALID_DATA, "a union has at most 128 children, found %d", nkids);
  if (jids != NULL) {
    size_t saved = qv__json_path_key(c, "typeIds");
    if (json_array_size(jids) != (size_t)nkids) {
      qv_status st = qv__json_fail(c, QV_ERR_INVALID_DATA, "expected %d type ids (one per child), found %zu", nkids,
                                  json_array_size(jids));
      qv_json_path_pop(c, saved);
      return st;
    }
    for (int32_t i = 0; i < nkids; i++) {
      int64_t v;
      size_t k = qv__json_path_index(c, i);
      QV_RETURN_IF_ERROR(qv__json_get_int(c, json_array_get(jids, (size_t)i), 0, 127, &v));
      qv_json_path_pop(c, k);
      codes[i] = (int8_t)v;
    }
    qv_json_path_pop(c, saved);
  }
  return qv__json_wrap(c, qv_type_union(mode ? QV_TYPE_DENSE_UNION : QV_TYPE_SPARSE_UNION, kids, nkids,
                                       jids ? codes : NULL, out, c->err));
}

/* Decodes the Type object `jt` of a field whose child fields are `kids`. */
static qv_status read_type(qv_json_rctx *c, const json_t *jt, qv_field **kids, int32_t nkids, qv_type **out) {
  const json_t *jname;
  int unit = 0;
  int64_t a = 0, b = 0, bits = 0;
  bool flag = false;
  *out = NULL;
  QV_RETURN_IF_ERROR(qv__json_member(c, jt, "name", JSON_STRING, true, &jname));
  const char *name = json_string_value(jname);

  static const struct { const char *name; qv_type_id id; } simple[] = {
      {"null", QV_TYPE_NULL},          {"bool", QV_TYPE_BOOL},
      {"utf8", QV_TYPE_STRING},        {"largeutf8", QV_TYPE_LARGE_STRING},
      {"binary", QV_TYPE_BINARY},      {"largebinary", QV_TYPE_LARGE_BINARY},
      {"utf8view", QV_TYPE_STRING_VIEW}, {"binaryview", QV_TYPE_BINARY_VIEW},
  };
  static const struct { const char *name; qv_type_id id; } lists[] = {
      {"list", QV_TYPE_LIST},
      {"largelist", QV_TYPE_LARGE_LIST},
      {"listview", QV_TYPE_LIST_VIEW},
      {"largelistview", QV_TYPE_LARGE_LIST_VIEW},
  };
  bool nested = false;
  for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
    if (strcmp(name, lists[i].name) == 0) nested = true;
  }
  nested = nested || !strcmp(name, "fixedsizelist") || !strcmp(name, "struct") || !strcmp(name, "map") ||
           !strcmp(name, "union") || !strcmp(name, "runendencoded");
  if (!nested) QV_RETURN_IF_ERROR(need_children(c, name, nkids, 0));

  for (size_t i = 0; i < sizeof simple / sizeof simple[0]; i++) {
    if (strcmp(name, simple[i].name) == 0) {
      *out = qv_type_from_id(simple[i].id);
      return QV_OK;
    }
  }
  for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
    if (strcmp(name, lists[i].name) != 0) continue;
    QV_RETURN_IF_ERROR(need_children(c, name, nkids, 1));
    switch (lists[i].id) {
      case QV_TYPE_LIST: return qv__json_wrap(c, qv_type_list(kids[0], out, c->err));
      case QV_TYPE_LARGE_LIST: return qv__json_wrap(c, qv_type_large_list(kids[0], out, c->err));
      case QV_TYPE_LIST_VIEW: return qv__json_wrap(c, qv_type_list_view(kids[0], out, c->err));
      default: return qv__json_wrap(c, qv_type_large_list_view(kids[0], out, c->err));
    }
  }
  if (strcmp(name, "int") == 0) return int_type(c, jt, out);
  if (strcmp(name, "floatingpoint") == 0) {
    static const char *const precisions[] = {"HALF", "SINGLE", "DOUBLE"};
    QV_RETURN_IF_ERROR(get_enum(c, jt, "precision", precisions, 3, -1, &unit));
    *out = unit == 0 ? qv_type_float16() : unit == 1 ? qv_type_float32() : qv_type_float64();
    return QV_OK;
  }
  if (strcmp(name, "fixedsizebinary") == 0) {
    QV_RETURN_IF_ERROR(get_int_member(c, jt, "byteWidth", 0, INT32_MAX, false, 0, &a));
    return qv__json_wrap(c, qv_type_fixed_size_binary((int32_t)a, out, c->err));
  }
  if (strcmp(name, "decimal") == 0) {
    QV_RETURN_IF_ERROR(get_int_member(c, jt, "precision", 0, INT32_MAX, false, 0, &a));
    QV_RETURN_IF_ERROR(get_int_member(c, jt, "scale", INT32_MIN, INT32_MAX, true, 0, &b));
    QV_RETURN_IF_ERROR(get_int_member(c, jt, "bitWidth", 0, INT32_MAX, true, 128, &bits));
    return qv__json_wrap(c, qv_type_decimal((int32_t)bits, (int32_t)a, (int32_t)b, out, c->err));
  }
  if (strcmp(name, "date") == 0) {
    static const char *const units[] = {"DAY", "MILLISECOND"};
    QV_RETURN_IF_ERROR(get_enum(c, jt, "unit", units, 2, 1, &unit));
    *out = unit == 0 ? qv_type_date32() : qv_type_date64();
    return QV_OK;
  }
  if (strcmp(name, "time") == 0) {
    QV_RETURN_IF_ERROR(get_enum(c, jt, "unit", k_units, 4, 1, &unit));
    QV_RETURN_IF_ERROR(get_int_member(c, jt, "bitWidth", 0, 64, true, 32, &bits));
    if (bits != 32 && bits != 64) {
      return qv__json_fail(c, QV_ERR_INVALID_DATA, "time bitWidth must be 32 or 64, found %lld", (long long)bits);
    }
    if ((bits == 32) != (unit <= QV_UNIT_MILLI)) {
      return qv__json_fail(c, QV_ERR_INVALID_DATA, "time unit %s needs bitWidth %d, found %lld", k_units[unit],
                          unit <= QV_UNIT_MILLI ? 32 : 64, (long long)bits);
    }
    return qv__json_wrap(c, bits == 32 ? qv_type_time32((qv_time_unit)unit, out, c->err)
                                      : qv_type_time64((qv_time_unit)unit, out, c->err));
  }
  if (strcmp(name, "timestamp") == 0) {
    const json_t *tz;
    QV_RETURN_IF_ERROR(get_enum(c, jt, "unit", k_units, 4, -1, &unit));
    QV_RETURN_IF_ERROR(qv__json_member(c, jt, "timezone", JSON_NULL, false, &tz));
    if (tz != NULL && !json_is_null(tz) && !json_is_string(tz)) {
      size_t saved = qv__json_path_key(c, "timezone");
      qv_status st = qv__json_fail(c, QV_ERR_INVALID_DATA, "expected a string, found %s", qv__json_kind(tz));
      qv_json_path_pop(c, saved);
      return st;
    }
    return qv__json_wrap(c, qv_type_timestamp((qv_time_unit)unit, json_string_value(tz), out, c->err));
  }
  if (strcmp(name, "duration") == 0) {
    QV_RETURN_IF_ERROR(get_enum(c, jt, "unit", k_units, 4, 1, &unit));
    return qv__json_wrap(c, qv_type_duration((qv_time_unit)unit, out, c->err));
  }
  if (strcmp(name, "interval") == 0) {
    static const char *const units[] = {"YEAR_MONTH", "DAY_TIME", "MONTH_DAY_NANO"};
    QV_RETURN_IF_ERROR(get_enum(c, jt, "unit", units, 3, -1, &unit));
    *out = unit == 0 ? qv_type_interval_months()
           : unit == 1 ? qv_type_interval_day_time()
                       : qv_type_interval_month_day_nano();
    return QV_OK;
  }
  if (strcmp(name, "fixedsizelist") == 0) {
    QV_RETURN_IF_ERROR(need_children(c, name, nkids, 1));
    QV_RETURN_IF_ERROR(get_int_member(c, jt, "listSize", 0, INT32_MAX, false, 0, &a));
    return qv__json_wrap(c, qv_type_fixed_size_list(kids[0], (int32_t)a, out, c->err));
  }
  if (strcmp(name, "struct") == 0) return qv__json_wrap(c, qv_type_struct(kids, nkids, out, c->err));
  if (strcmp(name, "map") == 0) {
    QV_RETURN_IF_ERROR(need_children(c, name, nkids, 1));
    QV_RETURN_IF_ERROR(get_bool_member(c, jt, "keysSorted", false, &flag));
    return qv__json_wrap(c, qv_type_map_from_entries(kids[0], flag, out, c->err));
  }
  if (strcmp(name, "union") == 0) return union_type(c, jt, kids, nkids, out);
  if (strcmp(name, "runendencoded") == 0) {
    QV_RETURN_IF_ERROR(need_children(c, name, nkids, 2));
    return qv__json_wrap(c, qv_type_run_end_encoded_fields(kids[0], kids[1], out, c->err));
  }
  size_t saved = qv__json_path_key(c, "name");
  qv_status st = qv__json_fail(c, QV_ERR_INVALID_DATA, "unknown type name \"%.40s\"", name);
  qv_json_path_pop(c, saved);
  return st;
}

qv_status qv__json_read_metadata(qv_json_rctx *c, const json_t *jmd, qv_metadata **out) {
  qv_status st = QV_OK;
  qv_metadata *md = NULL;
  *out = NULL;
  if (jmd == NULL || json_is_null(jmd)) return QV_OK;
  if (json_is_object(jmd)) { /* tolerated: {"key": "value", ...} */
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)jmd, key, v) {
      size_t saved = qv__json_path_key(c, key);
      if (!json_is_string(v)) {
        st = qv__json_fail(c, QV_ERR_INVALID_DATA, "expected a string, found %s", qv__json_kind(v));
        goto cleanup;
      }
      if (md == NULL) QV_GOTO_IF_ERROR(st, qv_metadata_new(&md, c->err), cleanup);
      QV_GOTO_IF_ERROR(st, qv_metadata_append(md, key, -1, json_string_value(v), (int32_t)json_string_length(v),
                                              c->err),
                       cleanup);
      qv_json_path_pop(c, saved);
    }
  } else if (json_is_array(jmd)) {
    for (size_t i = 0; i < json_array_size(jmd); i++) {
      const json_t *kv = json_array_get(jmd, i), *k, *v;
      size_t saved = qv__json_path_index(c, (int64_t)i);
      if (!json_is_object(kv)) {
        st = qv__json_fail(c, QV_ERR_INVALID_DATA, "expected an object {\"key\", \"value\"}, found %s",
                          qv__json_kind(kv));
        goto cleanup;
      }
      QV_GOTO_IF_ERROR(st, qv__json_member(c, kv, "key", JSON_STRING, true, &k), cleanup);
      QV_GOTO_IF_ERROR(st, qv__json_member(c, kv, "value", JSON_STRING, true, &v), cleanup);
      if (json_string_length(k) > INT32_MAX || json_string_length(v) > INT32_MAX) {
        QV_FAIL_GOTO(st, cleanup, c->err, QV_ERR_LIMIT, "%s: metadata entry longer than 2^31-1 bytes", c->path);
      }
      if (md == NULL) QV_GOTO_IF_ERROR(st, qv_metadata_new(&md, c->err), cleanup);
      QV_GOTO_IF_ERROR(st, qv_metadata_append(md, json_string_value(k), (int32_t)json_string_length(k),
                                              json_string_value(v), (int32_t)json_string_length(v), c->err),
                       cleanup);
      qv_json_path_pop(c, saved);
    }
  } else {
    return qv__json_fail(c, QV_ERR_INVALID_DATA, "expected null or an array of {\"key\", \"value\"}, found %s",
                        qv__json_kind(jmd));
  }
  *out = md;
  md = NULL;
cleanup:
  qv_metadata_free(md);
  return st;
}

/* Wraps *type in the extension the metadata names, dropping the two keys. */
static qv_status apply_extension(qv_json_rctx *c, qv_type **type, qv_metadata **md) {
  const qv_kv *name = qv_metadata_find(*md, EXT_NAME_KEY);
  if (name == NULL || name->value_len == 0) return QV_OK;
  const qv_kv *meta = qv_metadata_find(*md, EXT_METADATA_KEY);
  qv_type *ext = NULL;
  qv_metadata *rest = NULL;
  qv_error ignored;
  qv_status st = qv_type_extension(name->value, meta ? meta->value : NULL, meta ? meta->value_len : 0, *type, &ext,
                                   &ignored);
  if (st == QV_ERR_NO_MEMORY) return qv_error_set(c->err, st, "%s", ignored.message);
  if (st != QV_OK) return QV_OK; /* keep the storage type and the keys */
  for (int64_t i = 0; i < (*md)->n; i++) {
    const qv_kv *kv = &(*md)->pairs[i];
    if (strcmp(kv->key, EXT_NAME_KEY) == 0 || strcmp(kv->key, EXT_METADATA_KEY) == 0) continue;
    if (rest == NULL) QV_GOTO_IF_ERROR(st, qv_metadata_new(&rest, c->err), fail);
    QV_GOTO_IF_ERROR(st, qv_metadata_append(rest, kv->key, kv->key_len, kv->value, kv->value_len, c->err), fail);
  }
  qv_type_release(*type);
  *type = ext;
  qv_metadata_free(*md);
  *md = rest;
  return QV_OK;
fail:
  qv_type_release(ext);
  qv_metadata_free(rest);
  return st;
}

/* The "dictionary" member: wraps *type in a dictionary type and registers the id. */
static qv_status apply_dictionary(qv_json_rctx *c, const json_t *jfield, const json_t *jd, qv_type **type) {
  qv_status st = QV_OK;
  const json_t *jid, *jindex;
  qv_type *index = NULL, *dict = NULL;
  bool ordered;
  size_t saved = qv__json_path_key(c, "dictionary");
  QV_GOTO_IF_ERROR(st, qv__json_member(c, jd, "id", JSON_INTEGER, true, &jid), done);
  QV_GOTO_IF_ERROR(st, qv__json_member(c, jd, "indexType", JSON_OBJECT, false, &jindex), done);
  QV_GOTO_IF_ERROR(st, get_bool_member(c, jd, "isOrdered", false, &ordered), done);
  if (jindex != NULL) {
    size_t k = qv__json_path_key(c, "indexType");
    const json_t *jn = json_object_get(jindex, "name");
    if (!json_is_string(jn) || strcmp(json_string_value(jn), "int") != 0) {
      st = qv__json_fail(c, QV_ERR_INVALID_DATA, "the index type must be {\"name\": \"int\", ...}");
      goto done;
    }
    QV_GOTO_IF_ERROR(st, int_type(c, jindex, &index), done);
    qv_json_path_pop(c, k);
  } else {
    index = qv_type_int32();
  }
  QV_GOTO_IF_ERROR(st, qv__json_wrap(c, qv_type_dictionary(index, *type, ordered, &dict, c->err)), done);
  QV_GOTO_IF_ERROR(st, qv__json_dict_register(c, (int64_t)json_integer_value(jid), jfield, dict), done);
  qv_type_release(*type);
  *type = dict;
  dict = NULL;
  qv_json_path_pop(c, saved);
done:
  qv_type_release(dict);
  return st;
}

static qv_status read_field(qv_json_rctx *c, const json_t *jf, int depth, qv_field **out) {
  qv_status st = QV_OK;
  const json_t *jname, *jnullable, *jtype, *jkids, *jdict, *jmd;
  qv_field **kids = NULL;
  int32_t nkids = 0;
  qv_type *type = NULL;
  qv_metadata *md = NULL;
  *out = NULL;
  if (!json_is_object(jf)) return qv__json_fail(c, QV_ERR_INVALID_DATA, "expected a field object, found %s", qv__json_kind(jf));
  if (depth > QV_JSON_MAX_DEPTH) {
    return qv__json_fail(c, QV_ERR_LIMIT, "fields nested more than %d levels deep", QV_JSON_MAX_DEPTH);
  }
  QV_RETURN_IF_ERROR(qv__json_member(c, jf, "name", JSON_STRING, true, &jname));
  QV_RETURN_IF_ERROR(qv__json_member(c, jf, "nullable", JSON_TRUE, true, &jnullable));
  QV_RETURN_IF_ERROR(qv__json_member(c, jf, "type", JSON_OBJECT, true, &jtype));
  QV_RETURN_IF_ERROR(qv__json_member(c, jf, "children", JSON_ARRAY, false, &jkids));
  QV_RETURN_IF_ERROR(qv__json_member(c, jf, "dictionary", JSON_OBJECT, false, &jdict));
  QV_RETURN_IF_ERROR(qv__json_member(c, jf, "metadata", JSON_NULL, false, &jmd));
  if (strlen(json_string_value(jname)) != json_string_length(jname)) {
    return qv__json_fail(c, QV_ERR_INVALID_DATA, "the field name contains a NUL character");
  }

  size_t nk = jkids ? json_array_size(jkids) : 0;
  if (nk > INT32_MAX) return qv__json_fail(c, QV_ERR_LIMIT, "too many children");
  nkids = (int32_t)nk;
  kids = qv__calloc(nk, sizeof *kids);
  QV_CHECK_ALLOC(kids, c->err);
  size_t saved = qv__json_path_key(c, "children");
  for (int32_t i = 0; i < nkids; i++) {
    size_t k = qv__json_path_index(c, i);
    QV_GOTO_IF_ERROR(st, read_field(c, json_array_get(jkids, (size_t)i), depth + 1, &kids[i]), cleanup);
    qv_json_path_pop(c, k);
  }
  qv_json_path_pop(c, saved);

  saved = qv__json_path_key(c, "type");
  QV_GOTO_IF_ERROR(st, read_type(c, jtype, kids, nkids, &type), cleanup);
  qv_json_path_pop(c, saved);
  if (jdict != NULL) QV_GOTO_IF_ERROR(st, apply_dictionary(c, jf, jdict, &type), cleanup);
  saved = qv__json_path_key(c, "metadata");
  QV_GOTO_IF_ERROR(st, qv__json_read_metadata(c, jmd, &md), cleanup);
  qv_json_path_pop(c, saved);
  if (md != NULL) QV_GOTO_IF_ERROR(st, apply_extension(c, &type, &md), cleanup);
  st = qv__json_wrap(c, qv_field_new(json_string_value(jname), type, json_is_true(jnullable), md, out, c->err));

cleanup:
  for (int32_t i = 0; i < nkids; i++) qv_field_release(kids[i]);
  free(kids);
  qv_type_release(type);
  qv_metadata_free(md);
  return st;
}

qv_status qv__json_read_schema(qv_json_rctx *c, const json_t *jschema, qv_schema **out) {
  qv_status st = QV_OK;
  const json_t *jfields, *jmd;
  qv_field **fields = NULL;
  qv_metadata *md = NULL;
  size_t n = 0;
  QV_RETURN_IF_ERROR(qv__json_member(c, jschema, "fields", JSON_ARRAY, true, &jfields));
  QV_RETURN_IF_ERROR(qv__json_member(c, jschema, "metadata", JSON_NULL, false, &jmd));
  n = json_array_size(jfields);
  if (n > INT32_MAX) return qv__json_fail(c, QV_ERR_LIMIT, "too many fields");
  fields = qv__calloc(n, sizeof *fields);
  QV_CHECK_ALLOC(fields, c->err);
  size_t saved = qv__json_path_key(c, "fields");
  for (size_t i = 0; i < n; i++) {
    size_t k = qv__json_path_index(c, (int64_t)i);
    QV_GOTO_IF_ERROR(st, read_field(c, json_array_get(jfields, i), 0, &fields[i]), cleanup);
    qv_json_path_pop(c, k);
  }
  qv_json_path_pop(c, saved);
  saved = qv__json_path_key(c, "metadata");
  QV_GOTO_IF_ERROR(st, qv__json_read_metadata(c, jmd, &md), cleanup);
  qv_json_path_pop(c, saved);
  st = qv__json_wrap(c, qv_schema_new(fields, (int32_t)n, md, out, c->err));
cleanup:
  for (size_t i = 0; i < n; i++) qv_field_release(fields[i]);
  free(fields);
  qv_metadata_free(md);
  return st;
}
