/* quiver print: the single-line logical form.
 *
 * Used for the columns of batches and tables and for the values quoted in
 * diff messages. Arrays are "[v,v,...,v,v]" (pyarrow's skip_new_lines
 * style: no spaces, "..." standing for the middle); nested values are
 * written by meaning rather than by layout: lists "[1,2]", structs
 * "{a: 1, b: \"x\"}", maps as their entries structs, unions as the selected
 * child's value, dictionaries and run-end encoded arrays decoded. A slot is
 * "null" when it is logically null (for dictionaries: a null index or a
 * null dictionary value).
 */
#include "print/internal.h"
#include "core/checked_access.h"

int64_t qv__print_window(const qv_array *a, const qv_print_options *o) {
  switch (qv__storage_id(a)) {
    case QV_TYPE_LIST:
    case QV_TYPE_LARGE_LIST:
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_LARGE_LIST_VIEW:
    case QV_TYPE_FIXED_SIZE_LIST:
      return o->max_container_rows;
    default:
      return o->max_rows;
  }
}

bool qv__print_compact_array(qv_strbuf *sb, const qv_array *a, int64_t start, int64_t len,
                             const qv_print_options *o) {
  const int64_t window = qv__print_window(a, o);
  int64_t bad_run;
  /* Per-row lookups of a run-end encoded array are only right when all its
   * run ends increase (a row may be claimed by a run outside the window):
   * checked once per printed window, not trusted. */
  if (qv_type_storage(a->type)->id == QV_TYPE_RUN_END_ENCODED && len > 0 &&
      !qv__ree_runs_increasing(a, &bad_run))
    return false;
  const bool elide = qv__print_elides(len, window);
  qv__strbuf_appendc(sb, '[');
  for (int64_t k = 0; k < len; k++) {
    if (k > 0) qv__strbuf_appendc(sb, ',');
    if (elide && k >= window && k < len - window) {
      qv__strbuf_append(sb, "...");
      k = len - window - 1;
      continue;
    }
    if (!qv__print_compact_value(sb, a, start + k, o)) return false;
  }
  qv__strbuf_appendc(sb, ']');
  return true;
}

bool qv__print_compact_value(qv_strbuf *sb, const qv_array *a, int64_t i, const qv_print_options *o) {
  for (int guard = 0; guard <= 64; guard++) {
    const qv_type *t = qv_type_storage(a->type);
    switch (t->id) {
      case QV_TYPE_NULL:
        qv__strbuf_append(sb, "null");
        return true;
      case QV_TYPE_SPARSE_UNION:
      case QV_TYPE_DENSE_UNION: {
        int32_t c;
        int64_t ci;
        if (!qv__union_slot(a, i, &c, &ci)) return false;
        a = a->children[c];
        i = ci;
        continue;
      }
      case QV_TYPE_RUN_END_ENCODED: {
        int64_t p;
        if (!qv__ree_slot(a, i, &p)) return false;
        a = a->children[1];
        i = p;
        continue;
      }
      default:
        break;
    }
    if (!qv__bit_valid(a, i)) {
      qv__strbuf_append(sb, "null");
      return true;
    }
    switch (t->id) {
      case QV_TYPE_DICTIONARY: {
        int64_t idx;
        if (!qv__dict_slot(a, i, &idx)) return false;
        a = a->dictionary;
        i = idx;
        continue;
      }
      case QV_TYPE_LIST:
      case QV_TYPE_LARGE_LIST:
      case QV_TYPE_LIST_VIEW:
      case QV_TYPE_LARGE_LIST_VIEW:
      case QV_TYPE_FIXED_SIZE_LIST:
      case QV_TYPE_MAP: {
        int64_t s, n;
        if (!qv__list_slot(a, i, &s, &n)) return false;
        return qv__print_compact_array(sb, a->children[0], s, n, o);
      }
      case QV_TYPE_STRUCT:
        qv__strbuf_appendc(sb, '{');
        for (int32_t k = 0; k < a->n_children; k++) {
          if (k > 0) qv__strbuf_append(sb, ", ");
          qv__strbuf_append(sb, t->children[k]->name);
          qv__strbuf_append(sb, ": ");
          if (!qv__print_compact_value(sb, a->children[k], a->offset + i, o)) return false;
        }
        qv__strbuf_appendc(sb, '}');
        return true;
      default:
        return qv__print_leaf(sb, a, i, o);
    }
  }
  return false;
}
