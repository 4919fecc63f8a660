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
 * loader must handle it. */
static int flat_kind(const qv_type *type, int32_t *width, int32_t *align) {
  const qv_type *s = qv__storage(type);
  const qv__layout *lay = qv__layout_of(s);
  if (lay->nulls != QV__NULLS_BITMAP || lay->arity != QV__CHILDREN_NONE || lay->dictionary || lay->variadic)
    return FLAT_NONE;
  const qv__buffer_layout *b = &lay->buffers[1];
  *width = qv__layout_width(b, s);
  *align = qv__layout_align(b, *width);
  if (lay->n_buffers == 2 && b->role == QV__BUF_VALUES && *width > 0) return FLAT_VALUES;
  if (lay->n_buffers == 2 && b->role == QV__BUF_BITS) return FLAT_BITS;
  if (lay->n_buffers == 3 && b->role == QV__BUF_OFFSETS && lay->buffers[2].role == QV__BUF_DATA &&
      (*width == 4 || *width == 8))
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

/* Fields per pass: longer schemas are loaded in chunks of this many. */
#define FLAT_CHUNK 64

/* One field's checked buffers: loc.length 0 means absent (NULL). */
typedef struct flat_field {
  qv_ipc_buffer_loc loc[3];
  int32_t n_buffers;
  int64_t null_count;
  bool zero_offsets; /* an empty array whose writer sent no offsets */
} flat_field;

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

/* Checks field `f` (node ni, buffers from *bi) as the general loader and
 * structural validation would; fills *ff. */
static bool check_field(const qv_ipc_batch_header *h, const uint8_t *base, int64_t body_length, bool validate,
                        const qv_field *f, uint32_t ni, uint32_t *bi, flat_field *ff) {
  int32_t w = 0, align = 1;
  const int kind = flat_kind(f->type, &w, &align);
  if (kind == FLAT_NONE) return false;
  const qv_ipc_field_node node = qv_ipc_batch_node(h, ni);
  const int64_t len = node.length;
  if (len < 0 || node.null_count < 0 || node.null_count > len || len != h->length) return false;
  ff->null_count = node.null_count;
  ff->zero_offsets = false;
  ff->n_buffers = kind == FLAT_BINARY ? 3 : 2;
  qv_ipc_buffer_loc *loc = ff->loc;
  for (int32_t k = 0; k < ff->n_buffers; k++)
    if (!take_loc(h, (*bi)++, body_length, &loc[k])) return false;

  /* Validity: needed (and big enough) with nulls, dropped without. */
  if (node.null_count == 0) {
    loc[0].length = 0;
  } else if (loc[0].length == 0 || loc[0].length < qv_bitmap_bytes(len)) {
    return false;
  }
  int64_t need;
  switch (kind) {
    case FLAT_VALUES:
      if (qv__mul_overflow_i64(len, w, &need) || loc[1].length < need) return false;
      break;
    case FLAT_BITS:
      if (loc[1].length < qv_bitmap_bytes(len)) return false;
      break;
    default: { /* FLAT_BINARY */
      if (len == INT64_MAX || qv__mul_overflow_i64(len + 1, w, &need)) return false;
      if (loc[1].length == 0) {
        if (len > 0) return false;
        ff->zero_offsets = true; /* 16 zero bytes: first = last = 0 */
        break;
      }
      if (loc[1].length < need || !aligned(base + loc[1].offset, w)) return false;
      if (validate) {
        const uint8_t *offs = base + loc[1].offset;
        const int64_t first = qv__load_off(offs, w == 8, 0), last = qv__load_off(offs, w == 8, len);
        if (first < 0 || last < first || last > loc[2].length) return false;
      }
      return true;
    }
  }
  return loc[1].length == 0 || aligned(base + loc[1].offset, align);
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
  if (info->flat_buffers <= 0 || n > FLAT_CHUNK || swap || h->codec != QV_IPC_NO_COMPRESSION ||
      h->n_nodes != (uint32_t)n || h->n_buffers != (uint32_t)info->flat_buffers || h->n_variadic != 0 ||
      body == NULL || body->size != body_length || qv__flat_plan_disabled())
    return QV_OK;
  const uint8_t *base = body->data;

  /* Pass 1: every check, nothing allocated. */
  flat_field ff[FLAT_CHUNK];
  uint32_t bi = 0;
  int32_t views = 0;
  for (int32_t i = 0; i < n; i++) {
    if (!check_field(h, base, body_length, validate, schema->fields[i], (uint32_t)i, &bi, &ff[i])) return QV_OK;
    for (int32_t k = 0; k < ff[i].n_buffers; k++) views += ff[i].loc[k].length > 0;
  }

  /* Pass 2: the views and the arrays, in one block. */
  *handled = true;
  QV_RETURN_IF_ERROR(qv__view_block_new(body, views, arena, block, err));
  for (int32_t i = 0; i < n; i++) {
    qv_buffer *bufs[3] = {NULL, NULL, NULL};
    qv_status st = QV_OK;
    for (int32_t k = 0; k < ff[i].n_buffers && st == QV_OK; k++)
      if (ff[i].loc[k].length > 0) st = qv__view_block_take(*block, ff[i].loc[k].offset, ff[i].loc[k].length, &bufs[k], err);
    if (ff[i].zero_offsets) bufs[1] = qv__body_zero_offsets();
    if (st == QV_OK)
      st = qv__array_new_flat_in(*block, schema->fields[i]->type, h->length, ff[i].null_count, ff[i].n_buffers,
                                 bufs, &cols[i], err);
    if (st != QV_OK) {
      for (int32_t k = 0; k < 3; k++) qv_buffer_release(bufs[k]);
      for (int32_t j = 0; j < i; j++) qv_array_release(cols[j]);
      qv__view_block_release(*block);
      *block = NULL;
      return st;
    }
  }
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
