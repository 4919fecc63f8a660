/* Gathering rows of an array into a new one (take and filter share it).
 *
 * Two ways, chosen from the layout table:
 *   - fixed-width layouts (a validity bitmap and one values buffer of
 *     `width` bytes or of bits, no children: numbers, temporal, decimals,
 *     fixed_size_binary, intervals, bool, dictionary indices) are copied
 *     slot by slot into fresh buffers, with a typed loop per common width;
 *     a dictionary result shares the input's dictionary;
 *   - every other layout (binary, views, lists, structs, unions, run-end
 *     encoded, null) is cut into ranges of consecutive rows, each a zero-copy
 *     slice (or an all-null array for a run of null rows), and concatenated:
 *     concatenation checks offsets, views and run ends as it uses them, so a
 *     hostile input is an error, never an out-of-bounds read.
 */
#include "compute/gather_internal.h"

#include "core/checked_access.h"
#include "core/internal.h"
#include "core/layout.h"
#include "quiver/concat.h"

static bool fixed_width(const qv__layout *lay) {
  return lay->nulls == QV__NULLS_BITMAP && lay->n_buffers == 2 && lay->arity == QV__CHILDREN_NONE &&
         !lay->variadic && (lay->buffers[1].role == QV__BUF_VALUES || lay->buffers[1].role == QV__BUF_BITS);
}

#define GATHER_TYPED(T)                                                  \
  do {                                                                   \
    const T *src = (const T *)(const void *)in_values;                   \
    T *dst = (T *)(void *)out_values;                                    \
    for (int64_t k = 0; k < n; k++) dst[k] = rows[k] < 0 ? (T)0 : src[rows[k]]; \
  } while (0)

static qv_status gather_fixed(qv_array *in, const qv__layout *lay, const int64_t *rows, int64_t n,
                              qv_array **out, qv_error *err) {
  const qv_type *storage = qv_type_storage(in->type);
  bool bits = lay->buffers[1].role == QV__BUF_BITS;
  int32_t width = bits ? 0 : qv__layout_width(&lay->buffers[1], storage);
  int64_t value_bytes = 0, nulls = 0;
  qv_buffer *validity = NULL, *values = NULL;
  qv_status st;

  if (bits) value_bytes = qv_bitmap_bytes(n);
  else if (qv__mul_overflow_i64(n, width, &value_bytes))
    return qv_error_set(err, QV_ERR_OVERFLOW, "gather: %lld rows of %d bytes overflow", (long long)n, (int)width);
  st = qv_buffer_allocate(NULL, qv_bitmap_bytes(n), true, &validity, err);
  if (st == QV_OK) st = qv_buffer_allocate(NULL, value_bytes, true, &values, err);
  if (st != QV_OK) goto done;

  uint8_t *vbits = validity->data;
  for (int64_t k = 0; k < n; k++) {
    bool ok = rows[k] >= 0 && qv_array_is_valid(in, rows[k]);
    if (ok) qv_bit_set(vbits, k);
    nulls += !ok;
  }
  if (n > 0) {
    const uint8_t *in_data = qv__array_buffer_or_empty(in, 1);
    uint8_t *out_values = values->data;
    if (bits) {
      for (int64_t k = 0; k < n; k++)
        if (rows[k] >= 0 && qv_bit_get(in_data, in->offset + rows[k])) qv_bit_set(out_values, k);
    } else {
      const uint8_t *in_values = in_data + in->offset * (int64_t)width;
      switch (width) { /* a physical width, not a logical type: one loop per size */
        case 1: GATHER_TYPED(uint8_t); break;
        case 2: GATHER_TYPED(uint16_t); break;
        case 4: GATHER_TYPED(uint32_t); break;
        case 8: GATHER_TYPED(uint64_t); break;
        default:
          for (int64_t k = 0; k < n; k++)
            if (rows[k] >= 0) memcpy(out_values + k * width, in_values + rows[k] * width, (size_t)width);
          break;
      }
    }
  }
  st = qv_array_new(in->type, n, 0, nulls, 2, (qv_buffer *[]){nulls ? validity : NULL, values}, 0, NULL,
                    in->dictionary, out, err);
done:
  qv_buffer_release(validity);
  qv_buffer_release(values);
  return st;
}

/* The ranges way: one piece per run of consecutive rows or of null rows. */
static qv_status gather_ranges(qv_array *in, const int64_t *rows, int64_t n, qv_array **out, qv_error *err) {
  qv_array **pieces = NULL;
  int64_t n_pieces = 0;
  qv_status st = QV_OK;

  if (n == 0) return qv_array_slice(in, 0, 0, out, err);
  pieces = qv__calloc((size_t)n + 1, sizeof *pieces); /* at most one piece per row, plus one */
  if (pieces == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "gather: no memory for %lld pieces", (long long)n);
  for (int64_t k = 0; k < n && st == QV_OK;) {
    int64_t run = 1;
    if (rows[k] < 0) {
      while (k + run < n && rows[k + run] < 0) run++;
      st = qv_array_new_null(in->type, run, &pieces[n_pieces], err);
    } else {
      while (k + run < n && rows[k + run] == rows[k] + run) run++;
      st = qv_array_slice(in, rows[k], run, &pieces[n_pieces], err);
    }
    if (st == QV_OK) n_pieces++;
    k += run;
  }
  /* A single piece would come back from concat as it is, its offsets never
   * looked at; an empty second piece makes concat rebuild (and check) it. */
  if (st == QV_OK && n_pieces == 1) {
    st = qv_array_slice(in, 0, 0, &pieces[1], err);
    if (st == QV_OK) n_pieces++;
  }
  if (st == QV_OK) st = qv_array_concat(pieces, n_pieces, out, err);
  for (int64_t p = 0; p < n_pieces; p++) qv_array_release(pieces[p]);
  qv__free(pieces);
  return st;
}

/* Concatenation keeps a view's buffer index as it is when it need not shift
 * it, so the views of the chosen valid rows are checked here, against the
 * data buffers they name. */
static qv_status check_views(const qv_array *in, const int64_t *rows, int64_t n, qv_error *err) {
  for (int64_t k = 0; k < n; k++) {
    const uint8_t *data;
    int64_t len;
    if (rows[k] < 0 || !qv_array_is_valid(in, rows[k])) continue;
    if (!qv__view_slot(in, rows[k], &data, &len))
      return qv_error_set(err, QV_ERR_INVALID_DATA, "row %lld: its view points outside the array's data buffers",
                          (long long)rows[k]);
  }
  return QV_OK;
}

qv_status qv__compute_gather(qv_array *input, const int64_t *rows, int64_t n, qv_array **out, qv_error *err) {
  const qv__layout *lay = qv__layout_of(input->type);
  if (fixed_width(lay)) return gather_fixed(input, lay, rows, n, out, err);
  if (lay->variadic) QV_RETURN_IF_ERROR(check_views(input, rows, n, err));
  return gather_ranges(input, rows, n, out, err);
}
