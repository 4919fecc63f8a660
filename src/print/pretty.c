/* quiver print: the multi-line form, laid out like pyarrow's str(array).
 *
 * The shape follows Arrow C++'s PrettyPrint with default options: "[" and
 * "]" on their own lines, one value per line indented by `indent` more
 * than the brackets, "," after all but the last, a bare "..." line standing
 * for the middle of long arrays (head and tail of max_rows; max_container_rows
 * for the items of list-likes; only past 2 x window + 1 slots), "N nulls" for the null type, and the
 * "-- is_valid:", "-- type_ids:", "-- child N type:", "-- dictionary:",
 * "-- indices:" sections for struct, union and dictionary arrays (including
 * pyarrow's quirk of indenting a section's opening bracket twice). Run-end
 * encoded arrays deviate on purpose: they print their decoded values.
 *
 * Every printer works on a window [start, start + len) of logical rows, so
 * nothing is sliced or allocated besides the output text.
 */
#include "print/internal.h"
#include "core/checked_access.h"

typedef struct pp {
  qv_strbuf *sb;
  const qv_print_options *o;
} pp;

/* One item of a listing: write element k (with its own indentation when it
 * needs one) and return false on bad content. */
typedef bool (*item_fn)(pp *P, const void *ctx, int64_t k, int cur);
typedef bool (*valid_fn)(const void *ctx, int64_t k);

static void spaces(pp *P, int n) {
  if (n > 0) qv__strbuf_append_repeat(P->sb, ' ', (size_t)n);
}

/* "[", the items of [0, n) one per line at indent + step, "]". */
static bool listing(pp *P, int64_t n, int indent, int64_t window, valid_fn valid, item_fn item, const void *ctx,
                    bool indent_items) {
  spaces(P, indent);
  qv__strbuf_appendc(P->sb, '[');
  if (n == 0) {
    qv__strbuf_appendc(P->sb, ']');
    return true;
  }
  qv__strbuf_appendc(P->sb, '\n');
  const int cur = indent + P->o->indent;
  const bool elide = qv__print_elides(n, window);
  for (int64_t k = 0; k < n; k++) {
    const bool last = k == n - 1;
    if (elide && k >= window && k < n - window) {
      spaces(P, cur);
      qv__strbuf_append(P->sb, "...");
      k = n - window - 1;
    } else if (valid != NULL && !valid(ctx, k)) {
      spaces(P, cur);
      qv__strbuf_append(P->sb, "null");
      if (!last) qv__strbuf_appendc(P->sb, ',');
    } else {
      if (indent_items) spaces(P, cur);
      if (!item(P, ctx, k, cur)) return false;
      if (!last) qv__strbuf_appendc(P->sb, ',');
    }
    qv__strbuf_appendc(P->sb, '\n');
  }
  spaces(P, indent);
  qv__strbuf_appendc(P->sb, ']');
  return true;
}

/* ---- listings over an array window ---- */

typedef struct win {
  const qv_array *a;
  int64_t start;
} win;

static bool win_valid(const void *ctx, int64_t k) {
  const win *w = (const win *)ctx;
  return qv__slot_valid(w->a, w->start + k);
}

static bool print_element(pp *P, const qv_array *a, int64_t i, int cur);

static bool win_item(pp *P, const void *ctx, int64_t k, int cur) {
  const win *w = (const win *)ctx;
  return print_element(P, w->a, w->start + k, cur);
}

/* Does print_element indent the element itself? (pyarrow's
 * indent_non_null_values = false for list-likes and maps.) */
static bool self_indenting(const qv_array *a) {
  for (int guard = 0; guard <= 64; guard++) {
    const qv_type *t = qv_type_storage(a->type);
    switch (t->id) {
      case QV_TYPE_LIST:
      case QV_TYPE_LARGE_LIST:
      case QV_TYPE_LIST_VIEW:
      case QV_TYPE_LARGE_LIST_VIEW:
      case QV_TYPE_FIXED_SIZE_LIST:
      case QV_TYPE_MAP:
        return true;
      case QV_TYPE_RUN_END_ENCODED:
        a = a->children[1];
        continue;
      default:
        return false;
    }
  }
  return false;
}

/* Slot i of `a` (known valid) as an item of a listing at indent `cur`. */
static bool print_element(pp *P, const qv_array *a, int64_t i, int cur) {
  const qv_type *t = qv_type_storage(a->type);
  switch (t->id) {
    case QV_TYPE_LIST:
    case QV_TYPE_LARGE_LIST:
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_LARGE_LIST_VIEW:
    case QV_TYPE_FIXED_SIZE_LIST: {
      int64_t s, n;
      if (!qv__list_slot(a, i, &s, &n)) return false;
      return qv__print_pretty(P->sb, a->children[0], s, n, cur, P->o);
    }
    case QV_TYPE_MAP: {
      int64_t s, n;
      if (!qv__list_slot(a, i, &s, &n)) return false;
      const qv_array *entries = a->children[0];
      if (entries->n_children < 2) return false;
      spaces(P, cur);
      qv__strbuf_append(P->sb, "keys:\n");
      if (!qv__print_pretty(P->sb, entries->children[0], entries->offset + s, n, cur, P->o)) return false;
      qv__strbuf_appendc(P->sb, '\n');
      spaces(P, cur);
      qv__strbuf_append(P->sb, "values:\n");
      return qv__print_pretty(P->sb, entries->children[1], entries->offset + s, n, cur, P->o);
    }
    case QV_TYPE_RUN_END_ENCODED: {
      int64_t p;
      if (!qv__ree_slot(a, i, &p)) return false;
      return print_element(P, a->children[1], p, cur);
    }
    default:
      if (qv__print_is_leaf(t)) return qv__print_leaf(P->sb, a, i, P->o);
      /* struct, union, dictionary as an item (e.g. the values of a run-end
       * encoded array): their logical single-line text. */
      return qv__print_compact_value(P->sb, a, i, P->o);
  }
}

/* ---- raw buffers printed as arrays (validity, type ids, offsets, indices) ---- */

typedef struct rawints {
  const uint8_t *data;
  int64_t base;
  int bytes;
  bool is_signed;
  const uint8_t *bits; /* validity of the listing, NULL = all valid */
  int64_t bits_base;
} rawints;

static bool raw_valid(const void *ctx, int64_t k) {
  const rawints *r = (const rawints *)ctx;
  return r->bits == NULL || qv_bit_get(r->bits, r->bits_base + k);
}

static bool raw_int(pp *P, const void *ctx, int64_t k, int cur) {
  const rawints *r = (const rawints *)ctx;
  const int64_t v = qv__load_int(r->data, r->bytes, r->base + k);
  if (r->is_signed || r->bytes == 8) {
    if (r->is_signed) qv__strbuf_appendf(P->sb, "%lld", (long long)v);
    else qv__strbuf_appendf(P->sb, "%llu", (unsigned long long)v);
  } else {
    qv__strbuf_appendf(P->sb, "%llu", (unsigned long long)((uint64_t)v & ((UINT64_C(1) << (r->bytes * 8)) - 1)));
  }
  return true;
}

static bool raw_bool(pp *P, const void *ctx, int64_t k, int cur) {
  const rawints *r = (const rawints *)ctx;
  qv__strbuf_append(P->sb, qv_bit_get(r->data, r->base + k) ? "true" : "false");
  return true;
}

/* "-- is_valid:" section of struct/union arrays. */
static bool is_valid_section(pp *P, const qv_array *a, int64_t start, int64_t len, int indent) {
  spaces(P, indent);
  qv__strbuf_append(P->sb, "-- is_valid:");
  const uint8_t *bits = qv_type_has_validity(a->type) ? qv__buf_data(a, 0) : NULL;
  if (bits == NULL || qv_bitmap_count_set(bits, a->offset + start, len) == len) {
    qv__strbuf_append(P->sb, " all not null");
    return true;
  }
  qv__strbuf_appendc(P->sb, '\n');
  spaces(P, indent);
  rawints r = {bits, a->offset + start, 1, false, NULL, 0};
  return listing(P, len, indent + P->o->indent, P->o->max_rows, NULL, raw_bool, &r, true);
}

static bool child_section(pp *P, const qv_array *a, int32_t k, const qv_array *child, int64_t start, int64_t len,
                          int indent) {
  const qv_type *t = qv_type_storage(a->type);
  qv__strbuf_appendc(P->sb, '\n');
  spaces(P, indent);
  qv__strbuf_appendf(P->sb, "-- child %d type: ", k);
  qv__type_append(P->sb, t->children[k]->type);
  qv__strbuf_appendc(P->sb, '\n');
  return qv__print_pretty(P->sb, child, start, len, indent + P->o->indent, P->o);
}

static bool print_struct(pp *P, const qv_array *a, int64_t start, int64_t len, int indent) {
  if (!is_valid_section(P, a, start, len, indent)) return false;
  for (int32_t k = 0; k < a->n_children; k++)
    if (!child_section(P, a, k, a->children[k], a->offset + start, len, indent)) return false;
  return true;
}

static bool print_union(pp *P, const qv_array *a, int64_t start, int64_t len, int indent) {
  const qv_type *t = qv_type_storage(a->type);
  const int step = P->o->indent;
  if (!is_valid_section(P, a, start, len, indent)) return false;
  qv__strbuf_appendc(P->sb, '\n');
  spaces(P, indent);
  qv__strbuf_append(P->sb, "-- type_ids: ");
  rawints ids = {qv__buf_data(a, 0), a->offset + start, 1, true, NULL, 0};
  if (!listing(P, len, indent + step, P->o->max_rows, NULL, raw_int, &ids, true)) return false;
  const bool dense = t->id == QV_TYPE_DENSE_UNION;
  if (dense) {
    qv__strbuf_appendc(P->sb, '\n');
    spaces(P, indent);
    qv__strbuf_append(P->sb, "-- value_offsets: ");
    rawints offs = {qv__buf_data(a, 1), a->offset + start, 4, true, NULL, 0};
    if (!listing(P, len, indent + step, P->o->max_rows, NULL, raw_int, &offs, true)) return false;
  }
  for (int32_t k = 0; k < a->n_children; k++) {
    const qv_array *ch = a->children[k];
    const bool ok = dense ? child_section(P, a, k, ch, 0, ch->length, indent)
                          : child_section(P, a, k, ch, a->offset + start, len, indent);
    if (!ok) return false;
  }
  return true;
}

static bool print_dictionary(pp *P, const qv_array *a, int64_t start, int64_t len, int indent) {
  const qv_type *t = qv_type_storage(a->type);
  qv__strbuf_appendc(P->sb, '\n');
  spaces(P, indent);
  qv__strbuf_append(P->sb, "-- dictionary:\n");
  if (!qv__print_pretty(P->sb, a->dictionary, 0, a->dictionary->length, indent + P->o->indent, P->o)) return false;
  qv__strbuf_appendc(P->sb, '\n');
  spaces(P, indent);
  qv__strbuf_append(P->sb, "-- indices:\n");
  rawints r = {qv__buf_data(a, 1),     a->offset + start, t->index_type->bit_width / 8,
               qv_type_is_signed_integer(t->index_type->id), qv__buf_data(a, 0), a->offset + start};
  return listing(P, len, indent + P->o->indent, P->o->max_rows, raw_valid, raw_int, &r, true);
}

bool qv__print_pretty(qv_strbuf *sb, const qv_array *a, int64_t start, int64_t len, int indent,
                      const qv_print_options *o) {
  pp P = {sb, o};
  const qv_type *t = qv_type_storage(a->type);
  int64_t bad_run;
  /* Per-row lookups of a run-end encoded array are only right when all its
   * run ends increase (a row may be claimed by a run outside the window):
   * checked once per printed window, not trusted. */
  if (t->id == QV_TYPE_RUN_END_ENCODED && len > 0 && !qv__ree_runs_increasing(a, &bad_run))
    return false;
  switch (t->id) {
    case QV_TYPE_NULL:
      qv__strbuf_appendf(sb, "%lld nulls", (long long)len);
      return true;
    case QV_TYPE_STRUCT:
      return print_struct(&P, a, start, len, indent);
    case QV_TYPE_SPARSE_UNION:
    case QV_TYPE_DENSE_UNION:
      return print_union(&P, a, start, len, indent);
    case QV_TYPE_DICTIONARY:
      return print_dictionary(&P, a, start, len, indent);
    default: {
      win w = {a, start};
      return listing(&P, len, indent, qv__print_window(a, o), win_valid, win_item, &w, !self_indenting(a));
    }
  }
}
