/* Parquet: the schema tree and its Arrow form (internal).
 *
 * The footer lists schema elements depth-first; qv__pq_schema_build turns
 * them into a tree of nodes that say how to assemble Arrow arrays from each
 * leaf column's levels, applying the LIST and MAP rules of LogicalTypes.md
 * (including its backward-compatibility rules for two-level lists and
 * repeated fields without annotation). Each node knows:
 *   def_level  the definition level at which the node's value is present
 *              (not null);
 *   for lists and maps, elem_def (present and holding at least one element)
 *   and elem_rep (the repetition level that starts a new element).
 * Leaves carry their column index and max levels. */
#ifndef QV_PARQUET_SCHEMA_H
#define QV_PARQUET_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>

#include "parquet/metadata.h"
#include "quiver/field.h"
#include "quiver/schema.h"

typedef enum qv__pq_node_kind { QV__PQ_NODE_LEAF, QV__PQ_NODE_STRUCT, QV__PQ_NODE_LIST, QV__PQ_NODE_MAP } qv__pq_node_kind;

#define QV__PQ_MAX_SCHEMA_DEPTH 64

typedef struct qv__pq_node {
  qv__pq_node_kind kind;
  qv_field *field;                     /* Arrow field (owned) */
  const qv__pq_schema_element *elem;   /* leaf: its element (borrowed from the file metadata) */
  int16_t def_level;                   /* present when def >= def_level */
  int16_t rep_level;                   /* repeated ancestors (including a repeated self) */
  int16_t elem_def, elem_rep;          /* list/map */
  bool nullable;                       /* the Arrow array may hold nulls at this node */
  int32_t n_children;
  struct qv__pq_node **children;       /* list/map: 1 (the item / entries struct) */
  int32_t column;                      /* leaf: column index in a row group */
  int32_t first_leaf, n_leaves;        /* leaf columns under this node */
} qv__pq_node;

typedef struct qv__pq_schema {
  qv__pq_node **fields; /* one per top-level field */
  int32_t n_fields;
  int32_t n_leaves;
  qv__pq_node **leaves; /* by column index (borrowed from the tree) */
  qv_schema *arrow;     /* the Arrow schema the tree produces */
} qv__pq_schema;

qv_status qv__pq_schema_build(const qv__pq_file_meta *meta, qv__pq_schema *out, qv_error *err);
void qv__pq_schema_free(qv__pq_schema *s);
/* Frees a node and its subtree (fields released). Accepts NULL. */
void qv__pq_node_free(qv__pq_node *n);

/* The Arrow type of a leaf element (logical/converted annotation applied). */
qv_status qv__pq_leaf_type(const qv__pq_schema_element *e, qv_type **out, qv_error *err);

#endif
