/* quiver: FlatBuffers builder (see fb_builder.h for the model).
 *
 * Hand-written because no C FlatBuffers runtime is packaged here and
 * generated code may not be copied. Layout invariants kept here:
 *   - content occupies buf[cap - used, cap); a ref r is the object's
 *     position counted from the end, so its final offset is size - r;
 *   - before writing an object of n bytes with alignment a, padding makes
 *     (used + n) a multiple of a, and minalign records the largest a; the
 *     finished size is a multiple of minalign, so alignment from the end is
 *     alignment from the start;
 *   - a uoffset_t written at end-position e to object r holds e - r > 0
 *     (objects are created before whatever refers to them);
 *   - a table's soffset_t is (vtable end-position - table end-position):
 *     positive when its vtable was just written below it, negative when it
 *     reuses an earlier (higher) identical vtable;
 *   - vtable entry for slot i is table ref - field ref (>= 4) or 0.
 */
#include "ipc/flatbuf/fb_builder.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/flatbuf/fb_endian.h"
#include "ipc/flatbuf/fb_reader.h"

static void *default_realloc(void *ctx, void *ptr, size_t size) {
  (void)ctx;
  if (size == 0) {
    free(ptr);
    return NULL;
  }
  return realloc(ptr, size);
}

QV_PRINTF(3, 4)
static qv_status fail(qv_fb_builder *b, qv_status st, const char *fmt, ...) {
  if (b->status != QV_OK) return b->status;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(b->fail, sizeof b->fail, fmt, ap);
  va_end(ap);
  b->status = st;
  return st;
}

#define MISUSE(b, ...) fail(b, QV_ERR_INVALID_ARGUMENT, __VA_ARGS__)

void qv__fb_builder_init(qv_fb_builder *b) {
  memset(b, 0, sizeof *b);
  b->minalign = 4;
  b->max_size = QV_FB_MAX_BUFFER_SIZE;
  b->realloc_fn = default_realloc;
}

void qv__fb_builder_set_allocator(qv_fb_builder *b, qv_fb_realloc_fn fn, void *ctx) {
  b->realloc_fn = fn != NULL ? fn : default_realloc;
  b->alloc_ctx = fn != NULL ? ctx : NULL;
}

void qv__fb_builder_reset(qv_fb_builder *b) {
  b->used = 0;
  b->minalign = 4;
  b->status = QV_OK;
  b->fail[0] = '\0';
  b->in_table = false;
  b->in_vector = false;
  b->nslots = 0;
  memset(b->field, 0, sizeof b->field);
  b->nvtables = 0;
  b->vtable_next = 0;
  b->nstack = 0;
}

void qv__fb_builder_free(qv_fb_builder *b) {
  qv_fb_realloc_fn fn = b->realloc_fn;
  void *ctx = b->alloc_ctx;
  if (b->buf != NULL) fn(ctx, b->buf, 0);
  if (b->stack != NULL) fn(ctx, b->stack, 0);
  qv__fb_builder_init(b);
  b->realloc_fn = fn;
  b->alloc_ctx = ctx;
}

qv_status qv__fb_builder_status(const qv_fb_builder *b) { return b->status; }

qv_status qv__fb_builder_error(const qv_fb_builder *b, qv_error *err) {
  if (b->status == QV_OK) return QV_OK;
  return qv_error_set(err, b->status, "flatbuffer builder: %s", b->fail);
}

void qv__fb_builder_force_defaults(qv_fb_builder *b, bool on) { b->force_defaults = on; }

/* ---- raw space management ---- */

static uint8_t *top(qv_fb_builder *b) { return b->buf + b->cap - b->used; }

static qv_status grow(qv_fb_builder *b, size_t need) {
  if (need > b->max_size - b->used) {
    return fail(b, QV_ERR_LIMIT, "buffer would exceed the %zu-byte limit", b->max_size);
  }
  size_t want = b->used + need;
  size_t ncap = b->cap != 0 ? b->cap : 256;
  while (ncap < want) ncap *= 2;
  uint8_t *nb = b->realloc_fn(b->alloc_ctx, b->buf, ncap);
  if (nb == NULL) {
    return fail(b, QV_ERR_NO_MEMORY, "out of memory growing the buffer to %zu bytes", ncap);
  }
  /* Content lives at the end: slide it to the end of the larger block. */
  memmove(nb + ncap - b->used, nb + b->cap - b->used, b->used);
  b->buf = nb;
  b->cap = ncap;
  return QV_OK;
}

static inline qv_status reserve(qv_fb_builder *b, size_t n) {
  return b->cap - b->used >= n ? QV_OK : grow(b, n);
}

/* Zero-pads so that (used + len) becomes a multiple of align (power of 2). */
static qv_status prealign(qv_fb_builder *b, size_t len, size_t align) {
  if (align > b->minalign) b->minalign = align;
  size_t pad = (0u - (b->used + len)) & (align - 1u);
  if (pad == 0) return QV_OK;
  QV_RETURN_IF_ERROR(reserve(b, pad));
  b->used += pad;
  memset(top(b), 0, pad);
  return QV_OK;
}

/* Claims n bytes below the content and returns them (valid until the next
 * growth). */
static qv_status claim(qv_fb_builder *b, size_t n, uint8_t **p) {
  QV_RETURN_IF_ERROR(reserve(b, n));
  b->used += n;
  *p = top(b);
  return QV_OK;
}

static qv_status push_u32(qv_fb_builder *b, uint32_t v) {
  uint8_t *p;
  QV_RETURN_IF_ERROR(claim(b, 4, &p));
  qv_fb_store_u32(p, v);
  return QV_OK;
}

static qv_status check_leaf(qv_fb_builder *b, const char *what) {
  if (b->status != QV_OK) return b->status;
  if (b->in_table || b->in_vector) {
    return MISUSE(b, "cannot create a %s while a %s is open", what,
                  b->in_table ? "table" : "vector");
  }
  return QV_OK;
}

/* ---- strings and vectors ---- */

qv_status qv__fb_create_string(qv_fb_builder *b, const char *s, size_t n, qv_fb_ref *out) {
  *out = 0;
  QV_RETURN_IF_ERROR(check_leaf(b, "string"));
  if (n >= b->max_size) {
    return fail(b, QV_ERR_LIMIT, "string of %zu bytes would exceed the %zu-byte limit", n,
                b->max_size);
  }
  uint8_t *p;
  QV_RETURN_IF_ERROR(prealign(b, n + 1, 4));
  QV_RETURN_IF_ERROR(claim(b, n + 1, &p));
  if (n != 0) memcpy(p, s, n);
  p[n] = 0;
  QV_RETURN_IF_ERROR(push_u32(b, (uint32_t)n));
  *out = (qv_fb_ref)b->used;
  return QV_OK;
}

qv_status qv__fb_start_vector(qv_fb_builder *b, size_t count, size_t elem_size, size_t align,
                             uint8_t **elems) {
  *elems = NULL;
  QV_RETURN_IF_ERROR(check_leaf(b, "vector"));
  if (align == 0 || (align & (align - 1)) != 0 || align > 64) {
    return MISUSE(b, "vector alignment %zu is not a power of two <= 64", align);
  }
  if (elem_size != 0 && count > (b->max_size - 4) / elem_size) {
    return fail(b, QV_ERR_LIMIT, "vector of %zu elements of %zu bytes would exceed the %zu-byte limit",
                count, elem_size, b->max_size);
  }
  size_t bytes = count * elem_size;
  QV_RETURN_IF_ERROR(prealign(b, bytes, align < 4 ? 4 : align));
  QV_RETURN_IF_ERROR(reserve(b, bytes + 4)); /* so end_vector cannot move *elems' data */
  uint8_t *p;
  QV_RETURN_IF_ERROR(claim(b, bytes, &p));
  if (bytes != 0) memset(p, 0, bytes);
  b->in_vector = true;
  b->vec_count = (uint32_t)count;
  *elems = p;
  return QV_OK;
}

qv_status qv__fb_end_vector(qv_fb_builder *b, qv_fb_ref *out) {
  *out = 0;
  if (b->status != QV_OK) return b->status;
  if (!b->in_vector) return MISUSE(b, "end_vector without start_vector");
  b->in_vector = false;
  QV_RETURN_IF_ERROR(push_u32(b, b->vec_count));
  *out = (qv_fb_ref)b->used;
  return QV_OK;
}

qv_status qv__fb_create_vector(qv_fb_builder *b, const void *elems, size_t count, size_t elem_size,
                              size_t align, qv_fb_ref *out) {
  uint8_t *p;
  *out = 0;
  QV_RETURN_IF_ERROR(qv__fb_start_vector(b, count, elem_size, align, &p));
  if (count * elem_size != 0) memcpy(p, elems, count * elem_size);
  return qv__fb_end_vector(b, out);
}

qv_status qv__fb_create_vector_int32(qv_fb_builder *b, const int32_t *v, size_t count,
                                    qv_fb_ref *out) {
  uint8_t *p;
  *out = 0;
  QV_RETURN_IF_ERROR(qv__fb_start_vector(b, count, 4, 4, &p));
  for (size_t i = 0; i < count; i++) qv_fb_store_i32(p + 4 * i, v[i]);
  return qv__fb_end_vector(b, out);
}

qv_status qv__fb_create_vector_int64(qv_fb_builder *b, const int64_t *v, size_t count,
                                    qv_fb_ref *out) {
  uint8_t *p;
  *out = 0;
  QV_RETURN_IF_ERROR(qv__fb_start_vector(b, count, 8, 8, &p));
  for (size_t i = 0; i < count; i++) qv_fb_store_i64(p + 8 * i, v[i]);
  return qv__fb_end_vector(b, out);
}

qv_status qv__fb_create_vector_refs(qv_fb_builder *b, const qv_fb_ref *refs, size_t count,
                                   qv_fb_ref *out) {
  uint8_t *p;
  *out = 0;
  size_t before = b->used;
  for (size_t i = 0; i < count; i++) {
    if (refs[i] == 0 || refs[i] > before) {
      return MISUSE(b, "vector element %zu refers to no finished object (ref %u)", i,
                    (unsigned)refs[i]);
    }
  }
  QV_RETURN_IF_ERROR(qv__fb_start_vector(b, count, 4, 4, &p));
  /* Element i sits at end-position used - 4i. */
  for (size_t i = 0; i < count; i++) {
    qv_fb_store_u32(p + 4 * i, (uint32_t)(b->used - 4 * i - refs[i]));
  }
  return qv__fb_end_vector(b, out);
}

qv_status qv__fb_push_ref(qv_fb_builder *b, qv_fb_ref ref) {
  if (b->status != QV_OK) return b->status;
  if (b->nstack == b->stack_cap) {
    size_t ncap = b->stack_cap != 0 ? b->stack_cap * 2 : 64;
    qv_fb_ref *ns = b->realloc_fn(b->alloc_ctx, b->stack, ncap * sizeof *ns);
    if (ns == NULL) {
      return fail(b, QV_ERR_NO_MEMORY, "out of memory growing the ref stack to %zu entries", ncap);
    }
    b->stack = ns;
    b->stack_cap = ncap;
  }
  b->stack[b->nstack++] = ref;
  return QV_OK;
}

qv_status qv__fb_create_vector_from_stack(qv_fb_builder *b, size_t count, qv_fb_ref *out) {
  *out = 0;
  if (b->status != QV_OK) return b->status;
  if (count > b->nstack) {
    return MISUSE(b, "ref stack holds %zu refs, %zu requested", b->nstack, count);
  }
  /* An empty vector (e.g. a Schema without fields) may come before anything
   * was ever pushed, while the stack is still NULL: NULL + 0 is undefined. */
  const qv_fb_ref *top = count != 0 ? b->stack + (b->nstack - count) : NULL;
  QV_RETURN_IF_ERROR(qv__fb_create_vector_refs(b, top, count, out));
  b->nstack -= count;
  return QV_OK;
}

/* ---- tables ---- */

qv_status qv__fb_start_table(qv_fb_builder *b) {
  QV_RETURN_IF_ERROR(check_leaf(b, "table"));
  b->in_table = true;
  b->table_start = b->used;
  b->nslots = 0;
  memset(b->field, 0, sizeof b->field);
  return QV_OK;
}

static qv_status check_field(qv_fb_builder *b, unsigned slot) {
  if (b->status != QV_OK) return b->status;
  if (!b->in_table) return MISUSE(b, "field added to slot %u outside a table", slot);
  if (slot >= QV_FB_MAX_SLOTS) {
    return MISUSE(b, "slot %u exceeds the builder's %d slots", slot, QV_FB_MAX_SLOTS);
  }
  return QV_OK;
}

static void note_field(qv_fb_builder *b, unsigned slot) {
  b->field[slot] = (uint32_t)b->used;
  if (slot + 1 > b->nslots) b->nslots = slot + 1;
}

static qv_status add_scalar(qv_fb_builder *b, unsigned slot, uint64_t bits, size_t size) {
  QV_RETURN_IF_ERROR(check_field(b, slot));
  uint8_t *p;
  QV_RETURN_IF_ERROR(prealign(b, size, size));
  QV_RETURN_IF_ERROR(claim(b, size, &p));
  switch (size) {
    case 1: p[0] = (uint8_t)bits; break;
    case 2: qv_fb_store_u16(p, (uint16_t)bits); break;
    case 4: qv_fb_store_u32(p, (uint32_t)bits); break;
    default: qv_fb_store_u64(p, bits); break;
  }
  note_field(b, slot);
  return QV_OK;
}

#define SKIP_DEFAULT(b, v, def) \
  if ((v) == (def) && !(b)->force_defaults) return check_field(b, slot)

qv_status qv__fb_add_bool(qv_fb_builder *b, unsigned slot, bool v, bool def) {
  SKIP_DEFAULT(b, v, def);
  return add_scalar(b, slot, v ? 1u : 0u, 1);
}
qv_status qv__fb_add_int8(qv_fb_builder *b, unsigned slot, int8_t v, int8_t def) {
  SKIP_DEFAULT(b, v, def);
  return add_scalar(b, slot, (uint8_t)v, 1);
}
qv_status qv__fb_add_uint8(qv_fb_builder *b, unsigned slot, uint8_t v, uint8_t def) {
  SKIP_DEFAULT(b, v, def);
  return add_scalar(b, slot, v, 1);
}
qv_status qv__fb_add_int16(qv_fb_builder *b, unsigned slot, int16_t v, int16_t def) {
  SKIP_DEFAULT(b, v, def);
  return add_scalar(b, slot, (uint16_t)v, 2);
}
qv_status qv__fb_add_int32(qv_fb_builder *b, unsigned slot, int32_t v, int32_t def) {
  SKIP_DEFAULT(b, v, def);
  return add_scalar(b, slot, (uint32_t)v, 4);
}
qv_status qv__fb_add_int64(qv_fb_builder *b, unsigned slot, int64_t v, int64_t def) {
  SKIP_DEFAULT(b, v, def);
  return add_scalar(b, slot, (uint64_t)v, 8);
}

qv_status qv__fb_add_offset(qv_fb_builder *b, unsigned slot, qv_fb_ref ref) {
  QV_RETURN_IF_ERROR(check_field(b, slot));
  if (ref == 0) return QV_OK;
  if (ref > b->table_start) {
    return MISUSE(b, "slot %u refers to an object that is not finished before the table", slot);
  }
  QV_RETURN_IF_ERROR(prealign(b, 4, 4));
  QV_RETURN_IF_ERROR(push_u32(b, (uint32_t)(b->used + 4 - ref))); /* from the field's own position */
  note_field(b, slot);
  return QV_OK;
}

qv_status qv__fb_add_union(qv_fb_builder *b, unsigned type_slot, uint8_t tag, qv_fb_ref ref) {
  QV_RETURN_IF_ERROR(check_field(b, type_slot + 1));
  if (tag == 0 || ref == 0) return QV_OK; /* NONE: tag and value both absent */
  QV_RETURN_IF_ERROR(qv__fb_add_offset(b, type_slot + 1, ref));
  return add_scalar(b, type_slot, tag, 1);
}

/* Finds an identical vtable among the recent ones; returns its ref or 0. */
static uint32_t find_vtable(qv_fb_builder *b, const uint8_t *vt, size_t vt_size) {
  for (unsigned i = 0; i < b->nvtables; i++) {
    const uint8_t *q = b->buf + b->cap - b->vtables[i];
    if (qv_fb_load_u16(q) == vt_size && memcmp(q, vt, vt_size) == 0) return b->vtables[i];
  }
  return 0;
}

qv_status qv__fb_end_table(qv_fb_builder *b, qv_fb_ref *out) {
  *out = 0;
  if (b->status != QV_OK) return b->status;
  if (!b->in_table) return MISUSE(b, "end_table without start_table");
  QV_RETURN_IF_ERROR(prealign(b, 4, 4));
  QV_RETURN_IF_ERROR(push_u32(b, 0)); /* soffset_t, patched below */
  size_t t = b->used;
  size_t tsize = t - b->table_start;
  if (tsize > 0xffffu) return fail(b, QV_ERR_LIMIT, "table of %zu inline bytes exceeds 65535", tsize);

  size_t vt_size = 4 + 2 * (size_t)b->nslots;
  uint8_t *vt;
  QV_RETURN_IF_ERROR(claim(b, vt_size, &vt));
  qv_fb_store_u16(vt, (uint16_t)vt_size);
  qv_fb_store_u16(vt + 2, (uint16_t)tsize);
  for (unsigned i = 0; i < b->nslots; i++) {
    qv_fb_store_u16(vt + 4 + 2 * i, b->field[i] ? (uint16_t)(t - b->field[i]) : 0);
  }
  uint32_t v = find_vtable(b, vt, vt_size);
  if (v != 0) {
    b->used -= vt_size; /* reuse the earlier copy; drop this one */
  } else {
    v = (uint32_t)b->used;
    b->vtables[b->vtable_next] = v;
    b->vtable_next = (b->vtable_next + 1) % QV_FB_VTABLE_CACHE;
    if (b->nvtables < QV_FB_VTABLE_CACHE) b->nvtables++;
  }
  qv_fb_store_i32(b->buf + b->cap - t, (int32_t)((int64_t)v - (int64_t)t));

  b->in_table = false;
  memset(b->field, 0, sizeof(uint32_t) * b->nslots);
  b->nslots = 0;
  *out = (qv_fb_ref)t;
  return QV_OK;
}

qv_status qv__fb_builder_finish(qv_fb_builder *b, qv_fb_ref root, const uint8_t **data, size_t *len,
                               qv_error *err) {
  *data = NULL;
  *len = 0;
  if (b->status == QV_OK && (b->in_table || b->in_vector)) {
    MISUSE(b, "finish while a %s is open", b->in_table ? "table" : "vector");
  }
  if (b->status == QV_OK && (root == 0 || root > b->used)) {
    MISUSE(b, "finish with an invalid root reference %u", (unsigned)root);
  }
  if (b->status == QV_OK && prealign(b, 4, b->minalign) == QV_OK) {
    push_u32(b, (uint32_t)(b->used + 4 - root));
  }
  if (b->status != QV_OK) return qv__fb_builder_error(b, err);
  *data = top(b);
  *len = b->used;
  return QV_OK;
}
