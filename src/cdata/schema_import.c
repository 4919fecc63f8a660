/* Import of ArrowSchema trees as types, fields and schemas.
 *
 * Schemas hold no data, so import copies what it needs (names, metadata)
 * and the public entry points MOVE the producer's struct and release it
 * before returning, on success and on failure alike. The recursive part
 * (qv__cdata_import_field) only reads the tree; its caller owns the release.
 *
 * Per node: the format (parsed strictly with the node's children as child
 * fields), `dictionary` (the format is then the index type and the node's
 * type is dictionary<index, value>), ARROW:extension:name/metadata in the
 * metadata (the type becomes an extension over the storage built so far;
 * the two keys are removed from the field metadata), and the flags
 * (nullable, dictionary ordered, map keys sorted). Nesting deeper than
 * QV_CDATA_MAX_DEPTH fails with QV_ERR_LIMIT before recursing further.
 */
#include <stdlib.h>
#include <string.h>

#include "cdata/internal.h"

static qv_status import_node(const struct ArrowSchema *s, int depth, qv_type **type_out, qv_metadata **md_out,
                             qv_error *err);

static const char *node_name(const struct ArrowSchema *s) { return s->name != NULL ? s->name : ""; }

void qv__cdata_error_child(qv_error *err, int depth, const char *kind, int64_t index, const char *name) {
  if (depth < QV_CDATA_PATH_LEVELS && name == NULL)
    qv_error_prefix(err, "%s: ", kind);
  else if (depth < QV_CDATA_PATH_LEVELS)
    qv_error_prefix(err, "%s %lld ('%.32s'): ", kind, (long long)index, name);
  else if (depth == QV_CDATA_PATH_LEVELS)
    qv_error_prefix(err, "...: ");
}

qv_status qv__cdata_import_field(const struct ArrowSchema *s, int depth, qv_field **out, qv_error *err) {
  qv_type *type = NULL;
  qv_metadata *md = NULL;
  qv_status st = import_node(s, depth, &type, &md, err);
  if (st == QV_OK) st = qv_field_new(node_name(s), type, (s->flags & ARROW_FLAG_NULLABLE) != 0, md, out, err);
  qv_type_release(type);
  qv_metadata_free(md);
  return st;
}

/* Checks the fields every node must have right; `what` names the node. */
static qv_status check_node(const struct ArrowSchema *s, int depth, qv_error *err) {
  if (depth > QV_CDATA_MAX_DEPTH)
    return qv_error_set(err, QV_ERR_LIMIT, "ArrowSchema nesting deeper than %d levels", QV_CDATA_MAX_DEPTH);
  if (s->release == NULL) return qv_error_set(err, QV_ERR_INVALID_DATA, "ArrowSchema is released (release == NULL)");
  if (s->format == NULL) return qv_error_set(err, QV_ERR_INVALID_DATA, "ArrowSchema format is NULL");
  if (s->n_children < 0 || s->n_children > INT32_MAX)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "ArrowSchema n_children %lld out of range", (long long)s->n_children);
  if (s->n_children > 0 && s->children == NULL)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "ArrowSchema n_children is %lld but children is NULL",
                        (long long)s->n_children);
  return QV_OK;
}

static qv_status import_node(const struct ArrowSchema *s, int depth, qv_type **type_out, qv_metadata **md_out,
                             qv_error *err) {
  qv_status st = QV_OK;
  qv_field *small[8];
  qv_field **kids = small;
  int32_t n_kids = 0;
  qv_type *base = NULL, *value = NULL, *dict = NULL;
  qv_metadata *md = NULL;
  char *ext_name_z = NULL;
  *type_out = NULL;
  if (md_out != NULL) *md_out = NULL;

  QV_RETURN_IF_ERROR(check_node(s, depth, err));
  int32_t n = (int32_t)s->n_children;
  if (n > 8) {
    kids = malloc((size_t)n * sizeof *kids);
    if (kids == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "importing an ArrowSchema: out of memory");
  }
  for (int32_t i = 0; i < n; i++) {
    const struct ArrowSchema *c = s->children[i];
    if (c == NULL) {
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "format '%s': child %d is NULL", s->format, i);
      goto cleanup;
    }
    st = qv__cdata_import_field(c, depth + 1, &kids[i], err);
    if (st != QV_OK) {
      qv__cdata_error_child(err, depth, "child", i, node_name(c));
      goto cleanup;
    }
    n_kids = i + 1;
  }
  st = qv_type_from_format(s->format, s->flags, kids, n, &base, err);
  if (st != QV_OK) goto cleanup;

  if (s->dictionary != NULL) {
    if (!qv_type_is_integer(base->id)) {
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "dictionary-encoded field has format '%s', not an integer index type",
                        s->format);
      goto cleanup;
    }
    st = import_node(s->dictionary, depth + 1, &value, NULL, err);
    if (st != QV_OK) {
      qv__cdata_error_child(err, depth, "dictionary", 0, NULL);
      goto cleanup;
    }
    st = qv_type_dictionary(base, value, (s->flags & ARROW_FLAG_DICTIONARY_ORDERED) != 0, &dict, err);
    if (st != QV_OK) goto cleanup;
    qv_type_release(base);
    base = dict;
    dict = NULL;
  }

  const char *ext_name = NULL, *ext_md = NULL;
  int32_t ext_name_len = 0, ext_md_len = 0;
  st = qv__cdata_metadata_decode_ext(s->metadata, true, &md, &ext_name, &ext_name_len, &ext_md, &ext_md_len, err);
  if (st != QV_OK) goto cleanup;
  if (ext_name != NULL) {
    ext_name_z = malloc((size_t)ext_name_len + 1);
    if (ext_name_z == NULL) {
      st = qv_error_set(err, QV_ERR_NO_MEMORY, "importing an ArrowSchema: out of memory");
      goto cleanup;
    }
    memcpy(ext_name_z, ext_name, (size_t)ext_name_len);
    ext_name_z[ext_name_len] = '\0';
    qv_error inner;
    st = qv_type_extension(ext_name_z, ext_md, ext_md_len, base, &dict, &inner);
    if (st != QV_OK) {
      st = qv_error_set(err, st == QV_ERR_NO_MEMORY ? st : QV_ERR_INVALID_DATA, "extension type '%s': %s",
                        ext_name_z, inner.message);
      goto cleanup;
    }
    qv_type_release(base);
    base = dict;
    dict = NULL;
  }
  *type_out = base;
  base = NULL;
  if (md_out != NULL) {
    *md_out = md;
    md = NULL;
  }

cleanup:
  for (int32_t i = 0; i < n_kids; i++) qv_field_release(kids[i]);
  if (kids != small) free(kids);
  qv_type_release(base);
  qv_type_release(value);
  qv_type_release(dict);
  qv_metadata_free(md);
  free(ext_name_z);
  return st;
}

/* Moves *schema to a local copy and marks the caller's struct released. */
static qv_status take(struct ArrowSchema *schema, struct ArrowSchema *local, const char *fn, qv_error *err) {
  if (schema == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "%s: schema is NULL", fn);
  if (schema->release == NULL)
    return qv_error_set(err, QV_ERR_INVALID_DATA, "ArrowSchema is released (release == NULL)");
  *local = *schema;
  schema->release = NULL;
  return QV_OK;
}

QV_API qv_status qv_type_import(struct ArrowSchema *schema, qv_type **out, qv_error *err) {
  struct ArrowSchema local;
  QV_RETURN_IF_ERROR(take(schema, &local, "qv_type_import", err));
  qv_status st;
  if (out == NULL) st = qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_type_import: out is NULL");
  else st = import_node(&local, 0, out, NULL, err);
  local.release(&local);
  return st;
}

QV_API qv_status qv_field_import(struct ArrowSchema *schema, qv_field **out, qv_error *err) {
  struct ArrowSchema local;
  QV_RETURN_IF_ERROR(take(schema, &local, "qv_field_import", err));
  qv_status st;
  if (out == NULL) {
    st = qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_field_import: out is NULL");
  } else {
    *out = NULL;
    st = qv__cdata_import_field(&local, 0, out, err);
  }
  local.release(&local);
  return st;
}

QV_API qv_status qv_schema_import(struct ArrowSchema *schema, qv_schema **out, qv_error *err) {
  struct ArrowSchema local;
  QV_RETURN_IF_ERROR(take(schema, &local, "qv_schema_import", err));
  qv_status st = QV_OK;
  qv_field **fields = NULL;
  int32_t n_fields = 0;
  qv_metadata *md = NULL;
  if (out == NULL) {
    st = qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_schema_import: out is NULL");
    goto cleanup;
  }
  *out = NULL;
  st = check_node(&local, 0, err);
  if (st != QV_OK) goto cleanup;
  if (strcmp(local.format, "+s") != 0 || local.dictionary != NULL) {
    st = qv_error_set(err, QV_ERR_INVALID_DATA,
                      "a record batch schema must be a struct (format '+s', no dictionary), got format '%s'%s",
                      local.format, local.dictionary != NULL ? " with a dictionary" : "");
    goto cleanup;
  }
  int32_t n = (int32_t)local.n_children;
  fields = malloc((n > 0 ? (size_t)n : 1) * sizeof *fields);
  if (fields == NULL) {
    st = qv_error_set(err, QV_ERR_NO_MEMORY, "importing an ArrowSchema: out of memory");
    goto cleanup;
  }
  for (int32_t i = 0; i < n; i++) {
    const struct ArrowSchema *c = local.children[i];
    if (c == NULL) {
      st = qv_error_set(err, QV_ERR_INVALID_DATA, "schema field %d is NULL", i);
      goto cleanup;
    }
    st = qv__cdata_import_field(c, 1, &fields[i], err);
    if (st != QV_OK) {
      qv__cdata_error_child(err, 0, "field", i, node_name(c));
      goto cleanup;
    }
    n_fields = i + 1;
  }
  st = qv_cdata_metadata_decode(local.metadata, &md, err);
  if (st != QV_OK) goto cleanup;
  st = qv_schema_new(fields, n, md, out, err);

cleanup:
  for (int32_t i = 0; i < n_fields; i++) qv_field_release(fields[i]);
  free(fields);
  qv_metadata_free(md);
  local.release(&local);
  return st;
}
