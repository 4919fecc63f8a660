/* quiver builders: internals shared by the layout families (not installed).
 *
 * Each layout family (primitive.c, binary.c, view.c, list.c, struct.c,
 * union.c, dictionary.c, ree.c) provides a qv__builder_ops table; builder.c
 * holds what every family shares: construction, growth, the validity bitmap,
 * growable regions, finishing, and the public entry points that dispatch
 * through ops (one indirect call per out-of-line append, never a type switch
 * per element).
 *
 * Region invariant: every growable region (values_, data_, aux_buf_,
 * validity_) is an owned qv_buffer with refcount 1 whose bytes past the used
 * part are zero - except validity_, whose bits past length_ are pre-set to 1
 * up to validity_filled_ bytes (so appends never touch it) and are cleared
 * at finish. Null slots therefore need no writes for fixed-width layouts.
 */
#ifndef QUIVER_BUILD_INTERNAL_H
#define QUIVER_BUILD_INTERNAL_H

#include <stdio.h>

#include "core/internal.h"
#include "quiver/builder.h"

typedef struct qv__builder_ops {
  const char *name; /* family, for messages */
  /* Grows the family's own regions to hold `new_capacity` slots (the
   * validity bitmap is grown by the caller). NULL: nothing to grow. */
  qv_status (*reserve)(qv_builder *b, int64_t new_capacity, qv_error *err);
  /* Appends n null slots / n default-valued slots. */
  qv_status (*append_nulls)(qv_builder *b, int64_t n, qv_error *err);
  qv_status (*append_empty)(qv_builder *b, int64_t n, qv_error *err);
  /* Slow path of a typed append of `kind` (QV__FAST_*); NULL: QV_ERR_TYPE. */
  qv_status (*append_slow)(qv_builder *b, int32_t kind, const void *value, qv_error *err);
  /* Slow path of append_binary; NULL: QV_ERR_TYPE. */
  qv_status (*append_binary)(qv_builder *b, const void *data, int64_t len, qv_error *err);
  /* finish_element (lists, struct); NULL: QV_ERR_TYPE. */
  qv_status (*finish_element)(qv_builder *b, qv_error *err);
  /* QV_OK when finish can succeed barring allocation failure (children
   * closed); NULL: always. Children are checked by the caller. */
  qv_status (*check)(const qv_builder *b, qv_error *err);
  /* Builds the array; the caller resets the builder afterwards (success or
   * not). Children are NOT finished by the caller. */
  qv_status (*finish)(qv_builder *b, qv_array **out, qv_error *err);
  /* Frees family state other than regions and children (NULL: none);
   * `reset` true keeps it usable (empties it), false frees it. */
  void (*clear)(qv_builder *b, bool reset);
} qv__builder_ops;

/* Family setup, called by qv_builder_new once common fields are set and
 * children created (it may create its own). Sets ops_, fast_, width_. */
qv_status qv__builder_init_null(qv_builder *b, qv_error *err);
qv_status qv__builder_init_primitive(qv_builder *b, qv_error *err); /* fixed width and bool */
qv_status qv__builder_init_binary(qv_builder *b, qv_error *err);
qv_status qv__builder_init_view(qv_builder *b, qv_error *err);
qv_status qv__builder_init_list(qv_builder *b, qv_error *err); /* list-likes, map, fsl */
qv_status qv__builder_init_struct(qv_builder *b, qv_error *err);
qv_status qv__builder_init_union(qv_builder *b, qv_error *err);
qv_status qv__builder_init_dictionary(qv_builder *b, qv_error *err);
qv_status qv__builder_init_ree(qv_builder *b, qv_error *err);

/* Creates the children from the storage type's fields (n_children_, children_). */
qv_status qv__builder_make_children(qv_builder *b, qv_error *err);

/* ---- growth and regions ---- */

/* Ensures capacity_ >= min_slots (geometric), growing the family's regions
 * and the validity bitmap. */
qv_status qv__builder_grow(qv_builder *b, int64_t min_slots, qv_error *err);
static inline qv_status qv__builder_ensure(qv_builder *b, int64_t n, qv_error *err) {
  if (QV_LIKELY(b->length_ <= b->capacity_ - n)) return QV_OK;
  int64_t need;
  if (qv__add_overflow_i64(b->length_, n, &need))
    return qv_error_set(err, QV_ERR_OVERFLOW, "builder length %lld + %lld overflows", (long long)b->length_,
                        (long long)n);
  return qv__builder_grow(b, need, err);
}

/* Makes *buf (allocated on first use) hold at least `need` bytes, keeping the
 * first `used` bytes and zeroing the rest. */
qv_status qv__region_reserve(const qv_allocator *alloc, qv_buffer **buf, int64_t used, int64_t need,
                             qv_error *err);
/* Hands *buf over as a buffer of `size` bytes (allocating an empty one when
 * *buf is NULL, zeroed to `size`), leaving *buf NULL. */
qv_status qv__region_take(const qv_allocator *alloc, qv_buffer **buf, int64_t size, qv_buffer **out,
                          qv_error *err);

/* ---- validity ---- */

/* Creates the bitmap (all capacity_ bits set) if there is none yet. */
qv_status qv__builder_materialize_validity(qv_builder *b, qv_error *err);
/* Marks slots [start, start+n) null (materialising the bitmap on the first
 * null, with all earlier bits set). Capacity must already cover them. */
qv_status qv__builder_mark_nulls(qv_builder *b, int64_t start, int64_t n, qv_error *err);
/* The finished validity buffer (NULL when there were no nulls), bits past
 * length_ cleared; leaves the builder without a bitmap. */
qv_status qv__builder_take_validity(qv_builder *b, qv_buffer **out, qv_error *err);

/* ---- errors and helpers ---- */

/* "int32 append on a string builder" style QV_ERR_TYPE. */
qv_status qv__builder_type_error(const qv_builder *b, const char *what, qv_error *err);
/* Copies a child's recorded error into err (keeping its code), prefixed. */
qv_status qv__builder_child_error(const qv_builder *b, int32_t child, qv_status st, qv_error *err);
/* Name of a QV__FAST_* kind's append ("int32"). */
const char *qv__builder_kind_name(int32_t kind);
/* Byte width of a QV__FAST_* kind (bool: 1 byte as passed to the slow path). */
int32_t qv__builder_kind_width(int32_t kind);
/* The QV__FAST_* kind of a storage type (NONE for non-primitive). */
int32_t qv__builder_kind_of(const qv_type *storage);

/* Guard for int32 offsets: QV_OK when `end` fits an int32 offset/size. */
qv_status qv__builder_check_offset32(int64_t end, const char *what, qv_error *err);

/* Appends `n` times to a child builder (helpers used by nested families). */
qv_status qv__builder_child_nulls(qv_builder *b, int32_t child, int64_t n, qv_error *err);
qv_status qv__builder_child_empty(qv_builder *b, int32_t child, int64_t n, qv_error *err);

/* Bytes of value i of a fixed-width or binary-like builder (dictionary
 * lookups). */
const uint8_t *qv__builder_value_bytes(const qv_builder *b, int64_t i, int64_t *len);

/* Finishes every child into arrays[] (n_children_ entries, released on
 * failure). */
qv_status qv__builder_finish_children(qv_builder *b, qv_array **arrays, qv_error *err);
/* qv_array_new over the parts, then releases the caller's references to
 * buffers, children and dictionary (success or not). Length is b->length_. */
qv_status qv__builder_assemble(qv_builder *b, int64_t null_count, int32_t n_buffers, qv_buffer **buffers,
                               int32_t n_children, qv_array **children, qv_array *dictionary, qv_array **out,
                               qv_error *err);
/* Dictionary builders: the values builder (borrowed), else NULL. */
const qv_builder *qv__dict_values(const qv_builder *b);
/* Recursive finishability check (b and its children). */
qv_status qv__builder_check_tree(const qv_builder *b, qv_error *err);

/* View family: seal the current data buffer (used by finish). */
qv_status qv__view_seal(qv_builder *b, qv_error *err);

#endif
