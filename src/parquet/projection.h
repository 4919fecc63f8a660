/* Parquet: which fields and leaves a read produces, and as which types
 * (internal).
 *
 * A projection lists the output fields of a read in order. Each names the
 * node to assemble (the schema tree's own node when the whole top-level
 * field is read, or a pruned copy holding only the selected leaves), that
 * node's leaves in assembly order, and the Arrow type the assembled array
 * is restored to. Pruning follows Arrow C++'s column selection: a struct
 * keeps the children that hold a selected leaf, a list keeps its element
 * pruned, and a map that loses its key or value becomes a list of its
 * pruned entries struct.
 *
 * qv__pq_reshape_type is the one walker over a node and its target type:
 * pruning, read_dictionary (a BYTE_ARRAY leaf read as string/binary becomes
 * dictionary<int32, ...>) and binary_type (string/binary leaves as their
 * large or view counterparts) are all applied by it. */
#ifndef QV_PARQUET_PROJECTION_H
#define QV_PARQUET_PROJECTION_H

#include <stdbool.h>
#include <stdint.h>

#include "parquet/schema.h"
#include "quiver/schema.h"

typedef struct qv__pq_shape_rules {
  const bool *keep;       /* per leaf column: selected (NULL: every leaf) */
  const bool *dictionary; /* per leaf column: read as a dictionary (NULL: none) */
  int32_t binary_type;    /* qv_parquet_binary_type applied to string/binary leaves */
} qv__pq_shape_rules;

/* The type `target` (a type compatible with node's) reshaped by the rules;
 * *out is NULL when no leaf of the node is kept. Caller owns *out. */
qv_status qv__pq_reshape_type(const qv__pq_node *node, qv_type *target, const qv__pq_shape_rules *rules,
                              qv_type **out, qv_error *err);

typedef struct qv__pq_projection {
  int32_t n;                /* output fields */
  int32_t *top;             /* the schema's field index of each output field */
  qv__pq_node **nodes;      /* node to assemble (pruned copy when owned[i]) */
  bool *owned;
  qv__pq_node ***leaves;    /* leaves[i][k]: leaf k of nodes[i] (owned array when owned[i]) */
  qv_schema *schema;        /* the output schema */
} qv__pq_projection;

/* Whole top-level fields (indices into `resolved`, NULL: all of them). */
qv_status qv__pq_projection_fields(const qv__pq_schema *tree, const qv_schema *resolved, const int32_t *fields,
                                   int32_t n_fields, qv__pq_projection *out, qv_error *err);
/* Leaf columns (indices into tree->leaves): top-level fields in the order
 * of their first selected leaf, each pruned to the selected leaves. */
qv_status qv__pq_projection_columns(const qv__pq_schema *tree, const qv_schema *resolved, const int32_t *columns,
                                    int32_t n_columns, qv__pq_projection *out, qv_error *err);
void qv__pq_projection_free(qv__pq_projection *p);

#endif
