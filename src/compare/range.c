/* quiver compare: logical comparison of two array windows (see internal.h).
 *
 * Strategy per layout: first find the first slot where validity differs
 * (bitmaps compared wholesale when possible), then compare the values of
 * the slots valid on both sides before it, run by run: fixed-width runs by
 * one memcmp (element by element only to locate a difference), floats by
 * value, bytes slot by slot, lists by lengths and then one child comparison
 * per run of consecutive slots, structs child by child over each run,
 * unions slot by slot, run-end encoded arrays run by run over the merged
 * run boundaries. Every offset, view, code, index and run end is read with
 * the bounds-checked accessors, so invalid content ends the comparison
 * (reported as a difference with c->invalid set), never a wild read.
 * Recursion depth is bounded by the type depth, which structural
 * validation limits to QV_VALIDATE_MAX_DEPTH.
 */
#include <math.h>
#include <stdio.h>

#include "compare/internal.h"
#include "core/internal.h"
#include "print/internal.h"
#include "core/checked_access.h"
#include "core/layout.h"

void qv__cmp_init(qv__cmp *c, const qv_equal_options *opts, bool want_msg) {
  memset(c, 0, sizeof *c);
  if (opts) c->o = *opts;
  c->want_msg = want_msg;
}

/* ---- messages ---- */

static void path_prepend(qv__cmp *c, const char *fmt, ...) QV_PRINTF(2, 3);
static void path_prepend(qv__cmp *c, const char *fmt, ...) {
  if (!c->want_msg) return;
  char seg[160];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(seg, sizeof seg, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  size_t sn = (size_t)n < sizeof seg ? (size_t)n : sizeof seg - 1;
  if (sn + c->path_len >= sizeof c->path) return; /* path too deep to show: keep the inner part */
  memmove(c->path + sn, c->path, c->path_len + 1);
  memcpy(c->path, seg, sn);
  c->path_len += sn;
}

/* Starts a new difference report: resets the path. */
static void set_detail(qv__cmp *c, const char *fmt, ...) QV_PRINTF(2, 3);
static void set_detail(qv__cmp *c, const char *fmt, ...) {
  c->path_len = 0;
  c->path[0] = '\0';
  c->no_row = false;
  if (!c->want_msg) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->detail, sizeof c->detail, fmt, ap);
  va_end(ap);
}

/* Short single-line text of slot i (or "null"), truncated to fit. */
static void value_text(const qv_array *a, int64_t i, char *buf, size_t cap) {
  static const qv_print_options o = {3, 2, 2, 48, 0};
  qv_strbuf sb;
  qv__strbuf_init_fixed(&sb, buf, cap);
  if (!qv__print_compact_value(&sb, a, i, &o)) qv__strbuf_append(&sb, "<invalid>");
  if (sb.len >= cap && cap > 4) memcpy(buf + cap - 4, "...", 4);
}

static void values_differ(qv__cmp *c, const char *what, const qv_array *a, int64_t ia, const qv_array *b,
                          int64_t ib) {
  if (!c->want_msg) {
    set_detail(c, "%s", "");
    return;
  }
  char l[240], r[240];
  value_text(a, ia, l, sizeof l);
  value_text(b, ib, r, sizeof r);
  set_detail(c, "%s%sleft %s, right %s", what, what[0] ? ": " : "", l, r);
}

static int64_t invalid(qv__cmp *c, int64_t k, const char *side, const char *what) {
  c->invalid = true;
  set_detail(c, "invalid data in the %s array: %s", side, what);
  return k;
}

/* ---- validity ---- */

static int64_t first_validity_diff(const qv_array *a, int64_t ai, const qv_array *b, int64_t bi, int64_t n) {
  const uint8_t *ba = qv__buf_data(a, 0), *bb = qv__buf_data(b, 0);
  if (ba == NULL && bb == NULL) return n;
  if (ba != NULL && bb != NULL && qv_bitmap_equal(ba, a->offset + ai, bb, b->offset + bi, n)) return n;
  if (ba == NULL && qv_bitmap_count_set(bb, b->offset + bi, n) == n) return n;
  if (bb == NULL && qv_bitmap_count_set(ba, a->offset + ai, n) == n) return n;
  for (int64_t k = 0; k < n; k++)
    if (qv__bit_valid(a, ai + k) != qv__bit_valid(b, bi + k)) return k;
  return n;
}

/* ---- leaf values over a run of slots valid on both sides ---- */

static bool float_eq(double x, double y, bool nans_equal) {
  return x == y || (nans_equal && isnan(x) && isnan(y));
}

static float half_value(const uint8_t *d, int64_t j) {
  uint16_t h;
  memcpy(&h, d + j * 2, 2);
  const uint32_t exp = (h >> 10) & 0x1F, man = h & 0x3FF;
  float v;
  if (exp == 0x1F) v = man ? NAN : INFINITY;
  else if (exp == 0) v = ldexpf((float)man, -24);
  else v = ldexpf((float)(man | 0x400), (int)exp - 25);
  return (h & 0x8000) ? -v : v;
}

static int64_t cmp_floats(qv__cmp *c, const qv_type *t, const qv_array *a, int64_t ai, const qv_array *b,
                          int64_t bi, int64_t s, int64_t e) {
  const uint8_t *da = qv__buf_data(a, 1), *db = qv__buf_data(b, 1);
  for (int64_t k = s; k < e; k++) {
    const int64_t ja = a->offset + ai + k, jb = b->offset + bi + k;
    double x, y;
    if (t->id == QV_TYPE_FLOAT64) {
      memcpy(&x, da + ja * 8, 8);
      memcpy(&y, db + jb * 8, 8);
    } else if (t->id == QV_TYPE_FLOAT32) {
      float fx, fy;
      memcpy(&fx, da + ja * 4, 4);
      memcpy(&fy, db + jb * 4, 4);
      x = fx;
      y = fy;
    } else {
      x = half_value(da, ja);
      y = half_value(db, jb);
    }
    if (!float_eq(x, y, c->o.nans_equal)) {
      values_differ(c, "", a, ai + k, b, bi + k);
      return k;
    }
  }
  return -1;
}

static int64_t cmp_fixed(qv__cmp *c, const qv_array *a, int64_t ai, const qv_array *b, int64_t bi, int64_t s,
                         int64_t e, int64_t w) {
  /* An empty range may come with an absent (NULL) values buffer: no pointer
   * arithmetic or memcmp on it (found by fuzz_cdata_import under clang UBSan). */
  if (w == 0 || e <= s) return -1;
  const uint8_t *pa = qv__buf_data(a, 1) + (a->offset + ai + s) * w;
  const uint8_t *pb = qv__buf_data(b, 1) + (b->offset + bi + s) * w;
  if (memcmp(pa, pb, (size_t)((e - s) * w)) == 0) return -1;
  for (int64_t k = 0; k < e - s; k++) {
    if (memcmp(pa + k * w, pb + k * w, (size_t)w) != 0) {
      values_differ(c, "", a, ai + s + k, b, bi + s + k);
      return s + k;
    }
  }
  return -1;
}

static int64_t cmp_bools(qv__cmp *c, const qv_array *a, int64_t ai, const qv_array *b, int64_t bi, int64_t s,
                         int64_t e) {
  const uint8_t *da = qv__buf_data(a, 1), *db = qv__buf_data(b, 1);
  if (qv_bitmap_equal(da, a->offset + ai + s, db, b->offset + bi + s, e - s)) return -1;
  for (int64_t k = s; k < e; k++) {
    if (qv_bit_get(da, a->offset + ai + k) != qv_bit_get(db, b->offset + bi + k)) {
      values_differ(c, "", a, ai + k, b, bi + k);
      return k;
    }
  }
  return -1;
}

/* Offset-based binaries, a run of slots valid on both sides: per-slot
 * lengths from the offsets, then the whole byte range in one memcmp. Returns
 * -2 when the offsets need the careful per-slot path (out of bounds or not
 * monotonic), else the first difference or -1. */
static int64_t cmp_offset_bytes(qv__cmp *c, bool wide, const qv_array *a, int64_t ai, const qv_array *b, int64_t bi,
                                int64_t s, int64_t e) {
  const uint8_t *oa = qv__buf_data(a, 1), *ob = qv__buf_data(b, 1);
  const int64_t ja = a->offset + ai, jb = b->offset + bi;
  const int64_t sa = qv__load_off(oa, wide, ja + s), ea = qv__load_off(oa, wide, ja + e);
  const int64_t sb = qv__load_off(ob, wide, jb + s), eb = qv__load_off(ob, wide, jb + e);
  if (sa < 0 || ea < sa || ea > qv__buf_size(a, 2) || sb < 0 || eb < sb || eb > qv__buf_size(b, 2)) return -2;
  int64_t prev_a = sa, prev_b = sb;
  for (int64_t k = s; k < e; k++) {
    const int64_t na = qv__load_off(oa, wide, ja + k + 1), nb = qv__load_off(ob, wide, jb + k + 1);
    if (na < prev_a || nb < prev_b || na > ea || nb > eb) return -2;
    if (na - prev_a != nb - prev_b) {
      values_differ(c, "", a, ai + k, b, bi + k);
      return k;
    }
    prev_a = na;
    prev_b = nb;
  }
  if (ea == sa) return -1;
  const uint8_t *da = qv__buf_data(a, 2), *db = qv__buf_data(b, 2);
  if (memcmp(da + sa, db + sb, (size_t)(ea - sa)) == 0) return -1;
  for (int64_t k = s; k < e; k++) {
    const int64_t x = qv__load_off(oa, wide, ja + k), y = qv__load_off(ob, wide, jb + k);
    const int64_t n = qv__load_off(oa, wide, ja + k + 1) - x;
    if (memcmp(da + x, db + y, (size_t)n) != 0) {
      values_differ(c, "", a, ai + k, b, bi + k);
      return k;
    }
  }
  return -1;
}

static int64_t cmp_bytes(qv__cmp *c, const qv_type *t, const qv_array *a, int64_t ai, const qv_array *b, int64_t bi,
                         int64_t s, int64_t e) {
  if (t->id != QV_TYPE_BINARY_VIEW && t->id != QV_TYPE_STRING_VIEW) {
    const int64_t r =
        cmp_offset_bytes(c, t->id == QV_TYPE_LARGE_BINARY || t->id == QV_TYPE_LARGE_STRING, a, ai, b, bi, s, e);
    if (r != -2) return r;
  }
  for (int64_t k = s; k < e; k++) {
    const uint8_t *pa, *pb;
    int64_t na, nb;
    if (!qv__bytes_slot(a, ai + k, &pa, &na)) return invalid(c, k, "left", "value bytes outside the data");
    if (!qv__bytes_slot(b, bi + k, &pb, &nb)) return invalid(c, k, "right", "value bytes outside the data");
    if (na != nb || memcmp(pa, pb, (size_t)na) != 0) {
      values_differ(c, "", a, ai + k, b, bi + k);
      return k;
    }
  }
  return -1;
}

/* ---- nested ---- */

/* Lists: per slot lengths; consecutive slots of a run whose lengths agree
 * compared as one child window when their child ranges are contiguous
 * (list, large_list, map, fixed_size_list), slot by slot for list views. */
static int64_t cmp_lists(qv__cmp *c, const qv_type *t, const qv_array *a, int64_t ai, const qv_array *b,
                         int64_t bi, int64_t s, int64_t e) {
  const bool contiguous = t->id != QV_TYPE_LIST_VIEW && t->id != QV_TYPE_LARGE_LIST_VIEW;
  const qv_array *ca = a->children[0], *cb = b->children[0];
  int64_t k = s;
  while (k < e) {
    /* Grow a group [k, j) of slots with equal lengths. */
    int64_t sa0 = 0, sb0 = 0, total = 0, j = k;
    bool length_diff = false;
    while (j < e) {
      int64_t sa, la, sb, lb;
      if (!qv__list_slot(a, ai + j, &sa, &la)) return invalid(c, j, "left", "list range outside the child");
      if (!qv__list_slot(b, bi + j, &sb, &lb)) return invalid(c, j, "right", "list range outside the child");
      if (j == k) {
        sa0 = sa;
        sb0 = sb;
      }
      if (la != lb) {
        length_diff = true;
        break;
      }
      total += la;
      j++;
      if (!contiguous) break;
    }
    if (j > k) {
      const int64_t r = qv__cmp_range(c, ca, sa0, cb, sb0, total);
      if (r >= 0) {
        /* Which slot of the group holds child position r? */
        int64_t slot = k, before = 0;
        for (; slot < j; slot++) {
          int64_t ss, ll;
          qv__list_slot(a, ai + slot, &ss, &ll);
          if (r < before + ll) break;
          before += ll;
        }
        if (!c->no_row) path_prepend(c, "[%lld]", (long long)(r - before));
        return slot;
      }
    }
    if (length_diff) {
      int64_t ss, la, lb;
      qv__list_slot(a, ai + j, &ss, &la);
      qv__list_slot(b, bi + j, &ss, &lb);
      char what[80];
      snprintf(what, sizeof what, "list lengths differ (%lld vs %lld)", (long long)la, (long long)lb);
      values_differ(c, what, a, ai + j, b, bi + j);
      return j;
    }
    k = j;
  }
  return -1;
}

static int64_t cmp_struct(qv__cmp *c, const qv_type *t, const qv_array *a, int64_t ai, const qv_array *b,
                          int64_t bi, int64_t s, int64_t e) {
  int64_t len = e - s, best = -1;
  for (int32_t f = 0; f < a->n_children && len > 0; f++) {
    const int64_t r = qv__cmp_range(c, a->children[f], a->offset + ai + s, b->children[f], b->offset + bi + s, len);
    if (r >= 0) {
      path_prepend(c, ".%s", t->children[f]->name);
      best = s + r;
      len = r; /* later fields only matter before this slot */
    }
  }
  return best;
}

static int64_t cmp_union(qv__cmp *c, const qv_type *t, const qv_array *a, int64_t ai, const qv_array *b,
                         int64_t bi, int64_t n) {
  const uint8_t *ia = qv__buf_data(a, 0), *ib = qv__buf_data(b, 0);
  for (int64_t k = 0; k < n; k++) {
    const int8_t code_a = (int8_t)ia[a->offset + ai + k], code_b = (int8_t)ib[b->offset + bi + k];
    int32_t ka, kb;
    int64_t xa, xb;
    if (!qv__union_slot(a, ai + k, &ka, &xa)) return invalid(c, k, "left", "undeclared type code or bad offset");
    if (!qv__union_slot(b, bi + k, &kb, &xb)) return invalid(c, k, "right", "undeclared type code or bad offset");
    if (code_a != code_b) {
      char what[64];
      snprintf(what, sizeof what, "union type codes differ (%d vs %d)", code_a, code_b);
      values_differ(c, what, a, ai + k, b, bi + k);
      return k;
    }
    if (qv__cmp_range(c, a->children[ka], xa, b->children[kb], xb, 1) >= 0) {
      path_prepend(c, ".%s", t->children[ka]->name);
      return k;
    }
  }
  return -1;
}

/* A row may be claimed by a run outside the window when run ends go
 * backwards anywhere, so every run end is checked, not only those walked
 * (once per run_ends child and comparison). */
static bool run_ends_increasing(qv__cmp *c, const qv_array *a) {
  const qv_array *re = a->children[0];
  for (int i = 0; i < c->n_ree_ok; i++)
    if (c->ree_ok[i] == re) return true;
  int64_t bad_run;
  if (!qv__ree_runs_increasing(a, &bad_run)) return false;
  c->ree_ok[c->n_ree_ok < 8 ? c->n_ree_ok++ : 7] = re;
  return true;
}

static int64_t cmp_ree(qv__cmp *c, const qv_array *a, int64_t ai, const qv_array *b, int64_t bi, int64_t n) {
  int64_t pa, pb;
  if (!run_ends_increasing(c, a)) return invalid(c, 0, "left", "run ends not increasing");
  if (!run_ends_increasing(c, b)) return invalid(c, 0, "right", "run ends not increasing");
  if (!qv__ree_slot(a, ai, &pa)) return invalid(c, 0, "left", "run ends do not cover the slot");
  if (!qv__ree_slot(b, bi, &pb)) return invalid(c, 0, "right", "run ends do not cover the slot");
  const int64_t runs_a = a->children[0]->length, runs_b = b->children[0]->length;
  int64_t k = 0;
  while (k < n) {
    /* Ends of the current runs, in window coordinates. */
    const int64_t ea = qv__ree_run_end(a, pa) - a->offset - ai;
    const int64_t eb = qv__ree_run_end(b, pb) - b->offset - bi;
    if (ea <= k) return invalid(c, k, "left", "run ends not increasing");
    if (eb <= k) return invalid(c, k, "right", "run ends not increasing");
    if (qv__cmp_range(c, a->children[1], pa, b->children[1], pb, 1) >= 0) return k;
    int64_t next = ea < eb ? ea : eb;
    if (next >= n) break;
    k = next;
    if (ea == next && ++pa >= runs_a) return invalid(c, k, "left", "run ends do not cover the length");
    if (eb == next && ++pb >= runs_b) return invalid(c, k, "right", "run ends do not cover the length");
  }
  return -1;
}

/* Dictionaries must be equal as arrays (Arrow C++ semantics). */
static bool dictionaries_equal(qv__cmp *c, const qv_array *da, const qv_array *db) {
  if (da == db) return true;
  for (int i = 0; i < c->n_dict_eq; i++)
    if (c->dict_eq[i][0] == da && c->dict_eq[i][1] == db) return true;
  if (da->length != db->length) {
    set_detail(c, "dictionary lengths differ: left %lld, right %lld", (long long)da->length, (long long)db->length);
    path_prepend(c, ".<dictionary>");
    c->no_row = true;
    return false;
  }
  const int64_t r = qv__cmp_range(c, da, 0, db, 0, da->length);
  if (r >= 0) {
    if (!c->invalid) {
      path_prepend(c, ".<dictionary>[%lld]", (long long)r);
      c->no_row = true;
    }
    return false;
  }
  const int slot = c->n_dict_eq < 8 ? c->n_dict_eq++ : 7;
  c->dict_eq[slot][0] = da;
  c->dict_eq[slot][1] = db;
  return true;
}

static int64_t cmp_indices(qv__cmp *c, const qv_type *t, const qv_array *a, int64_t ai, const qv_array *b,
                           int64_t bi, int64_t s, int64_t e) {
  const int bytes = t->index_type->bit_width / 8;
  const uint8_t *da = qv__buf_data(a, 1), *db = qv__buf_data(b, 1);
  for (int64_t k = s; k < e; k++) {
    if (qv__load_int(da, bytes, a->offset + ai + k) != qv__load_int(db, bytes, b->offset + bi + k)) {
      values_differ(c, "dictionary indices differ", a, ai + k, b, bi + k);
      return k;
    }
  }
  return -1;
}

/* Values of the slots valid on both sides in [0, m). */
static int64_t cmp_valid_values(qv__cmp *c, const qv_type *t, const qv_array *a, int64_t ai, const qv_array *b,
                                int64_t bi, int64_t m) {
  int64_t pos = 0, s, e;
  const uint8_t *bits = qv__buf_data(a, 0);
  const int32_t fixed = qv__print_is_leaf(t) ? qv__type_byte_width(t) : 0;
  if (fixed > 0 && t->id != QV_TYPE_FLOAT16 && t->id != QV_TYPE_FLOAT32 && t->id != QV_TYPE_FLOAT64 && m > 0 &&
      memcmp(qv__buf_data(a, 1) + (a->offset + ai) * fixed, qv__buf_data(b, 1) + (b->offset + bi) * fixed,
             (size_t)(m * fixed)) == 0)
    return -1; /* every slot's bytes are equal, nulls' included */
  /* The layout decides how slots compare; only floats (NaN, -0) need the
   * logical type on top of it. */
  const qv__layout *l = qv__layout_of(t);
  const qv__buffer_role role = l->n_buffers > 1 ? l->buffers[1].role : QV__BUF_VALIDITY;
  const bool is_float = t->id == QV_TYPE_FLOAT16 || t->id == QV_TYPE_FLOAT32 || t->id == QV_TYPE_FLOAT64;
  while (qv__next_valid_run(bits, a->offset + ai, m, &pos, &s, &e)) {
    int64_t r;
    if (l->dictionary)
      r = cmp_indices(c, t, a, ai, b, bi, s, e);
    else if (l->arity == QV__CHILDREN_ONE)
      r = cmp_lists(c, t, a, ai, b, bi, s, e);
    else if (l->arity == QV__CHILDREN_OF_TYPE)
      r = cmp_struct(c, t, a, ai, b, bi, s, e);
    else if (role == QV__BUF_BITS)
      r = cmp_bools(c, a, ai, b, bi, s, e);
    else if (role == QV__BUF_OFFSETS || role == QV__BUF_VIEWS)
      r = cmp_bytes(c, t, a, ai, b, bi, s, e);
    else if (is_float)
      r = cmp_floats(c, t, a, ai, b, bi, s, e);
    else
      r = cmp_fixed(c, a, ai, b, bi, s, e, qv__layout_width(&l->buffers[1], t));
    if (r >= 0) return r;
  }
  return -1;
}

int64_t qv__cmp_range(qv__cmp *c, const qv_array *a, int64_t ai, const qv_array *b, int64_t bi, int64_t n) {
  if (n <= 0) return -1;
  const qv_type *t = qv_type_storage(a->type);
  switch (t->id) {
    case QV_TYPE_NULL:
      return -1;
    case QV_TYPE_SPARSE_UNION:
    case QV_TYPE_DENSE_UNION:
      return cmp_union(c, t, a, ai, b, bi, n);
    case QV_TYPE_RUN_END_ENCODED:
      return cmp_ree(c, a, ai, b, bi, n);
    case QV_TYPE_DICTIONARY:
      if (!dictionaries_equal(c, a->dictionary, b->dictionary)) return 0;
      break;
    default:
      break;
  }
  const int64_t kv = first_validity_diff(a, ai, b, bi, n);
  const int64_t k = cmp_valid_values(c, t, a, ai, b, bi, kv);
  if (k >= 0) return k;
  if (kv < n) {
    values_differ(c, "", a, ai + kv, b, bi + kv);
    return kv;
  }
  return -1;
}
