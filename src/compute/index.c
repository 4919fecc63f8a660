/* index: the row of the first valid slot equal to a value (pyarrow's
 * pc.index), -1 when there is none.
 *
 * Equality is the comparison kernels' own (elementwise.c for numbers and
 * temporal types, compare_other.c for strings, binaries, decimals and
 * bools), so "equal" means what qv_compute_compare means; the bool result
 * is then searched a word at a time. float16, which has no comparison
 * kernel, is widened value by value (exactly) and compared as float. A null
 * value is never found (pyarrow's answer too); nor is NaN (NaN != NaN).
 */
#include "core/half.h"
#include "quiver/bitmap.h"
#include "quiver/compute.h"

/* First row i in [0, n) whose bit is set both in `bits` and (when present)
 * in `validity`, both read from bit offset `bits_off` / `valid_off`. */
static int64_t first_set(const uint8_t *bits, int64_t bits_off, const uint8_t *validity, int64_t valid_off,
                         int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    /* a byte at a time once aligned: skips runs of "no" quickly */
    if (((bits_off + i) & 7) == 0 && i + 8 <= n && bits[(bits_off + i) >> 3] == 0) {
      i += 7;
      continue;
    }
    if (qv_bit_get(bits, bits_off + i) && (validity == NULL || qv_bit_get(validity, valid_off + i))) return i;
  }
  return -1;
}

static int64_t index_float16(const qv_array *a, double value) {
  const uint16_t *v = (const uint16_t *)(const void *)qv_array_buffer_data(a, 1);
  if (v == NULL) return -1;
  for (int64_t i = 0; i < a->length; i++)
    if (qv_array_is_valid(a, i) && (double)qv__half_to_float(v[a->offset + i]) == value) return i;
  return -1;
}

qv_status qv_compute_index(const qv_array *values, const qv_scalar *value, int64_t *out, qv_error *err) {
  if (values == NULL || value == NULL || out == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "index: NULL argument");
  *out = -1;
  if (value->kind == QV_SCALAR_NULL || values->length == 0) return QV_OK;
  if (values->type->id == QV_TYPE_FLOAT16) {
    if (value->kind != QV_SCALAR_FLOAT)
      return qv_error_set(err, QV_ERR_TYPE, "index: a halffloat array takes a float value");
    *out = index_float16(values, value->value.f);
    return QV_OK;
  }
  qv_array *eq = NULL;
  QV_RETURN_IF_ERROR(qv_compute_compare_scalar(QV_CMP_EQUAL, values, value, &eq, err));
  const uint8_t *bits = qv_array_buffer_data(eq, 1);
  if (bits != NULL && eq->length == values->length)
    *out = first_set(bits, eq->offset, eq->validity_, eq->offset, eq->length);
  qv_array_release(eq);
  return QV_OK;
}
