/* quiver IPC: the one-pass loader of a RecordBatch whose top-level fields
 * are all flat (a validity bitmap plus fixed-width values, bits, or offsets
 * and data; no children, no dictionary, no views), the common shape of a
 * table.
 *
 * The general loader (body_read.c) walks each field through the layout
 * table, takes each buffer through a cursor and builds each array, then
 * validate/ walks every array again. For a flat schema the same work is one
 * loop over the fields: whether a schema qualifies and how many buffers its
 * batches carry is decided once per schema (qv__flat_plan_buffers, kept
 * with the schema and in the schema cache), and each field's checks are
 * made while its FieldNode and Buffers are read, before anything is
 * allocated.
 *
 * Invariant: this path decides only what it can accept. It accepts a batch
 * only when the general loader followed by structural validation would
 * accept it and build the same arrays (same buffers, lengths and null
 * counts); anything else - compression, a big-endian body, a misaligned
 * buffer (which the general path copies), a count that does not match, and
 * every check that fails - returns "not handled" and the general path
 * decides, with its own error message. The checks below are therefore the
 * general path's, in the general path's words:
 *   body_read.c  - node 0 <= null_count <= length; every buffer inside the
 *                  body (offset, length >= 0, offset + length without
 *                  overflow); a bitmap of at least ceil(length / 8) bytes
 *                  when null_count > 0 (dropped when it is 0); values of
 *                  length * width bytes (checked multiplication), bits of
 *                  ceil(length / 8), offsets of (length + 1) * width or
 *                  none for an empty array; typed buffers aligned;
 *   read_message.c - the column's length equals RecordBatch.length, counts
 *                  of nodes, buffers and variadic counts match exactly;
 *   validate/layout.c (structure) - the same sizes for offset 0, plus the
 *                  offsets' first >= 0, last >= first, last <= data size.
 * tests/ipc/test_body_flat.c replays mutated batches through both paths and
 * requires the same verdict, message and arrays.
 */
#include "ipc/body.h"

#include <stdlib.h>

#include "core/internal.h"
#include "core/layout.h"
#include "core/unaligned.h"
#include "core/view_block.h"

/* What a flat field's buffers are (after the validity bitmap). */
enum { FLAT_NONE = 0, FLAT_VALUES, FLAT_BITS, FLAT_BINARY };

/* The kind of a flat field of `type`, its element width and the alignment
 * typed loads of its values or offsets need; FLAT_NONE when the general
 * loader must handle it. Inline: asked once per field of every batch. */
static inline int flat_kind(const qv_type *type, int32_t *width, int32_t *align) {
  const qv_type *s = qv__storage(type);
  const qv__layout *lay = qv__layout_of(s);
  if (lay->nulls != QV__NULLS_BITMAP || lay->arity != QV__CHILDREN_NONE || lay->dictionary || lay->variadic)
    return FLAT_NONE;
  const qv__buffer_layout *b = &lay->buffers[1];
  const int32_t w = b->width != QV__WIDTH_OF_TYPE ? b->width : qv__layout_width(b, s);
  *width = w;
  *align = b->align > 0 ? b->align : qv__layout_align(b, w);
  if (lay->n_buffers == 2) {
    if (b->role == QV__BUF_VALUES && w > 0) return FLAT_VALUES;
    if (b->role == QV__BUF_BITS) return FLAT_BITS;
    return FLAT_NONE;
  }
  if (lay->n_buffers == 3 && b->role == QV__BUF_OFFSETS && lay->buffers[2].role == QV__BUF_DATA && (w == 4 || w == 8))
    return FLAT_BINARY;
  return FLAT_NONE;
}

int32_t qv__flat_plan_buffers(const qv_schema *schema) {
  int64_t n = 0;
  for (int32_t i = 0; i < schema->n_fields; i++) {
    int32_t w, a;
    int kind = flat_kind(schema->fields[i]->type, &w, &a);
    if (kind == FLAT_NONE) return 0;
    n += kind == FLAT_BINARY ? 3 : 2;
    if (n > INT32_MAX) return 0;
  }
  return (int32_t)n;
}

/* Reads and checks buffer bi of h; false when the general path must decide. */
static inline bool take_loc(const qv_ipc_batch_header *h, uint32_t bi, int64_t body_length, qv_ipc_buffer_loc *out) {
  *out = qv_ipc_batch_buffer(h, bi);
  int64_t end;
  return out->offset >= 0 && out->length >= 0 && !qv__add_overflow_i64(out->offset, out->length, &end) &&
         end <= body_length;
}

static inline bool aligned(const uint8_t *p, int32_t align) {
  return ((uintptr_t)p & (uintptr_t)(align - 1)) == 0;
}

/* One field's checked buffers: a loc of length 0 is absent (NULL). */
typedef struct flat_field {
  qv_ipc_buffer_loc loc[3];
  int32_t n_buffers;
  int64_t null_count;
  bool zero_offsets; /* an empty array whose writer sent no offsets */
} flat_field;

/* Checks field `f` (node ni, buffers from *bi) as the general loader and
 * structural validation would; fills *ff. */
static inline bool check_field(const qv_ipc_batch_header *h, const uint8_t *base, int64_t body_length,
                               bool validate, const qv_field *f, uint32_t ni, uint32_t *bi, flat_field *ff) {
  int32_t w = 0, align = 1;
  const int kind = flat_kind(f->type, &w, &align);
  if (kind == FLAT_NONE) return false;
  const qv_ipc_field_node node = qv_ipc_batch_node(h, ni);
  const int64_t len = node.length;
  if (len < 0 || node.null_count < 0 || node.null_count > len || len != h->length) return false;
  ff->null_count = node.null_count;
  ff->zero_offsets = false;
  qv_ipc_buffer_loc *loc = ff->loc;
  if (!take_loc(h, *bi, body_length, &loc[0]) || !take_loc(h, *bi + 1, body_length, &loc[1])) return false;
  /* Validity: needed (and big enough) with nulls, dropped without. */
  if (node.null_count == 0) {
    loc[0].length = 0;
  } else if (loc[0].length == 0 || loc[0].length < qv_bitmap_bytes(len)) {
    return false;
  }
  int64_t need;
  if (kind == FLAT_VALUES) {
    ff->n_buffers = 2;
    *bi += 2;
    if (qv__mul_overflow_i64(len, w, &need) || loc[1].length < need) return false;
    return loc[1].length == 0 || aligned(base + loc[1].offset, align);
  }
  if (kind == FLAT_BITS) {
    ff->n_buffers = 2;
    *bi += 2;
    return loc[1].length >= qv_bitmap_bytes(len); /* bytes: no alignment */
  }
  ff->n_buffers = 3;
  if (!take_loc(h, *bi + 2, body_length, &loc[2])) return false;
  *bi += 3;
  if (len == INT64_MAX || qv__mul_overflow_i64(len + 1, w, &need)) return false;
  if (loc[1].length == 0) {
    if (len > 0) return false;
    ff->zero_offsets = true; /* 16 zero bytes: first = last = 0 */
    return true;
  }
  if (loc[1].length < need || !aligned(base + loc[1].offset, w)) return false;
  if (validate) {
    const uint8_t *offs = base + loc[1].offset;
    const int64_t first = qv__load_off(offs, w == 8, 0), last = qv__load_off(offs, w == 8, len);
    if (first < 0 || last < first || last > loc[2].length) return false;
  }
  return true;
}

/* Views per block (72 bytes each), as the general loader cuts them: a
 * block small enough to stay off mmap. */
#define VIEW_BLOCK 256

/* Drops what a bailed-out load built. */
static void unwind(qv__view_block **block, qv__view_block *views, qv_array **cols, int32_t built) {
  for (int32_t j = 0; j < built; j++) {
    qv_array_release(cols[j]);
    cols[j] = NULL;
  }
  if (views != *block) qv__view_block_release(views);
  qv__view_block_release(*block);
  *block = NULL;
}

qv_status qv__body_load_flat(const qv_ipc_batch_header *h, qv_buffer *body, int64_t body_length,
                             const qv_ipc_schema_info *info, bool validate, size_t arena, qv__view_block **block,
                             qv_array **cols, bool *handled, qv_error *err) {
  *handled = false;
  *block = NULL;
  const qv_schema *schema = info->schema;
  const int32_t n = schema->n_fields;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  const bool swap = !info->big_endian;
#else
  const bool swap = info->big_endian;
#endif
  const uint32_t n_buffers = (uint32_t)info->flat_buffers;
  if (info->flat_buffers <= 0 || swap || h->codec != QV_IPC_NO_COMPRESSION || h->n_nodes != (uint32_t)n ||
      h->n_buffers != n_buffers || h->n_variadic != 0 || body == NULL || body->size != body_length ||
      qv__flat_plan_disabled())
    return QV_OK;
  const uint8_t *base = body->data;

  /* One pass: each field is checked before its views and array are made;
   * at the first check that fails, what was made is dropped and the
   * general loader decides. Block sizes come from the schema alone (a view
   * per Buffer, VIEW_BLOCK per block; the arena of qv__array_tree_bytes),
   * never from a length in the input. The first block holds the arena. */
  *handled = true;
  QV_RETURN_IF_ERROR(
      qv__view_block_new(body, n_buffers < VIEW_BLOCK ? (int32_t)n_buffers : VIEW_BLOCK, arena, block, err));
  qv__view_block *views = *block; /* where the next views go */
  qv_status st = QV_OK;
  uint32_t bi = 0;
  for (int32_t i = 0; i < n; i++) {
    flat_field ff;
    if (!check_field(h, base, body_length, validate, schema->fields[i], (uint32_t)i, &bi, &ff)) {
      unwind(block, views, cols, i);
      *handled = false;
      return QV_OK;
    }
    /* A field takes at most 3 views: a fresh block (no arena) when the
     * current one has less room. */
    if (qv__view_block_room(views) < ff.n_buffers) {
      const uint32_t left = n_buffers - (bi - (uint32_t)ff.n_buffers);
      if (views != *block) qv__view_block_release(views);
      views = NULL;
      st = qv__view_block_new(body, left < VIEW_BLOCK ? (int32_t)left : VIEW_BLOCK, 0, &views, err);
      if (st != QV_OK) {
        views = *block;
        unwind(block, views, cols, i);
        return st;
      }
    }
    qv_buffer *bufs[3] = {NULL, NULL, NULL};
    for (int32_t k = 0; k < ff.n_buffers && st == QV_OK; k++)
      if (ff.loc[k].length > 0) st = qv__view_block_take(views, ff.loc[k].offset, ff.loc[k].length, &bufs[k], err);
    if (ff.zero_offsets) bufs[1] = qv__body_zero_offsets();
    if (st == QV_OK)
      st = qv__array_new_flat_in(*block, schema->fields[i]->type, h->length, ff.null_count, ff.n_buffers, bufs,
                                 &cols[i], err);
    if (st != QV_OK) {
      for (int32_t k = 0; k < 3; k++) qv_buffer_release(bufs[k]);
      unwind(block, views, cols, i);
      return st;
    }
  }
  if (views != *block) qv__view_block_release(views);
  return QV_OK;
}

/* QV_IPC_FLAT=0 in the environment turns this path off (tests compare the
 * two paths on the same bytes); read once. */
static int g_flat_disabled = -1;
bool qv__flat_plan_disabled(void) {
  int d = __atomic_load_n(&g_flat_disabled, __ATOMIC_RELAXED);
  if (d < 0) {
    const char *s = getenv("QV_IPC_FLAT");
    d = s != NULL && s[0] == '0';
    __atomic_store_n(&g_flat_disabled, d, __ATOMIC_RELAXED);
  }
  return d != 0;
}

void qv__flat_plan_set_disabled(bool disabled) { __atomic_store_n(&g_flat_disabled, disabled ? 1 : 0, __ATOMIC_RELAXED); }
