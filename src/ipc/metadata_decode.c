/* quiver IPC: decoding verified Arrow metadata into quiver objects.
 *
 * Every function here starts from a table that fb_verify has accepted, so
 * reads are in bounds; what remains is Arrow's semantics: versions, header
 * kinds, type parameters, child counts, non-negative sizes. Anything outside
 * the spec is QV_ERR_INVALID_DATA with a message naming the field path or
 * the node/buffer index; types newer than this quiver are
 * QV_ERR_UNSUPPORTED. Decoding never trusts a count for an allocation that
 * the verifier has not bounded by the metadata size.
 *
 * Ownership: each decode function owns what it has built until it hands it
 * over; failures release everything through one cleanup exit per function.
 * Schema decoding recurses once per Field level, bounded by
 * QV_IPC_MAX_FIELD_DEPTH (and by the verifier's table depth).
 */
#include <inttypes.h>
#include <stdio.h>

#include "core/internal.h"
#include "ipc/metadata.h"

#define BAD(err, ...) qv_error_set((err), QV_ERR_INVALID_DATA, __VA_ARGS__)

/* ------------------------------------------------------------------ */
/* Message envelope                                                     */
/* ------------------------------------------------------------------ */

static qv_status message_decode(const uint8_t *meta, size_t len, bool verified, qv_ipc_message *out,
                                qv_error *err) {
  memset(out, 0, sizeof *out);
  qv_fb_table m, h;
  if (verified)
    m = qv_fb_root(meta);
  else
    QV_RETURN_IF_ERROR(qv__fb_verify_message(meta, len, &m, err));
  int16_t version = qv_fb_table_get_int16(&m, FB_MESSAGE_VERSION, FB_METADATA_V1);
  if (version < FB_METADATA_V4 || version > FB_METADATA_V5) {
    return qv_error_set(err, QV_ERR_UNSUPPORTED,
                        "Message metadata version %d (V%d) is not supported: quiver reads V4 "
                        "(Arrow >= 0.8) and V5 (Arrow >= 1.0)",
                        (int)version, (int)version + 1);
  }
  uint8_t type = qv_fb_table_get_union(&m, FB_MESSAGE_HEADER_TYPE, &h);
  if (type == FB_HEADER_NONE) return BAD(err, "Message has no header");
  if (type > FB_HEADER_RECORD_BATCH) {
    return qv_error_set(err, QV_ERR_UNSUPPORTED, "Message header %s (%u) is not supported",
                        qv__fb_header_name(type), (unsigned)type);
  }
  int64_t body = qv_fb_table_get_int64(&m, FB_MESSAGE_BODY_LENGTH, 0);
  if (body < 0) return BAD(err, "Message bodyLength %" PRId64 " is negative", body);
  if (type == FB_HEADER_SCHEMA && body != 0) {
    return BAD(err, "Schema message has a body of %" PRId64 " bytes (a Schema has none)", body);
  }
  out->version = version;
  out->type = type;
  out->body_length = body;
  out->message = m;
  out->header = h;
  out->meta_len = len;
  return QV_OK;
}

qv_status qv__ipc_message_decode(const uint8_t *meta, size_t len, qv_ipc_message *out, qv_error *err) {
  return message_decode(meta, len, false, out, err);
}

qv_status qv__ipc_message_decode_known(const uint8_t *meta, size_t len, qv_ipc_message *out, qv_error *err) {
  return message_decode(meta, len, true, out, err);
}

qv_status qv__ipc_metadata_decode(const qv_fb_table *t, unsigned slot, qv_metadata **out, qv_error *err) {
  qv_fb_vector v;
  qv_metadata *md = NULL;
  qv_status st = QV_OK;
  *out = NULL;
  if (!qv_fb_table_get_vector(t, slot, &v) || v.len == 0) return QV_OK;
  QV_RETURN_IF_ERROR(qv_metadata_new(&md, err));
  for (uint32_t i = 0; i < v.len; i++) {
    qv_fb_table kv;
    const char *k, *val;
    size_t kn, vn;
    qv_fb_vector_get_table(&v, i, &kv);
    /* Absent key or value reads as "" (lengths < 2^31: the buffer is). */
    if (!qv_fb_table_get_string(&kv, FB_KEY_VALUE_KEY, &k, &kn)) k = "";
    if (!qv_fb_table_get_string(&kv, FB_KEY_VALUE_VALUE, &val, &vn)) val = "";
    QV_GOTO_IF_ERROR(st, qv_metadata_append(md, k, (int32_t)kn, val, (int32_t)vn, err), cleanup);
  }
  *out = md;
  return QV_OK;
cleanup:
  qv_metadata_free(md);
  return st;
}

/* ------------------------------------------------------------------ */
/* Schema                                                               */
/* ------------------------------------------------------------------ */

typedef struct dctx {
  qv_ipc_schema_info *info;
  int32_t dict_cap;
  char path[512]; /* dotted field path for messages, truncated if long */
  size_t path_len;
  qv_error *err;
} dctx;

static size_t path_push(dctx *c, const char *name, size_t n) {
  size_t saved = c->path_len;
  size_t room = sizeof c->path - 1 - c->path_len;
  if (saved != 0 && room > 0) {
    c->path[c->path_len++] = '.';
    room--;
  }
  if (n > room) n = room;
  memcpy(c->path + c->path_len, name, n);
  c->path_len += n;
  c->path[c->path_len] = '\0';
  return saved;
}

static void path_pop(dctx *c, size_t saved) {
  c->path_len = saved;
  c->path[saved] = '\0';
}

QV_PRINTF(3, 4)
static qv_status field_error(dctx *c, qv_status code, const char *fmt, ...) {
  char msg[QV_ERROR_MESSAGE_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return qv_error_set(c->err, code, "field '%s': %s", c->path, msg);
}

/* A type constructor rejected parameters read from the file: that is bad
 * data, not API misuse. Adds the field path. */
static qv_status constructor_error(dctx *c, qv_status st) {
  if (st == QV_ERR_INVALID_ARGUMENT) st = QV_ERR_INVALID_DATA;
  qv_error_prefix(c->err, "field '%s': ", c->path);
  if (c->err != NULL) c->err->code = st;
  return st;
}

#define CTOR(c, expr)                                            \
  do {                                                           \
    qv_status qv__s = (expr);                                    \
    if (qv__s != QV_OK) return constructor_error((c), qv__s);    \
  } while (0)

static qv_type *int_type(int32_t bits, bool is_signed) {
  switch (bits) {
    case 8: return is_signed ? qv_type_int8() : qv_type_uint8();
    case 16: return is_signed ? qv_type_int16() : qv_type_uint16();
    case 32: return is_signed ? qv_type_int32() : qv_type_uint32();
    case 64: return is_signed ? qv_type_int64() : qv_type_uint64();
    default: return NULL;
  }
}

static qv_status decode_int(dctx *c, const qv_fb_table *t, const char *what, qv_type **out) {
  int32_t bits = qv_fb_table_get_int32(t, FB_INT_BIT_WIDTH, 0);
  *out = int_type(bits, qv_fb_table_get_bool(t, FB_INT_IS_SIGNED, false));
  if (*out == NULL) {
    return field_error(c, QV_ERR_INVALID_DATA, "%s bitWidth %d is not 8, 16, 32 or 64", what,
                       (int)bits);
  }
  return QV_OK;
}

static qv_status decode_unit(dctx *c, const qv_fb_table *t, unsigned slot, int16_t def,
                             const char *what, qv_time_unit *out) {
  int16_t u = qv_fb_table_get_int16(t, slot, def);
  if (u < FB_TIMEUNIT_SECOND || u > FB_TIMEUNIT_NANOSECOND) {
    return field_error(c, QV_ERR_INVALID_DATA, "%s unit %d is not a TimeUnit", what, (int)u);
  }
  *out = (qv_time_unit)u; /* FB_TIMEUNIT_* and QV_UNIT_* share values */
  return QV_OK;
}

/* Children count check for a type tag. */
static qv_status want_children(dctx *c, uint8_t tag, int32_t have, int32_t want) {
  if (have == want) return QV_OK;
  return field_error(c, QV_ERR_INVALID_DATA, "a %s field must have %d child%s, it has %d",
                     qv__fb_type_name(tag), (int)want, want == 1 ? "" : "ren", (int)have);
}

static qv_status decode_union(dctx *c, const qv_fb_table *t, qv_field **kids, int32_t n,
                              qv_type **out) {
  int16_t mode = qv_fb_table_get_int16(t, FB_UNION_MODE, FB_UNION_MODE_SPARSE);
  if (mode != FB_UNION_MODE_SPARSE && mode != FB_UNION_MODE_DENSE) {
    return field_error(c, QV_ERR_INVALID_DATA, "Union mode %d is neither Sparse nor Dense", (int)mode);
  }
  if (n > 128) return field_error(c, QV_ERR_INVALID_DATA, "a Union has %d children (at most 128)", (int)n);
  int8_t codes[128];
  qv_fb_vector ids;
  bool has_ids = qv_fb_table_get_vector(t, FB_UNION_TYPE_IDS, &ids);
  if (has_ids) {
    if (ids.len != (uint32_t)n) {
      return field_error(c, QV_ERR_INVALID_DATA, "Union typeIds has %u entries for %d children",
                         (unsigned)ids.len, (int)n);
    }
    for (int32_t i = 0; i < n; i++) {
      int32_t code = qv_fb_vector_get_int32(&ids, (uint32_t)i);
      if (code < 0 || code > 127) {
        return field_error(c, QV_ERR_INVALID_DATA, "Union type id %d of child %d is outside 0..127",
                           (int)code, (int)i);
      }
      codes[i] = (int8_t)code;
    }
  }
  qv_type_id id = mode == FB_UNION_MODE_DENSE ? QV_TYPE_DENSE_UNION : QV_TYPE_SPARSE_UNION;
  CTOR(c, qv_type_union(id, kids, n, has_ids ? codes : NULL, out, c->err));
  return QV_OK;
}

/* The value type for Type member `tag` (table t) with decoded children. */
static qv_status decode_type(dctx *c, uint8_t tag, const qv_fb_table *t, qv_field **kids, int32_t n,
                             qv_type **out) {
  qv_type *single = NULL;
  qv_time_unit unit = QV_UNIT_SECOND;
  *out = NULL;
  switch (tag) {
    case FB_TYPE_NULL: single = qv_type_null(); break;
    case FB_TYPE_BOOL: single = qv_type_bool(); break;
    case FB_TYPE_BINARY: single = qv_type_binary(); break;
    case FB_TYPE_UTF8: single = qv_type_string(); break;
    case FB_TYPE_LARGE_BINARY: single = qv_type_large_binary(); break;
    case FB_TYPE_LARGE_UTF8: single = qv_type_large_string(); break;
    case FB_TYPE_BINARY_VIEW: single = qv_type_binary_view(); break;
    case FB_TYPE_UTF8_VIEW: single = qv_type_string_view(); break;
    case FB_TYPE_INT: QV_RETURN_IF_ERROR(decode_int(c, t, "Int", &single)); break;
    case FB_TYPE_FLOATING_POINT: {
      int16_t p = qv_fb_table_get_int16(t, FB_FLOATING_POINT_PRECISION, FB_PRECISION_HALF);
      if (p == FB_PRECISION_HALF) single = qv_type_float16();
      else if (p == FB_PRECISION_SINGLE) single = qv_type_float32();
      else if (p == FB_PRECISION_DOUBLE) single = qv_type_float64();
      else return field_error(c, QV_ERR_INVALID_DATA, "FloatingPoint precision %d is unknown", (int)p);
      break;
    }
    case FB_TYPE_INTERVAL: {
      int16_t u = qv_fb_table_get_int16(t, FB_INTERVAL_UNIT, FB_INTERVAL_YEAR_MONTH);
      if (u == FB_INTERVAL_YEAR_MONTH) single = qv_type_interval_months();
      else if (u == FB_INTERVAL_DAY_TIME) single = qv_type_interval_day_time();
      else if (u == FB_INTERVAL_MONTH_DAY_NANO) single = qv_type_interval_month_day_nano();
      else return field_error(c, QV_ERR_INVALID_DATA, "Interval unit %d is unknown", (int)u);
      break;
    }
    case FB_TYPE_DATE: {
      int16_t u = qv_fb_table_get_int16(t, FB_DATE_UNIT, FB_DATE_UNIT_MILLISECOND);
      if (u == FB_DATE_UNIT_DAY) single = qv_type_date32();
      else if (u == FB_DATE_UNIT_MILLISECOND) single = qv_type_date64();
      else return field_error(c, QV_ERR_INVALID_DATA, "Date unit %d is unknown", (int)u);
      break;
    }
    case FB_TYPE_DECIMAL:
      CTOR(c, qv_type_decimal(qv_fb_table_get_int32(t, FB_DECIMAL_BIT_WIDTH, FB_DECIMAL_DEFAULT_BIT_WIDTH),
                              qv_fb_table_get_int32(t, FB_DECIMAL_PRECISION, 0),
                              qv_fb_table_get_int32(t, FB_DECIMAL_SCALE, 0), out, c->err));
      break;
    case FB_TYPE_TIME: {
      QV_RETURN_IF_ERROR(decode_unit(c, t, FB_TIME_UNIT, FB_TIMEUNIT_MILLISECOND, "Time", &unit));
      int32_t bits = qv_fb_table_get_int32(t, FB_TIME_BIT_WIDTH, FB_TIME_DEFAULT_BIT_WIDTH);
      bool small = unit == QV_UNIT_SECOND || unit == QV_UNIT_MILLI;
      if (bits != (small ? 32 : 64)) {
        return field_error(c, QV_ERR_INVALID_DATA, "Time with unit %d needs bitWidth %d, not %d",
                           (int)unit, small ? 32 : 64, (int)bits);
      }
      CTOR(c, small ? qv_type_time32(unit, out, c->err) : qv_type_time64(unit, out, c->err));
      break;
    }
    case FB_TYPE_TIMESTAMP: {
      const char *tz;
      QV_RETURN_IF_ERROR(decode_unit(c, t, FB_TIMESTAMP_UNIT, FB_TIMEUNIT_SECOND, "Timestamp", &unit));
      qv_fb_table_get_string(t, FB_TIMESTAMP_TIMEZONE, &tz, NULL);
      CTOR(c, qv_type_timestamp(unit, tz, out, c->err));
      break;
    }
    case FB_TYPE_DURATION:
      QV_RETURN_IF_ERROR(decode_unit(c, t, FB_DURATION_UNIT, FB_TIMEUNIT_MILLISECOND, "Duration", &unit));
      CTOR(c, qv_type_duration(unit, out, c->err));
      break;
    case FB_TYPE_FIXED_SIZE_BINARY:
      CTOR(c, qv_type_fixed_size_binary(qv_fb_table_get_int32(t, FB_FIXED_SIZE_BINARY_BYTE_WIDTH, 0), out,
                                        c->err));
      break;
    case FB_TYPE_LIST:
    case FB_TYPE_LARGE_LIST:
    case FB_TYPE_LIST_VIEW:
    case FB_TYPE_LARGE_LIST_VIEW:
      QV_RETURN_IF_ERROR(want_children(c, tag, n, 1));
      CTOR(c, tag == FB_TYPE_LIST         ? qv_type_list(kids[0], out, c->err)
              : tag == FB_TYPE_LARGE_LIST ? qv_type_large_list(kids[0], out, c->err)
              : tag == FB_TYPE_LIST_VIEW  ? qv_type_list_view(kids[0], out, c->err)
                                          : qv_type_large_list_view(kids[0], out, c->err));
      return QV_OK;
    case FB_TYPE_FIXED_SIZE_LIST:
      QV_RETURN_IF_ERROR(want_children(c, tag, n, 1));
      CTOR(c, qv_type_fixed_size_list(kids[0], qv_fb_table_get_int32(t, FB_FIXED_SIZE_LIST_LIST_SIZE, 0),
                                      out, c->err));
      return QV_OK;
    case FB_TYPE_MAP:
      QV_RETURN_IF_ERROR(want_children(c, tag, n, 1));
      CTOR(c, qv_type_map_from_entries(kids[0], qv_fb_table_get_bool(t, FB_MAP_KEYS_SORTED, false), out,
                                       c->err));
      return QV_OK;
    case FB_TYPE_STRUCT:
      CTOR(c, qv_type_struct(kids, n, out, c->err));
      return QV_OK;
    case FB_TYPE_UNION:
      return decode_union(c, t, kids, n, out);
    case FB_TYPE_RUN_END_ENCODED:
      QV_RETURN_IF_ERROR(want_children(c, tag, n, 2));
      CTOR(c, qv_type_run_end_encoded_fields(kids[0], kids[1], out, c->err));
      return QV_OK;
    default:
      return field_error(c, QV_ERR_UNSUPPORTED, "Type %u is not supported (written by a newer Arrow?)",
                         (unsigned)tag);
  }
  /* Non-nested types: children would be silently lost. */
  if (n != 0) {
    qv_type_release(*out);
    *out = NULL;
    return want_children(c, tag, n, 0);
  }
  if (single != NULL) *out = single;
  return QV_OK;
}

/* Reserves the next pre-order dictionary slot. */
static qv_status reserve_dict(dctx *c, int64_t id, int32_t *slot) {
  qv_ipc_schema_info *info = c->info;
  if (info->n_dicts == c->dict_cap) {
    int32_t cap = c->dict_cap ? c->dict_cap * 2 : 8;
    qv_ipc_dict_field *p = qv__realloc(info->dicts, (size_t)cap * sizeof *p);
    QV_CHECK_ALLOC(p, c->err);
    info->dicts = p;
    c->dict_cap = cap;
  }
  *slot = info->n_dicts++;
  info->dicts[*slot] = (qv_ipc_dict_field){id, NULL, NULL};
  return QV_OK;
}

/* Copy of md without the two extension keys (NULL if nothing is left). */
static qv_status strip_extension_keys(const qv_metadata *md, qv_metadata **out, qv_error *err) {
  qv_metadata *rest = NULL;
  *out = NULL;
  for (int64_t i = 0; i < md->n; i++) {
    const qv_kv *kv = &md->pairs[i];
    if (strcmp(kv->key, QV_IPC_EXTENSION_NAME_KEY) == 0 ||
        strcmp(kv->key, QV_IPC_EXTENSION_METADATA_KEY) == 0) {
      continue;
    }
    qv_status st = rest ? QV_OK : qv_metadata_new(&rest, err);
    if (st == QV_OK) st = qv_metadata_append(rest, kv->key, kv->key_len, kv->value, kv->value_len, err);
    if (st != QV_OK) {
      qv_metadata_free(rest);
      return st;
    }
  }
  *out = rest;
  return QV_OK;
}

/* Wraps *type in the extension named by the field metadata, if any, and
 * drops the two keys from *md. A known canonical name over the wrong
 * storage keeps the storage type and the keys (nothing is lost). */
static qv_status apply_extension(dctx *c, qv_type **type, qv_metadata **md) {
  const qv_kv *name = qv_metadata_find(*md, QV_IPC_EXTENSION_NAME_KEY);
  if (name == NULL || name->value_len == 0) return QV_OK;
  const qv_kv *meta = qv_metadata_find(*md, QV_IPC_EXTENSION_METADATA_KEY);
  qv_type *ext = NULL;
  qv_error ignored;
  qv_status st = qv_type_extension(name->value, meta ? meta->value : NULL, meta ? meta->value_len : 0,
                                   *type, &ext, &ignored);
  if (st == QV_ERR_NO_MEMORY) return qv_error_set(c->err, st, "%s", ignored.message);
  if (st != QV_OK) return QV_OK; /* keep storage + keys */
  qv_metadata *rest = NULL;
  st = strip_extension_keys(*md, &rest, c->err);
  if (st != QV_OK) {
    qv_type_release(ext);
    return st;
  }
  qv_type_release(*type);
  *type = ext;
  qv_metadata_free(*md);
  *md = rest;
  return QV_OK;
}

static qv_status decode_field(dctx *c, const qv_fb_table *ft, int depth, qv_field **out) {
  qv_status st = QV_OK;
  qv_field **kids = NULL;
  int32_t nkids = 0, dict_slot = -1;
  qv_type *type = NULL, *index = NULL, *dict = NULL;
  qv_metadata *md = NULL;
  qv_fb_table ty, de;
  qv_fb_vector children;
  const char *name;
  size_t name_len;
  *out = NULL;

  if (!qv_fb_table_get_string(ft, FB_FIELD_NAME, &name, &name_len)) name = "";
  size_t saved = path_push(c, name, name_len);
  if (depth > QV_IPC_MAX_FIELD_DEPTH) {
    st = field_error(c, QV_ERR_LIMIT, "fields nested more than %d levels deep", QV_IPC_MAX_FIELD_DEPTH);
    goto cleanup;
  }
  if (name_len != strlen(name)) {
    st = field_error(c, QV_ERR_INVALID_DATA, "the name contains a NUL byte");
    goto cleanup;
  }
  uint8_t tag = qv_fb_table_get_union(ft, FB_FIELD_TYPE_TYPE, &ty);
  if (tag == FB_TYPE_NONE) {
    st = field_error(c, QV_ERR_INVALID_DATA, "Field.type is missing");
    goto cleanup;
  }
  bool has_dict = qv_fb_table_get_table(ft, FB_FIELD_DICTIONARY, &de);
  if (has_dict) {
    QV_GOTO_IF_ERROR(st, reserve_dict(c, qv_fb_table_get_int64(&de, FB_DICTIONARY_ENCODING_ID, 0), &dict_slot),
                     cleanup);
  }

  qv_fb_table_get_vector(ft, FB_FIELD_CHILDREN, &children);
  nkids = (int32_t)children.len; /* < 2^29: each entry is 4 verified bytes */
  if (nkids > 0) {
    kids = qv__calloc((size_t)nkids, sizeof *kids);
    QV_CHECK_ALLOC_GOTO(kids, st, c->err, cleanup);
  }
  for (int32_t i = 0; i < nkids; i++) {
    qv_fb_table kt;
    qv_fb_vector_get_table(&children, (uint32_t)i, &kt);
    QV_GOTO_IF_ERROR(st, decode_field(c, &kt, depth + 1, &kids[i]), cleanup);
  }
  QV_GOTO_IF_ERROR(st, decode_type(c, tag, &ty, kids, nkids, &type), cleanup);

  if (has_dict) {
    qv_fb_table it;
    if (qv_fb_table_get_table(&de, FB_DICTIONARY_ENCODING_INDEX_TYPE, &it)) {
      QV_GOTO_IF_ERROR(st, decode_int(c, &it, "DictionaryEncoding.indexType", &index), cleanup);
    } else {
      index = qv_type_int32(); /* the spec's default */
    }
    int16_t kind = qv_fb_table_get_int16(&de, FB_DICTIONARY_ENCODING_KIND, FB_DICTIONARY_KIND_DENSE_ARRAY);
    if (kind != FB_DICTIONARY_KIND_DENSE_ARRAY) {
      st = field_error(c, QV_ERR_UNSUPPORTED, "DictionaryEncoding.dictionaryKind %d is not DenseArray",
                       (int)kind);
      goto cleanup;
    }
    st = qv_type_dictionary(index, type, qv_fb_table_get_bool(&de, FB_DICTIONARY_ENCODING_IS_ORDERED, false),
                            &dict, c->err);
    if (st != QV_OK) {
      st = constructor_error(c, st);
      goto cleanup;
    }
    qv_type_release(type);
    type = dict;
    dict = NULL;
  }

  QV_GOTO_IF_ERROR(st, qv__ipc_metadata_decode(ft, FB_FIELD_CUSTOM_METADATA, &md, c->err), cleanup);
  QV_GOTO_IF_ERROR(st, apply_extension(c, &type, &md), cleanup);
  QV_GOTO_IF_ERROR(st, qv_field_new(name, type, qv_fb_table_get_bool(ft, FB_FIELD_NULLABLE, false), md, out,
                                    c->err),
                   cleanup);
  if (dict_slot >= 0) {
    const qv_type *t = (*out)->type;
    c->info->dicts[dict_slot].field = *out;
    c->info->dicts[dict_slot].type = t->id == QV_TYPE_EXTENSION ? t->storage_type : t;
  }

cleanup:
  for (int32_t i = 0; kids != NULL && i < nkids; i++) qv_field_release(kids[i]); /* kids NULL: calloc failed */
  free(kids);
  qv_type_release(type);
  qv_type_release(index);
  qv_metadata_free(md);
  path_pop(c, saved);
  return st;
}

void qv__ipc_schema_info_free(qv_ipc_schema_info *info) {
  if (info == NULL) return;
  qv_schema_release(info->schema);
  free(info->dicts);
  memset(info, 0, sizeof *info);
}

qv_status qv__ipc_schema_decode(const qv_fb_table *schema, qv_ipc_schema_info *out, qv_error *err) {
  qv_status st = QV_OK;
  dctx c = {out, 0, {0}, 0, err};
  qv_fb_vector fields, features;
  qv_field **fv = NULL;
  int32_t nf = 0;
  qv_metadata *md = NULL;
  memset(out, 0, sizeof *out);

  int16_t endian = qv_fb_table_get_int16(schema, FB_SCHEMA_ENDIANNESS, FB_ENDIANNESS_LITTLE);
  if (endian != FB_ENDIANNESS_LITTLE && endian != FB_ENDIANNESS_BIG) {
    return BAD(err, "Schema.endianness %d is neither Little nor Big", (int)endian);
  }
  out->big_endian = endian == FB_ENDIANNESS_BIG;
  qv_fb_table_get_vector(schema, FB_SCHEMA_FEATURES, &features);
  for (uint32_t i = 0; i < features.len; i++) out->features |= qv_fb_vector_get_int64(&features, i);
  if (!qv_fb_table_get_vector(schema, FB_SCHEMA_FIELDS, &fields)) {
    return BAD(err, "Schema.fields is missing");
  }
  nf = (int32_t)fields.len;
  qv_field *small[16] = {NULL}; /* most schemas: no allocation */
  if (nf <= 16) {
    fv = small;
  } else {
    fv = qv__calloc((size_t)nf, sizeof *fv);
    QV_CHECK_ALLOC(fv, err);
  }
  for (int32_t i = 0; i < nf; i++) {
    qv_fb_table ft;
    qv_fb_vector_get_table(&fields, (uint32_t)i, &ft);
    QV_GOTO_IF_ERROR(st, decode_field(&c, &ft, 1, &fv[i]), cleanup);
  }
  QV_GOTO_IF_ERROR(st, qv__ipc_metadata_decode(schema, FB_SCHEMA_CUSTOM_METADATA, &md, err), cleanup);
  QV_GOTO_IF_ERROR(st, qv_schema_new(fv, nf, md, &out->schema, err), cleanup);

cleanup:
  for (int32_t i = 0; i < nf; i++) qv_field_release(fv[i]);
  if (fv != small) free(fv);
  qv_metadata_free(md);
  if (st != QV_OK) qv__ipc_schema_info_free(out);
  return st;
}

/* ------------------------------------------------------------------ */
/* RecordBatch / DictionaryBatch                                        */
/* ------------------------------------------------------------------ */

qv_status qv__ipc_batch_decode(const qv_fb_table *rb, int64_t body_length, qv_ipc_batch_header *out,
                              qv_error *err) {
  qv_fb_vector nodes, buffers, variadic;
  qv_fb_table comp;
  memset(out, 0, sizeof *out);
  out->length = qv_fb_table_get_int64(rb, FB_RECORD_BATCH_LENGTH, 0);
  if (out->length < 0) return BAD(err, "RecordBatch.length %" PRId64 " is negative", out->length);
  if (!qv_fb_table_get_vector(rb, FB_RECORD_BATCH_NODES, &nodes)) return BAD(err, "RecordBatch.nodes is missing");
  if (!qv_fb_table_get_vector(rb, FB_RECORD_BATCH_BUFFERS, &buffers)) {
    return BAD(err, "RecordBatch.buffers is missing");
  }
  qv_fb_table_get_vector(rb, FB_RECORD_BATCH_VARIADIC_BUFFER_COUNTS, &variadic);
  out->n_nodes = nodes.len;
  out->nodes_ = nodes.buf + nodes.pos;
  out->n_buffers = buffers.len;
  out->buffers_ = buffers.buf + buffers.pos;
  out->n_variadic = variadic.len;
  out->variadic_ = variadic.len ? variadic.buf + variadic.pos : NULL;
  for (uint32_t i = 0; i < out->n_nodes; i++) {
    qv_ipc_field_node n = qv_ipc_batch_node(out, i);
    if (n.length < 0) return BAD(err, "RecordBatch node %u: length %" PRId64 " is negative", i, n.length);
    if (n.null_count < 0 || n.null_count > n.length) {
      return BAD(err, "RecordBatch node %u: null_count %" PRId64 " is outside [0, length %" PRId64 "]", i,
                 n.null_count, n.length);
    }
  }
  for (uint32_t i = 0; i < out->n_buffers; i++) {
    qv_ipc_buffer_loc b = qv_ipc_batch_buffer(out, i);
    if (b.offset < 0 || b.length < 0) {
      return BAD(err, "RecordBatch buffer %u: offset %" PRId64 " or length %" PRId64 " is negative", i,
                 b.offset, b.length);
    }
    if (b.length > body_length || b.offset > body_length - b.length) {
      return BAD(err, "RecordBatch buffer %u [offset %" PRId64 ", length %" PRId64
                 "] extends past the body (%" PRId64 " bytes)",
                 i, b.offset, b.length, body_length);
    }
  }
  for (uint32_t i = 0; i < out->n_variadic; i++) {
    int64_t v = qv_ipc_batch_variadic_count(out, i);
    if (v < 0) return BAD(err, "RecordBatch.variadicBufferCounts[%u] = %" PRId64 " is negative", i, v);
  }
  out->codec = QV_IPC_NO_COMPRESSION;
  if (qv_fb_table_get_table(rb, FB_RECORD_BATCH_COMPRESSION, &comp)) {
    int8_t codec = qv_fb_table_get_int8(&comp, FB_BODY_COMPRESSION_CODEC, FB_COMPRESSION_LZ4_FRAME);
    int8_t method = qv_fb_table_get_int8(&comp, FB_BODY_COMPRESSION_METHOD, FB_COMPRESSION_METHOD_BUFFER);
    if (codec != FB_COMPRESSION_LZ4_FRAME && codec != FB_COMPRESSION_ZSTD) {
      return BAD(err, "RecordBatch.compression codec %d is unknown (LZ4_FRAME=0, ZSTD=1)", (int)codec);
    }
    if (method != FB_COMPRESSION_METHOD_BUFFER) {
      return BAD(err, "RecordBatch.compression method %d is unknown (BUFFER=0)", (int)method);
    }
    out->codec = codec;
  }
  return QV_OK;
}

qv_status qv__ipc_dict_batch_decode(const qv_fb_table *db, int64_t body_length,
                                   qv_ipc_dict_batch_header *out, qv_error *err) {
  qv_fb_table data;
  memset(out, 0, sizeof *out);
  out->id = qv_fb_table_get_int64(db, FB_DICTIONARY_BATCH_ID, 0);
  out->is_delta = qv_fb_table_get_bool(db, FB_DICTIONARY_BATCH_IS_DELTA, false);
  if (!qv_fb_table_get_table(db, FB_DICTIONARY_BATCH_DATA, &data)) {
    return BAD(err, "DictionaryBatch %" PRId64 ": data is missing", out->id);
  }
  qv_status st = qv__ipc_batch_decode(&data, body_length, &out->data, err);
  if (st != QV_OK) qv_error_prefix(err, "DictionaryBatch %" PRId64 ": ", out->id);
  return st;
}

/* ------------------------------------------------------------------ */
/* Footer                                                               */
/* ------------------------------------------------------------------ */

static qv_status check_blocks(const uint8_t *base, uint32_t n, const char *what, qv_error *err) {
  for (uint32_t i = 0; i < n; i++) {
    qv_ipc_block b = qv_ipc__block_at(base, i);
    if (b.offset < 0 || b.metadata_length <= 0 || b.body_length < 0) {
      return BAD(err, "Footer.%s[%u]: offset %" PRId64 ", metaDataLength %d or bodyLength %" PRId64
                 " is out of range",
                 what, i, b.offset, (int)b.metadata_length, b.body_length);
    }
    if (b.offset % 8 != 0 || b.metadata_length % 8 != 0 || b.body_length % 8 != 0) {
      return BAD(err, "Footer.%s[%u]: offset %" PRId64 ", metaDataLength %d and bodyLength %" PRId64
                 " must be multiples of 8",
                 what, i, b.offset, (int)b.metadata_length, b.body_length);
    }
  }
  return QV_OK;
}

qv_status qv__ipc_footer_decode(const uint8_t *buf, size_t len, qv_ipc_footer *out, qv_error *err) {
  qv_fb_table f;
  qv_fb_vector v;
  memset(out, 0, sizeof *out);
  QV_RETURN_IF_ERROR(qv__fb_verify_footer(buf, len, &f, err));
  /* Some writers leave Footer.version out (arrow-testing 0.14.1
   * generated_primitive_no_batches.arrow_file), which reads as V1; Arrow C++
   * ignores it, as each message carries the version that matters. So only
   * an explicit V2/V3 or a version newer than V5 is refused. */
  int16_t version = qv_fb_table_get_int16(&f, FB_FOOTER_VERSION, FB_METADATA_V1);
  if ((version != FB_METADATA_V1 && version < FB_METADATA_V4) || version > FB_METADATA_V5) {
    return qv_error_set(err, QV_ERR_UNSUPPORTED, "Footer metadata version %d (V%d) is not supported", (int)version,
                        (int)version + 1);
  }
  if (!qv_fb_table_get_table(&f, FB_FOOTER_SCHEMA, &out->schema)) return BAD(err, "Footer.schema is missing");
  out->version = version;
  qv_fb_table_get_vector(&f, FB_FOOTER_DICTIONARIES, &v);
  out->n_dictionaries = v.len;
  out->dictionaries_ = v.len ? v.buf + v.pos : NULL;
  qv_fb_table_get_vector(&f, FB_FOOTER_RECORD_BATCHES, &v);
  out->n_record_batches = v.len;
  out->record_batches_ = v.len ? v.buf + v.pos : NULL;
  QV_RETURN_IF_ERROR(check_blocks(out->dictionaries_, out->n_dictionaries, "dictionaries", err));
  return check_blocks(out->record_batches_, out->n_record_batches, "recordBatches", err);
}
