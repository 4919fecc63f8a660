/* quiver jsonl: shapes, the reader's per-column-path knowledge (see
 * internal.h). A shape is created from a schema type (fixed) or grown by
 * inference; after pass 1 it turns into a qv_type and, bound to a builder
 * tree, tells pass 2 where each value goes.
 *
 * Invariants: a struct shape's members, names, name_lens and seen arrays
 * have n_members entries each, and its index (when there is one) holds
 * every member; a list shape always has an item shape.
 * Which schema types have a JSON reading is a property of the logical type,
 * so the switch in readable() is over type ids, not layouts.
 */
#include <stdlib.h>
#include <string.h>

#include "compute/hash_keys.h"
#include "jsonl/internal.h"
#include "quiver/field.h"

qv__jsonl_shape *qv__jsonl_shape_new(qv__jsonl_kind kind) {
  qv__jsonl_shape *s = calloc(1, sizeof *s);
  if (s != NULL) s->kind = kind;
  return s;
}

void qv__jsonl_shape_free(qv__jsonl_shape *s) {
  if (s == NULL) return;
  qv__jsonl_shape_free(s->item);
  for (int32_t i = 0; i < s->n_members; i++) {
    qv__jsonl_shape_free(s->members[i]);
    free(s->names[i]);
  }
  free(s->members);
  free(s->names);
  free(s->name_lens);
  free(s->name_plain);
  free(s->seen);
  free(s->index);
  qv_type_release(s->fixed);
  qv_type_release(s->type);
  free(s);
}

const char *qv__jsonl_kind_json_name(qv__jsonl_kind kind) {
  switch (kind) {
    case QV__JSONL_NULL:
      return "null";
    case QV__JSONL_BOOL:
      return "boolean";
    case QV__JSONL_INT:
    case QV__JSONL_FLOAT:
      return "number";
    case QV__JSONL_TIMESTAMP:
    case QV__JSONL_STRING:
      return "string";
    case QV__JSONL_LIST:
      return "array";
    case QV__JSONL_STRUCT:
      return "object";
  }
  return "value";
}

/* Members from this many on are found through the hash index. */
#define INDEX_FROM 16

static bool same_name(qv__jsonl_shape *s, int32_t i, const char *name, int64_t len) {
  s->name_compares++;
  return s->name_lens[i] == len && memcmp(s->names[i], name, (size_t)len) == 0;
}

static uint64_t name_hash(const char *name, int64_t len) { return qv__hash_bytes((const uint8_t *)name, len, 0); }

static void index_put(qv__jsonl_shape *s, int32_t member) {
  const uint64_t mask = (uint64_t)s->index_cap - 1;
  uint64_t slot = name_hash(s->names[member], s->name_lens[member]) & mask;
  while (s->index[slot] != 0) slot = (slot + 1) & mask;
  s->index[slot] = member + 1;
}

/* (Re)builds the index with room for twice the members; on allocation
 * failure the shape goes without one (the scan still finds every name). */
static void index_rebuild(qv__jsonl_shape *s) {
  free(s->index);
  s->index = NULL;
  s->index_cap = 0;
  int64_t cap = 64;
  while (cap < 2 * (int64_t)s->n_members + 2) cap *= 2;
  if ((uint64_t)cap > SIZE_MAX / sizeof *s->index) return;
  s->index = calloc((size_t)cap, sizeof *s->index);
  if (s->index == NULL) return;
  s->index_cap = cap;
  for (int32_t i = 0; i < s->n_members; i++) index_put(s, i);
}

int32_t qv__jsonl_shape_find(qv__jsonl_shape *s, const char *name, int64_t len) {
  const int32_t n = s->n_members;
  if (n == 0) return -1;
  /* Rows usually list their members in the same order: try the expected
   * one first. */
  const int32_t hint = s->hint < n ? s->hint : 0;
  if (same_name(s, hint, name, len)) {
    s->hint = hint + 1 < n ? hint + 1 : 0;
    return hint;
  }
  if (s->index == NULL && n >= INDEX_FROM) index_rebuild(s);
  if (s->index != NULL) {
    const uint64_t mask = (uint64_t)s->index_cap - 1;
    for (uint64_t slot = name_hash(name, len) & mask; s->index[slot] != 0; slot = (slot + 1) & mask) {
      const int32_t i = s->index[slot] - 1;
      if (same_name(s, i, name, len)) {
        s->hint = i + 1 < n ? i + 1 : 0;
        return i;
      }
    }
    return -1;
  }
  /* Few members: scan from the hint, wrapping around. */
  for (int32_t k = 1; k < n; k++) {
    int32_t i = hint + k;
    if (i >= n) i -= n;
    if (same_name(s, i, name, len)) {
      s->hint = i + 1 < n ? i + 1 : 0;
      return i;
    }
  }
  return -1;
}

qv_status qv__jsonl_shape_add(qv__jsonl_shape *s, const char *name, int64_t len, qv__jsonl_shape *member,
                              qv_error *err) {
  if (member == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (JSONL column)");
  if (s->n_members == INT32_MAX) {
    qv__jsonl_shape_free(member);
    return qv_error_set(err, QV_ERR_LIMIT, "JSONL object has more than %d distinct members", INT32_MAX);
  }
  if (s->n_members == s->members_cap) {
    const int32_t cap = s->members_cap ? (s->members_cap > INT32_MAX / 2 ? INT32_MAX : 2 * s->members_cap) : 8;
    qv__jsonl_shape **m = realloc(s->members, sizeof *m * (size_t)cap);
    if (m != NULL) s->members = m;
    char **nm = m ? realloc(s->names, sizeof *nm * (size_t)cap) : NULL;
    if (nm != NULL) s->names = nm;
    int64_t *nl = nm ? realloc(s->name_lens, sizeof *nl * (size_t)cap) : NULL;
    if (nl != NULL) s->name_lens = nl;
    bool *pl = nl ? realloc(s->name_plain, sizeof *pl * (size_t)cap) : NULL;
    if (pl != NULL) s->name_plain = pl;
    if (pl == NULL) {
      qv__jsonl_shape_free(member);
      return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (JSONL columns)");
    }
    s->members_cap = cap;
  }
  /* NUL-padded to 8 bytes past the name: the parser compares short names
   * a word at a time (expected_member) */
  char *copy = calloc(1, (size_t)len + 8);
  if (copy == NULL) {
    qv__jsonl_shape_free(member);
    return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (JSONL column name)");
  }
  if (len > 0) memcpy(copy, name, (size_t)len);
  s->members[s->n_members] = member;
  s->names[s->n_members] = copy;
  s->name_lens[s->n_members] = len;
  bool plain = true;
  for (int64_t k = 0; k < len; k++) plain &= (uint8_t)name[k] >= 0x20 && name[k] != '"' && name[k] != '\\';
  s->name_plain[s->n_members] = plain;
  s->n_members++;
  if (s->index != NULL) {
    if (2 * (int64_t)s->n_members + 2 > s->index_cap) index_rebuild(s);
    else index_put(s, s->n_members - 1);
  }
  return QV_OK;
}

/* Scalar types JSON Lines reads; switch on the logical type (see the file
 * comment). */
static bool readable_scalar(qv_type_id id) {
  switch (id) {
    case QV_TYPE_NULL:
    case QV_TYPE_BOOL:
    case QV_TYPE_INT8:
    case QV_TYPE_INT16:
    case QV_TYPE_INT32:
    case QV_TYPE_INT64:
    case QV_TYPE_UINT8:
    case QV_TYPE_UINT16:
    case QV_TYPE_UINT32:
    case QV_TYPE_UINT64:
    case QV_TYPE_FLOAT32:
    case QV_TYPE_FLOAT64:
    case QV_TYPE_STRING:
    case QV_TYPE_LARGE_STRING:
    case QV_TYPE_STRING_VIEW:
    case QV_TYPE_BINARY:
    case QV_TYPE_LARGE_BINARY:
    case QV_TYPE_TIMESTAMP:
    case QV_TYPE_DATE32:
      return true;
    default:
      return false;
  }
}

qv_status qv__jsonl_shape_from_type(qv_type *type, const char *path, qv__jsonl_shape **out, qv_error *err) {
  *out = NULL;
  qv__jsonl_shape *s = NULL;
  qv_status st = QV_OK;
  if (type->id == QV_TYPE_STRUCT) {
    s = qv__jsonl_shape_new(QV__JSONL_STRUCT);
    QV_CHECK_ALLOC(s, err);
    for (int32_t i = 0; st == QV_OK && i < type->n_children; i++) {
      const qv_field *f = type->children[i];
      qv__jsonl_shape *m = NULL;
      st = qv__jsonl_shape_from_type(f->type, f->name, &m, err);
      if (st == QV_OK) st = qv__jsonl_shape_add(s, f->name, (int64_t)strlen(f->name), m, err);
    }
  } else if (type->id == QV_TYPE_LIST || type->id == QV_TYPE_LARGE_LIST) {
    s = qv__jsonl_shape_new(QV__JSONL_LIST);
    QV_CHECK_ALLOC(s, err);
    st = qv__jsonl_shape_from_type(type->children[0]->type, path, &s->item, err);
  } else if (readable_scalar(type->id)) {
    s = qv__jsonl_shape_new(QV__JSONL_NULL);
    QV_CHECK_ALLOC(s, err);
  } else {
    return qv_error_set(err, QV_ERR_NOT_IMPLEMENTED, "JSONL schema field '%s': type %s has no JSON reading", path,
                        qv_type_id_name(type->id));
  }
  s->fixed = qv_type_retain(type);
  if (st != QV_OK) {
    qv__jsonl_shape_free(s);
    return st;
  }
  *out = s;
  return QV_OK;
}

static qv_status inferred_scalar_type(qv__jsonl_kind kind, qv_type **out, qv_error *err) {
  switch (kind) {
    case QV__JSONL_NULL:
      *out = qv_type_null();
      return QV_OK;
    case QV__JSONL_BOOL:
      *out = qv_type_bool();
      return QV_OK;
    case QV__JSONL_INT:
      *out = qv_type_int64();
      return QV_OK;
    case QV__JSONL_FLOAT:
      *out = qv_type_float64();
      return QV_OK;
    case QV__JSONL_TIMESTAMP:
      return qv_type_timestamp(QV_UNIT_SECOND, NULL, out, err);
    case QV__JSONL_STRING:
      *out = qv_type_string();
      return QV_OK;
    default:
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "not a scalar JSONL kind");
  }
}

/* The field a fixed struct had for member i, when it had one. */
static const qv_field *fixed_member(const qv__jsonl_shape *s, int32_t i) {
  if (s->fixed == NULL || i >= s->fixed->n_children) return NULL;
  return s->fixed->children[i];
}

static qv_status struct_type(qv__jsonl_shape *s, qv_error *err) {
  qv_field **fields = calloc((size_t)s->n_members + 1, sizeof *fields);
  QV_CHECK_ALLOC(fields, err);
  qv_status st = QV_OK;
  for (int32_t i = 0; st == QV_OK && i < s->n_members; i++) {
    const qv_field *given = fixed_member(s, i);
    if (given != NULL && given->type == s->members[i]->type)
      fields[i] = qv_field_retain((qv_field *)given);
    else
      st = qv_field_new(s->names[i], s->members[i]->type, true, NULL, &fields[i], err);
  }
  if (st == QV_OK) st = qv_type_struct(fields, s->n_members, &s->type, err);
  for (int32_t i = 0; i < s->n_members; i++) qv_field_release(fields[i]);
  free(fields);
  return st;
}

qv_status qv__jsonl_shape_finish_types(qv__jsonl_shape *s, qv_error *err) {
  qv_type_release(s->type);
  s->type = NULL;
  if (s->kind == QV__JSONL_LIST) {
    QV_RETURN_IF_ERROR(qv__jsonl_shape_finish_types(s->item, err));
    if (s->fixed != NULL && s->fixed->children[0]->type == s->item->type) {
      s->type = qv_type_retain(s->fixed);
      return QV_OK;
    }
    return qv_type_list_of(s->fixed ? s->fixed->id : QV_TYPE_LIST, s->item->type, &s->type, err);
  }
  if (s->kind == QV__JSONL_STRUCT) {
    for (int32_t i = 0; i < s->n_members; i++) QV_RETURN_IF_ERROR(qv__jsonl_shape_finish_types(s->members[i], err));
    free(s->seen);
    s->seen = calloc((size_t)s->n_members + 1, sizeof *s->seen);
    QV_CHECK_ALLOC(s->seen, err);
    s->generation = 0;
    /* A fixed struct nobody added to keeps the schema's type (and its
     * fields' nullability and metadata). */
    if (s->fixed != NULL && s->fixed->n_children == s->n_members) {
      bool same = true;
      for (int32_t i = 0; same && i < s->n_members; i++) same = s->fixed->children[i]->type == s->members[i]->type;
      if (same) {
        s->type = qv_type_retain(s->fixed);
        return QV_OK;
      }
    }
    return struct_type(s, err);
  }
  if (s->fixed != NULL) {
    s->type = qv_type_retain(s->fixed);
    return QV_OK;
  }
  return inferred_scalar_type(s->kind, &s->type, err);
}

void qv__jsonl_shape_bind(qv__jsonl_shape *s, qv_builder *b) {
  s->builder = b;
  if (s->item != NULL) qv__jsonl_shape_bind(s->item, qv_builder_child(b, 0));
  for (int32_t i = 0; s->kind == QV__JSONL_STRUCT && i < s->n_members; i++)
    qv__jsonl_shape_bind(s->members[i], qv_builder_child(b, i));
}

qv__jsonl_shape *qv__jsonl_shape_clone(const qv__jsonl_shape *src) {
  qv__jsonl_shape *s = qv__jsonl_shape_new(src->kind);
  if (s == NULL) return NULL;
  s->fixed = src->fixed ? qv_type_retain(src->fixed) : NULL;
  s->closed = src->closed;
  if (src->item != NULL && (s->item = qv__jsonl_shape_clone(src->item)) == NULL) goto fail;
  for (int32_t i = 0; i < src->n_members; i++)
    if (qv__jsonl_shape_add(s, src->names[i], src->name_lens[i], qv__jsonl_shape_clone(src->members[i]), NULL) !=
        QV_OK)
      goto fail;
  return s;
fail:
  qv__jsonl_shape_free(s);
  return NULL;
}

/* The kind a column has once both kinds were seen, or -1 when they
 * conflict (the rules of the parser's unify). */
static int merged_kind(qv__jsonl_kind a, qv__jsonl_kind b) {
  if (a == b || b == QV__JSONL_NULL) return (int)a;
  if (a == QV__JSONL_NULL) return (int)b;
  if ((a == QV__JSONL_INT && b == QV__JSONL_FLOAT) || (a == QV__JSONL_FLOAT && b == QV__JSONL_INT))
    return QV__JSONL_FLOAT;
  if ((a == QV__JSONL_TIMESTAMP && b == QV__JSONL_STRING) || (a == QV__JSONL_STRING && b == QV__JSONL_TIMESTAMP))
    return QV__JSONL_STRING;
  return -1;
}

qv_status qv__jsonl_shape_merge(qv__jsonl_shape *dst, const qv__jsonl_shape *src, qv_error *err) {
  if (dst->fixed == NULL) {
    const int k = merged_kind(dst->kind, src->kind);
    if (k < 0)
      return qv_error_set(err, QV_ERR_INVALID_DATA, "a column changed from %s to %s",
                          qv__jsonl_kind_json_name(dst->kind), qv__jsonl_kind_json_name(src->kind));
    dst->kind = (qv__jsonl_kind)k;
  }
  if (src->item != NULL) {
    if (dst->item != NULL) QV_RETURN_IF_ERROR(qv__jsonl_shape_merge(dst->item, src->item, err));
    else if ((dst->item = qv__jsonl_shape_clone(src->item)) == NULL)
      return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory (JSONL shapes)");
  }
  for (int32_t i = 0; i < src->n_members; i++) {
    const int32_t at = qv__jsonl_shape_find(dst, src->names[i], src->name_lens[i]);
    if (at >= 0) {
      QV_RETURN_IF_ERROR(qv__jsonl_shape_merge(dst->members[at], src->members[i], err));
    } else {
      QV_RETURN_IF_ERROR(
          qv__jsonl_shape_add(dst, src->names[i], src->name_lens[i], qv__jsonl_shape_clone(src->members[i]), err));
    }
  }
  return QV_OK;
}
