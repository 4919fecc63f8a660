/* Export of types, fields and schemas as ArrowSchema trees.
 *
 * One allocation per exported tree: a block holds every child ArrowSchema,
 * every children-pointer array and every string (formats, names, binary
 * metadata). The consumer-owned root and each child struct count as one
 * reference on the block; each struct's release releases its live children
 * and dictionary, marks itself released and drops its reference, so a child
 * moved out of the tree (spec: "moving child arrays") keeps the block alive
 * until it is released too. No struct points inside itself, so all of them
 * may be moved bitwise.
 *
 * Mapping: extension -> storage format + ARROW:extension:{name,metadata}
 * (appended after the field's own metadata); dictionary -> index format,
 * ARROW_FLAG_DICTIONARY_ORDERED, and `dictionary` = the value type (nullable);
 * map -> ARROW_FLAG_MAP_KEYS_SORTED. A schema is the struct "+s".
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cdata/internal.h"

typedef struct schema_block {
  atomic_int_fast64_t refs;
} schema_block;

/* What one node exports: the type after peeling the extension (whose keys
 * go into the node's metadata) and the node's own name/flags/metadata. */
typedef struct node_desc {
  const qv_type *type;       /* layout type (dictionary or plain) */
  const char *ext_name;      /* outermost extension, or NULL */
  const char *ext_md;
  int32_t ext_md_len;
} node_desc;

static node_desc describe(const qv_type *type) {
  node_desc d = {type, NULL, NULL, 0};
  if (type->id == QV_TYPE_EXTENSION) {
    d.ext_name = type->extension_name;
    d.ext_md = type->extension_metadata;
    d.ext_md_len = type->extension_metadata_len;
    /* A nested extension chain has one set of keys; the outermost wins. */
    while (d.type->id == QV_TYPE_EXTENSION) d.type = d.type->storage_type;
  }
  return d;
}

/* Sizes of the whole tree below (and including) a node. */
typedef struct plan {
  int64_t nodes;    /* ArrowSchema structs in the block (all but the root) */
  int64_t ptrs;     /* children-pointer slots */
  int64_t bytes;    /* strings and metadata, 8-aligned per item */
} plan;

static int64_t align8(int64_t n) { return (n + 7) & ~(int64_t)7; }

static void plan_node(const qv_type *type, const char *name, const qv_metadata *md, plan *p) {
  node_desc d = describe(type);
  p->bytes += align8(qv_type_to_format(d.type, NULL, 0) + 1);
  p->bytes += align8((int64_t)strlen(name) + 1);
  p->bytes += align8(qv__cdata_metadata_size_ext(md, d.ext_name, d.ext_md, d.ext_md_len));
  if (d.type->id == QV_TYPE_DICTIONARY) {
    p->nodes++;
    plan_node(d.type->value_type, "", NULL, p);
    return; /* an index type has no children */
  }
  p->ptrs += d.type->n_children;
  p->nodes += d.type->n_children;
  for (int32_t i = 0; i < d.type->n_children; i++) {
    const qv_field *c = d.type->children[i];
    plan_node(c->type, c->name, c->metadata, p);
  }
}

/* Cursor over the block while filling it. */
typedef struct cursor {
  schema_block *block;
  struct ArrowSchema *nodes;
  struct ArrowSchema **ptrs;
  char *bytes;
} cursor;

static void schema_release(struct ArrowSchema *s);

static char *put_string(cursor *c, const char *s, int64_t len) {
  char *dst = c->bytes;
  memcpy(dst, s, (size_t)len);
  dst[len] = '\0';
  c->bytes += align8(len + 1);
  return dst;
}

static void fill_node(struct ArrowSchema *out, const qv_type *type, const char *name, bool nullable,
                      const qv_metadata *md, cursor *c) {
  node_desc d = describe(type);
  int64_t flen = qv_type_to_format(d.type, NULL, 0);
  char *fmt = c->bytes;
  qv_type_to_format(d.type, fmt, (size_t)flen + 1);
  c->bytes += align8(flen + 1);
  out->format = fmt;
  out->name = put_string(c, name, (int64_t)strlen(name));
  int64_t mlen = qv__cdata_metadata_size_ext(md, d.ext_name, d.ext_md, d.ext_md_len);
  if (mlen > 0) {
    qv__cdata_metadata_write_ext(md, d.ext_name, d.ext_md, d.ext_md_len, c->bytes);
    out->metadata = c->bytes;
    c->bytes += align8(mlen);
  } else {
    out->metadata = NULL;
  }
  out->flags = nullable ? ARROW_FLAG_NULLABLE : 0;
  out->n_children = 0;
  out->children = NULL;
  out->dictionary = NULL;
  out->release = schema_release;
  out->private_data = c->block;
  if (d.type->id == QV_TYPE_DICTIONARY) {
    if (d.type->ordered) out->flags |= ARROW_FLAG_DICTIONARY_ORDERED;
    out->dictionary = c->nodes++;
    fill_node(out->dictionary, d.type->value_type, "", true, NULL, c);
    return;
  }
  if (d.type->id == QV_TYPE_MAP && d.type->keys_sorted) out->flags |= ARROW_FLAG_MAP_KEYS_SORTED;
  int32_t n = d.type->n_children;
  if (n > 0) {
    out->n_children = n;
    out->children = c->ptrs;
    c->ptrs += n;
    struct ArrowSchema *kids = c->nodes;
    c->nodes += n;
    for (int32_t i = 0; i < n; i++) out->children[i] = &kids[i];
    for (int32_t i = 0; i < n; i++) {
      const qv_field *f = d.type->children[i];
      fill_node(&kids[i], f->type, f->name, f->nullable, f->metadata, c);
    }
  }
}

static void schema_release(struct ArrowSchema *s) {
  if (s == NULL || s->release == NULL) return;
  for (int64_t i = 0; i < s->n_children; i++) {
    struct ArrowSchema *child = s->children[i];
    if (child->release != NULL) child->release(child);
  }
  if (s->dictionary != NULL && s->dictionary->release != NULL) s->dictionary->release(s->dictionary);
  schema_block *block = s->private_data;
  s->release = NULL;
  if (atomic_fetch_sub_explicit(&block->refs, 1, memory_order_acq_rel) == 1) free(block);
}

/* Exports one node (type + name + flags + metadata) or, when `schema` is
 * non-NULL, the "+s" struct of its fields with the schema metadata. */
static qv_status export_tree(const qv_type *type, const char *name, bool nullable, const qv_metadata *md,
                             const qv_schema *schema, struct ArrowSchema *out, qv_error *err) {
  plan p = {0, 0, 0};
  if (schema != NULL) {
    p.bytes = align8(3) + align8(1) + align8(qv__cdata_metadata_size_ext(schema->metadata, NULL, NULL, 0));
    p.nodes = p.ptrs = schema->n_fields;
    for (int32_t i = 0; i < schema->n_fields; i++)
      plan_node(schema->fields[i]->type, schema->fields[i]->name, schema->fields[i]->metadata, &p);
  } else {
    plan_node(type, name, md, &p);
  }
  size_t head = (sizeof(schema_block) + 7) & ~(size_t)7;
  size_t total = head + (size_t)p.nodes * sizeof(struct ArrowSchema) + (size_t)p.ptrs * sizeof(void *) +
                 (size_t)p.bytes;
  schema_block *block = malloc(total);
  if (block == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "exporting a schema: out of memory (%zu bytes)", total);
  atomic_init(&block->refs, p.nodes + 1);
  cursor c;
  c.block = block;
  c.nodes = (struct ArrowSchema *)(void *)((char *)block + head);
  c.ptrs = (struct ArrowSchema **)(void *)(c.nodes + p.nodes);
  c.bytes = (char *)(c.ptrs + p.ptrs);

  if (schema == NULL) {
    fill_node(out, type, name, nullable, md, &c);
    return QV_OK;
  }
  out->format = put_string(&c, "+s", 2);
  out->name = put_string(&c, "", 0);
  int64_t mlen = qv__cdata_metadata_size_ext(schema->metadata, NULL, NULL, 0);
  out->metadata = NULL;
  if (mlen > 0) {
    qv__cdata_metadata_write_ext(schema->metadata, NULL, NULL, 0, c.bytes);
    out->metadata = c.bytes;
    c.bytes += align8(mlen);
  }
  out->flags = 0;
  out->n_children = schema->n_fields;
  out->children = NULL;
  out->dictionary = NULL;
  out->release = schema_release;
  out->private_data = block;
  int32_t n = schema->n_fields;
  if (n > 0) {
    out->children = c.ptrs;
    c.ptrs += n;
    struct ArrowSchema *kids = c.nodes;
    c.nodes += n;
    for (int32_t i = 0; i < n; i++) out->children[i] = &kids[i];
    for (int32_t i = 0; i < n; i++) {
      const qv_field *f = schema->fields[i];
      fill_node(&kids[i], f->type, f->name, f->nullable, f->metadata, &c);
    }
  }
  return QV_OK;
}

QV_API qv_status qv_type_export(const qv_type *type, struct ArrowSchema *out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_type_export: out is NULL");
  out->release = NULL;
  if (type == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_type_export: type is NULL");
  return export_tree(type, "", true, NULL, NULL, out, err);
}

QV_API qv_status qv_field_export(const qv_field *field, struct ArrowSchema *out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_field_export: out is NULL");
  out->release = NULL;
  if (field == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_field_export: field is NULL");
  return export_tree(field->type, field->name, field->nullable, field->metadata, NULL, out, err);
}

QV_API qv_status qv_schema_export(const qv_schema *schema, struct ArrowSchema *out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_schema_export: out is NULL");
  out->release = NULL;
  if (schema == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_schema_export: schema is NULL");
  return export_tree(NULL, "", false, NULL, schema, out, err);
}
