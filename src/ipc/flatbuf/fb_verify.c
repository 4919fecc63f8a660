/* quiver: generic, descriptor-driven FlatBuffers verifier.
 *
 * Hand-written because no C FlatBuffers runtime is packaged here and
 * generated code may not be copied (see fb_reader.h). The verifier is the
 * only code that looks at untrusted metadata bytes; it runs before any
 * accessor and guarantees, for every object reachable through described
 * slots:
 *   - the root offset, each table, vtable, string and vector lies inside
 *     buf[0, len), with all size arithmetic done in 64 bits (no wraparound);
 *   - tables are 4-aligned, vtables 2-aligned with an even size >= 4, every
 *     vtable entry is 0 or inside the table's inline bytes (>= 4, < size),
 *     and each known scalar fits in the table and is aligned to its size;
 *   - uoffset_t values are nonzero and < 2^31 (forward only, so the object
 *     graph is acyclic), strings and vector lengths are 4-aligned, vector
 *     elements are aligned to their size (structs: to 4, or to their
 *     declared alignment with strict_alignment; empty vectors: not checked)
 *     and count * size fits; strings end with a NUL in bounds;
 *   - a union's tag and value agree: both absent, or both present;
 *   - table nesting <= max_depth and total table visits <= max_tables.
 * Alignment is checked relative to the start of the buffer (FlatBuffers
 * aligns relative to its own start), and loads go through memcpy, so a
 * buffer at an odd address is still read safely.
 *
 * Writers share one vtable among tables of the same shape (every Field of
 * a schema, every Int type), and a vtable's own checks (bounds, alignment,
 * size, every entry inside the inline size the vtable itself declares)
 * depend on the vtable alone: they are made once per distinct vtable per
 * buffer (the first VT_SEEN_MAX are remembered; others are checked again).
 * Everything that depends on the table (its bounds, its slots' alignment
 * and targets) is checked for every table.
 */
#include "ipc/flatbuf/fb_verify.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>

/* Vtables remembered as verified (see verify_table). */
#define VT_SEEN_MAX 8

typedef struct vctx {
  const uint8_t *buf;
  uint64_t len;
  uint32_t depth;
  uint32_t max_depth;
  uint64_t tables;
  uint64_t max_tables;
  bool strict_alignment;
  qv_error *err;
  uint32_t n_vt_seen;
  uint32_t vt_seen[VT_SEEN_MAX]; /* positions (< 2 GiB) */
} vctx;

/* Where an object was reached from, for messages: "Field.children". */
typedef struct where {
  const char *table;
  const char *field;
} where;

#define BAD(c, ...) qv_error_set((c)->err, QV_ERR_INVALID_DATA, "flatbuffer: " __VA_ARGS__)

static qv_status verify_table(vctx *c, uint64_t pos, const qv_fb_table_desc *d);

/* Reads the uoffset_t at `at` (already known in bounds and 4-aligned) and
 * checks the object it points to starts inside the buffer. */
static qv_status deref(vctx *c, uint64_t at, where w, uint64_t *target) {
  uint32_t u = qv_fb_load_u32(c->buf + at);
  if (u == 0 || u > QV_FB_MAX_BUFFER_SIZE) {
    return BAD(c, "%s.%s offset at byte %" PRIu64 " is invalid (%" PRIu32 ")", w.table, w.field,
               at, u);
  }
  if (at + u >= c->len) {
    return BAD(c, "%s.%s offset at byte %" PRIu64 " points to byte %" PRIu64
               ", past end of metadata (len %" PRIu64 ")",
               w.table, w.field, at, at + u, c->len);
  }
  *target = at + u;
  return QV_OK;
}

static qv_status verify_vector(vctx *c, uint64_t at, uint32_t elem_size, uint32_t elem_align,
                               where w, uint32_t *n_out, uint64_t *data_out) {
  if (at % 4 != 0) {
    return BAD(c, "%s.%s vector at byte %" PRIu64 " is not 4-byte aligned", w.table, w.field, at);
  }
  if (at + 4 > c->len) {
    return BAD(c, "%s.%s vector at byte %" PRIu64 " extends past end of metadata (len %" PRIu64 ")",
               w.table, w.field, at, c->len);
  }
  uint32_t n = qv_fb_load_u32(c->buf + at);
  uint64_t data = at + 4;
  /* An empty vector has no element to misload; Arrow C++ writes empty
   * Footer block vectors with an unaligned (and unused) element start. */
  if (n != 0 && elem_align > 1 && data % elem_align != 0) {
    return BAD(c, "%s.%s vector at byte %" PRIu64 " has elements at byte %" PRIu64
               " that are not %" PRIu32 "-byte aligned",
               w.table, w.field, at, data, elem_align);
  }
  if ((uint64_t)n * elem_size > c->len - data) {
    return BAD(c, "%s.%s vector at byte %" PRIu64 " (%" PRIu32 " elements of %" PRIu32
               " bytes) extends past end of metadata (len %" PRIu64 ")",
               w.table, w.field, at, n, elem_size, c->len);
  }
  *n_out = n;
  *data_out = data;
  return QV_OK;
}

static qv_status verify_string(vctx *c, uint64_t at, where w) {
  if (at % 4 != 0) {
    return BAD(c, "%s.%s string at byte %" PRIu64 " is not 4-byte aligned", w.table, w.field, at);
  }
  if (at + 4 > c->len) {
    return BAD(c, "%s.%s string at byte %" PRIu64 " extends past end of metadata (len %" PRIu64 ")",
               w.table, w.field, at, c->len);
  }
  uint32_t n = qv_fb_load_u32(c->buf + at);
  /* n bytes plus the NUL terminator must fit. */
  if ((uint64_t)n + 1 > c->len - (at + 4)) {
    return BAD(c, "%s.%s string at byte %" PRIu64 " (length %" PRIu32
               ") extends past end of metadata (len %" PRIu64 ")",
               w.table, w.field, at, n, c->len);
  }
  if (c->buf[at + 4 + n] != 0) {
    return BAD(c, "%s.%s string at byte %" PRIu64 " (length %" PRIu32 ") is not NUL-terminated",
               w.table, w.field, at, n);
  }
  return QV_OK;
}

/* Verifies a vector whose elements are uoffset_t to strings or tables. */
static qv_status verify_offset_vector(vctx *c, uint64_t at, const qv_fb_slot_desc *sd, where w) {
  uint32_t n = 0;
  uint64_t data = 0;
  QV_RETURN_IF_ERROR(verify_vector(c, at, 4, 4, w, &n, &data));
  for (uint32_t k = 0; k < n; k++) {
    uint64_t target = 0;
    QV_RETURN_IF_ERROR(deref(c, data + 4ull * k, w, &target));
    if (sd->kind == QV_FB_VEC_STRING) {
      QV_RETURN_IF_ERROR(verify_string(c, target, w));
    } else {
      QV_RETURN_IF_ERROR(verify_table(c, target, sd->table));
    }
  }
  return QV_OK;
}

/* Everything about a table that its slots need. */
typedef struct tinfo {
  uint64_t pos;
  uint64_t vt;
  uint16_t vt_size;
  uint16_t size;
  const qv_fb_table_desc *d;
} tinfo;

static uint16_t entry(const vctx *c, const tinfo *t, unsigned slot) {
  uint64_t vo = 4u + 2u * (uint64_t)slot;
  return vo + 2 <= t->vt_size ? qv_fb_load_u16(c->buf + t->vt + vo) : 0;
}

static qv_status verify_union_tag(vctx *c, const tinfo *t, unsigned slot) {
  const qv_fb_slot_desc *sd = &t->d->slots[slot];
  assert(slot + 1u < t->d->nslots && t->d->slots[slot + 1].kind == QV_FB_UNION);
  uint16_t off = entry(c, t, slot);
  uint8_t tag = off ? c->buf[t->pos + off] : 0;
  int has_value = entry(c, t, slot + 1) != 0;
  if (tag == 0 && has_value) {
    return BAD(c, "%s table at byte %" PRIu64 ": %s is present but its tag %s is NONE",
               t->d->name, t->pos, t->d->slots[slot + 1].name, sd->name);
  }
  if (tag != 0 && !has_value) {
    return BAD(c, "%s table at byte %" PRIu64 ": %s is %u but %s is missing", t->d->name, t->pos,
               sd->name, (unsigned)tag, t->d->slots[slot + 1].name);
  }
  return QV_OK;
}

static qv_status verify_slot(vctx *c, const tinfo *t, unsigned slot) {
  const qv_fb_slot_desc *sd = &t->d->slots[slot];
  where w = {t->d->name, sd->name};
  uint16_t off = entry(c, t, slot);
  uint64_t at = t->pos + off;

  if (sd->kind == QV_FB_NONE) return QV_OK;
  if (sd->kind == QV_FB_SCALAR || sd->kind == QV_FB_UNION_TYPE) {
    uint32_t size = sd->kind == QV_FB_SCALAR ? sd->size : 1;
    if (off != 0 && (uint32_t)off + size > t->size) {
      return BAD(c, "%s.%s (%" PRIu32 "-byte scalar) at byte %" PRIu64
                 " extends past the table's %u inline bytes",
                 w.table, w.field, size, at, (unsigned)t->size);
    }
    if (off != 0 && at % size != 0) {
      return BAD(c, "%s.%s at byte %" PRIu64 " is not %" PRIu32 "-byte aligned", w.table, w.field,
                 at, size);
    }
    return sd->kind == QV_FB_UNION_TYPE ? verify_union_tag(c, t, slot) : QV_OK;
  }

  /* Every other kind is a uoffset_t to an object outside the table. */
  if (off == 0) return QV_OK;
  if ((uint32_t)off + 4 > t->size) {
    return BAD(c, "%s.%s offset at byte %" PRIu64 " extends past the table's %u inline bytes",
               w.table, w.field, at, (unsigned)t->size);
  }
  if (at % 4 != 0) {
    return BAD(c, "%s.%s offset at byte %" PRIu64 " is not 4-byte aligned", w.table, w.field, at);
  }
  uint64_t target = 0;
  QV_RETURN_IF_ERROR(deref(c, at, w, &target));
  uint32_t n = 0;
  uint64_t data = 0;
  switch ((qv_fb_kind)sd->kind) {
    case QV_FB_STRING:
      return verify_string(c, target, w);
    case QV_FB_TABLE:
      return verify_table(c, target, sd->table);
    case QV_FB_VEC_SCALAR:
      return verify_vector(c, target, sd->size, sd->size, w, &n, &data);
    case QV_FB_VEC_STRUCT: /* see qv_fb_verify_opts.strict_alignment */
      return verify_vector(c, target, sd->size,
                           c->strict_alignment || sd->align < 4 ? sd->align : 4, w, &n, &data);
    case QV_FB_VEC_TABLE:
    case QV_FB_VEC_STRING:
      return verify_offset_vector(c, target, sd, w);
    case QV_FB_UNION: {
      assert(slot > 0 && t->d->slots[slot - 1].kind == QV_FB_UNION_TYPE);
      uint16_t toff = entry(c, t, slot - 1);
      uint8_t tag = toff ? c->buf[t->pos + toff] : 0;
      const qv_fb_union_desc *u = sd->uni;
      if (tag < u->nmembers && u->members[tag] != NULL) {
        return verify_table(c, target, u->members[tag]);
      }
      /* Unknown or unread member: check its shape, not its fields. The
       * decoder rejects the tag with a proper "unsupported" error. */
      qv_fb_table_desc opaque = {u->name, 0, NULL};
      return verify_table(c, target, &opaque);
    }
    default:
      assert(!"unknown slot kind");
      return BAD(c, "%s.%s has an unknown descriptor kind", w.table, w.field);
  }
}

static qv_status verify_table(vctx *c, uint64_t pos, const qv_fb_table_desc *d) {
  const char *tn = d->name;
  if (pos % 4 != 0) {
    return BAD(c, "%s table at byte %" PRIu64 " is not 4-byte aligned", tn, pos);
  }
  if (pos + 4 > c->len) {
    return BAD(c, "%s table at byte %" PRIu64 " extends past end of metadata (len %" PRIu64 ")", tn,
               pos, c->len);
  }
  if (++c->tables > c->max_tables) {
    return qv_error_set(c->err, QV_ERR_LIMIT,
                        "flatbuffer: more than %" PRIu64 " tables visited (at %s table, byte %" PRIu64
                        "); shared sub-tables are counted on every visit",
                        c->max_tables, tn, pos);
  }
  if (c->depth >= c->max_depth) {
    return qv_error_set(c->err, QV_ERR_LIMIT,
                        "flatbuffer: %s table at byte %" PRIu64 " is nested more than %" PRIu32
                        " tables deep",
                        tn, pos, c->max_depth);
  }
  int64_t vt = (int64_t)pos - (int64_t)qv_fb_load_i32(c->buf + pos);
  if (vt < 0 || (uint64_t)vt + 4 > c->len) {
    return BAD(c, "%s table at byte %" PRIu64 " has its vtable at byte %" PRId64
               ", outside the metadata (len %" PRIu64 ")",
               tn, pos, vt, c->len);
  }
  if (vt % 2 != 0) {
    return BAD(c, "%s table at byte %" PRIu64 " has its vtable at odd byte %" PRId64, tn, pos, vt);
  }
  tinfo t = {pos, (uint64_t)vt, qv_fb_load_u16(c->buf + vt), qv_fb_load_u16(c->buf + vt + 2), d};
  bool seen = false;
  for (uint32_t i = 0; i < c->n_vt_seen && !seen; i++) seen = c->vt_seen[i] == (uint32_t)vt;
  if (seen) {
    /* Verified before: its checks depend on the vtable alone. */
    if (pos + t.size > c->len) {
      return BAD(c, "%s table at byte %" PRIu64 " (inline size %u) extends past end of metadata (len %" PRIu64
                 ")",
                 tn, pos, (unsigned)t.size, c->len);
    }
    goto slots;
  }
  if (t.vt_size < 4 || t.vt_size % 2 != 0) {
    return BAD(c, "%s vtable at byte %" PRId64 " has invalid size %u (must be even and >= 4)", tn,
               vt, (unsigned)t.vt_size);
  }
  if (t.vt + t.vt_size > c->len) {
    return BAD(c, "%s vtable at byte %" PRId64 " (size %u) extends past end of metadata (len %" PRIu64
               ")",
               tn, vt, (unsigned)t.vt_size, c->len);
  }
  if (t.size < 4) {
    return BAD(c, "%s table at byte %" PRIu64 " has invalid inline size %u (< 4)", tn, pos,
               (unsigned)t.size);
  }
  if (pos + t.size > c->len) {
    return BAD(c, "%s table at byte %" PRIu64 " (inline size %u) extends past end of metadata (len %" PRIu64
               ")",
               tn, pos, (unsigned)t.size, c->len);
  }
  unsigned nentries = (t.vt_size - 4u) / 2u;
  for (unsigned i = 0; i < nentries; i++) {
    uint16_t off = entry(c, &t, i);
    if (off != 0 && (off < 4 || off >= t.size)) {
      const char *fn = i < d->nslots ? d->slots[i].name : "(unknown field)";
      return BAD(c, "%s.%s (slot %u) has field offset %u outside the %s table at byte %" PRIu64
                 " (inline size %u)",
                 tn, fn, i, (unsigned)off, tn, pos, (unsigned)t.size);
    }
  }
  if (c->n_vt_seen < VT_SEEN_MAX) c->vt_seen[c->n_vt_seen++] = (uint32_t)vt;
slots:
  c->depth++;
  for (unsigned i = 0; i < d->nslots; i++) {
    /* Settled here without a call: an absent slot (unless it is a union
     * tag: its value must then be absent too) and a present scalar that
     * fits the table and is aligned (scalar sizes are powers of two).
     * verify_slot makes these checks again and words any failure. */
    uint16_t off = entry(c, &t, i);
    const qv_fb_slot_desc *sd = &d->slots[i];
    if (off == 0) {
      if (sd->kind != QV_FB_UNION_TYPE) continue;
    } else if (sd->kind == QV_FB_SCALAR && (sd->size & (sd->size - 1)) == 0 && (uint32_t)off + sd->size <= t.size &&
               ((pos + off) & (uint64_t)(sd->size - 1)) == 0) {
      continue;
    }
    qv_status st = verify_slot(c, &t, i);
    if (st != QV_OK) return st; /* depth no longer matters after a failure */
  }
  c->depth--;
  return QV_OK;
}

qv_status qv__fb_verify(const uint8_t *buf, size_t len, const qv_fb_table_desc *root,
                       const qv_fb_verify_opts *opts, qv_fb_table *root_out, qv_error *err) {
  vctx c; /* field by field: vt_seen needs no zeroing (n_vt_seen says what it holds) */
  c.buf = buf;
  c.len = len;
  c.depth = 0;
  c.max_depth = QV_FB_DEFAULT_MAX_DEPTH;
  c.tables = 0;
  c.max_tables = QV_FB_DEFAULT_MAX_TABLES;
  c.strict_alignment = false;
  c.err = err;
  c.n_vt_seen = 0;
  if (opts != NULL && opts->max_depth != 0) c.max_depth = opts->max_depth;
  if (opts != NULL && opts->max_tables != 0) c.max_tables = opts->max_tables;
  if (opts != NULL) c.strict_alignment = opts->strict_alignment;
  if (root_out != NULL) *root_out = (qv_fb_table){0};

  if (len > QV_FB_MAX_BUFFER_SIZE) {
    return qv_error_set(err, QV_ERR_LIMIT, "flatbuffer: %s metadata of %zu bytes exceeds the 2 GiB limit",
                        root->name, len);
  }
  if (buf == NULL || len < 4) {
    return BAD(&c, "%s metadata of %zu bytes is too small to hold a root offset", root->name, len);
  }
  uint32_t r = qv_fb_load_u32(buf);
  if (r == 0) {
    return BAD(&c, "root table offset of the %s metadata is 0", root->name);
  }
  if ((uint64_t)r + 4 > len) {
    return BAD(&c, "root table offset %" PRIu32 " is outside the %s metadata (len %zu)", r,
               root->name, len);
  }
  QV_RETURN_IF_ERROR(verify_table(&c, r, root));
  if (root_out != NULL) *root_out = qv_fb_root(buf);
  return QV_OK;
}
