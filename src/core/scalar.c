/* quiver core: qv_array_get_scalar (scalar.h).
 *
 * Dispatches on the logical type once per call, because the answer's kind
 * depends on the logical type (a date32 is an INT, a decimal a DECIMAL), not
 * only on the layout. Encodings are resolved by walking down: dictionary ->
 * its value, run-end encoded -> the values child, union -> the selected
 * child, each step through the checked accessors, so a slot of an array
 * that passed only structural validation is either read in bounds or
 * reported. The walk is bounded by the type's nesting depth (at most 64).
 */
#include "core/checked_access.h"
#include "core/decimal.h"
#include "core/half.h"
#include "core/internal.h"
#include "quiver/scalar.h"

static qv_status bad_row(qv_error *err, int64_t row, const char *what) {
  return qv_error_set(err, QV_ERR_INVALID_DATA, "row %lld: %s", (long long)row, what);
}

static int64_t load_signed(const qv_array *a, int64_t i, int32_t width) {
  const uint8_t *p = qv__buf_data(a, 1) + (a->offset + i) * width;
  switch (width) { /* the value width decides the C type: not a layout walk */
    case 1: return (int8_t)p[0];
    case 2: { int16_t v; memcpy(&v, p, 2); return v; }
    case 4: { int32_t v; memcpy(&v, p, 4); return v; }
    default: { int64_t v; memcpy(&v, p, 8); return v; }
  }
}

static uint64_t load_unsigned(const qv_array *a, int64_t i, int32_t width) {
  const uint8_t *p = qv__buf_data(a, 1) + (a->offset + i) * width;
  switch (width) {
    case 1: return p[0];
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
  }
}

qv_status qv_array_get_scalar(const qv_array *array, int64_t i, qv_scalar *out, qv_error *err) {
  if (array == NULL || out == NULL)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_array_get_scalar: %s is NULL", array ? "out" : "array");
  memset(out, 0, sizeof *out);
  if (i < 0 || i >= array->length)
    return qv_error_set(err, QV_ERR_OUT_OF_RANGE, "row %lld is outside the array's %lld rows", (long long)i,
                        (long long)array->length);
  const int64_t row = i; /* the caller's row, for messages */
  const qv_array *a = array;
  out->type = array->type;
  for (int depth = 0; depth <= 64; depth++) {
    const qv_type *st = qv_type_storage(a->type);
    switch (st->id) { /* logical encodings first: they replace `a` and `i` */
      case QV_TYPE_DICTIONARY: {
        if (!qv__bit_valid(a, i)) return QV_OK;
        int64_t k;
        if (a->dictionary == NULL || !qv__dict_slot(a, i, &k)) return bad_row(err, row, "dictionary index out of range");
        a = a->dictionary;
        i = k;
        out->type = a->type;
        continue;
      }
      case QV_TYPE_RUN_END_ENCODED: {
        /* A binary search over run ends that are not increasing may land on
         * a run that also "covers" the row without holding it, so every run
         * end is checked (O(runs): decode a run-end encoded column once
         * instead of reading it scalar by scalar). */
        int64_t bad, p;
        if (!qv__ree_runs_increasing(a, &bad) || !qv__ree_slot(a, i, &p))
          return bad_row(err, row, "run ends are not increasing or do not cover the row");
        a = a->children[1];
        i = p;
        out->type = a->type;
        continue;
      }
      case QV_TYPE_SPARSE_UNION:
      case QV_TYPE_DENSE_UNION: {
        int32_t child;
        int64_t at;
        if (!qv__union_slot(a, i, &child, &at)) return bad_row(err, row, "union type id or offset out of range");
        a = a->children[child];
        i = at;
        out->type = a->type;
        continue;
      }
      default:
        break;
    }
    if (st->id == QV_TYPE_NULL || !qv__bit_valid(a, i)) return QV_OK; /* QV_SCALAR_NULL */
    const int32_t width = st->bit_width / 8;
    switch (st->id) { /* the logical type decides the kind of the answer */
      case QV_TYPE_BOOL:
        out->kind = QV_SCALAR_BOOL;
        out->value.b = qv_bit_get(qv__buf_data(a, 1), a->offset + i);
        return QV_OK;
      case QV_TYPE_INT8: case QV_TYPE_INT16: case QV_TYPE_INT32: case QV_TYPE_INT64:
      case QV_TYPE_DATE32: case QV_TYPE_DATE64: case QV_TYPE_TIME32: case QV_TYPE_TIME64:
      case QV_TYPE_TIMESTAMP: case QV_TYPE_DURATION: case QV_TYPE_INTERVAL_MONTHS:
        out->kind = QV_SCALAR_INT;
        out->value.i = load_signed(a, i, width);
        return QV_OK;
      case QV_TYPE_UINT8: case QV_TYPE_UINT16: case QV_TYPE_UINT32: case QV_TYPE_UINT64:
        out->kind = QV_SCALAR_UINT;
        out->value.u = load_unsigned(a, i, width);
        return QV_OK;
      case QV_TYPE_FLOAT16:
        out->kind = QV_SCALAR_FLOAT;
        out->value.f = qv__half_to_float((uint16_t)load_unsigned(a, i, 2));
        return QV_OK;
      case QV_TYPE_FLOAT32: {
        float f;
        memcpy(&f, qv__buf_data(a, 1) + (a->offset + i) * 4, 4);
        out->kind = QV_SCALAR_FLOAT;
        out->value.f = f;
        return QV_OK;
      }
      case QV_TYPE_FLOAT64:
        out->kind = QV_SCALAR_FLOAT;
        memcpy(&out->value.f, qv__buf_data(a, 1) + (a->offset + i) * 8, 8);
        return QV_OK;
      case QV_TYPE_DECIMAL32: case QV_TYPE_DECIMAL64: case QV_TYPE_DECIMAL128: case QV_TYPE_DECIMAL256:
        out->kind = QV_SCALAR_DECIMAL;
        qv__decimal_load(qv__buf_data(a, 1) + (a->offset + i) * width, st->bit_width, out->value.decimal);
        return QV_OK;
      case QV_TYPE_INTERVAL_DAY_TIME: {
        const uint8_t *p = qv__buf_data(a, 1) + (a->offset + i) * 8;
        out->kind = QV_SCALAR_DAY_TIME;
        memcpy(&out->value.day_time.days, p, 4);
        memcpy(&out->value.day_time.milliseconds, p + 4, 4);
        return QV_OK;
      }
      case QV_TYPE_INTERVAL_MONTH_DAY_NANO: {
        const uint8_t *p = qv__buf_data(a, 1) + (a->offset + i) * 16;
        out->kind = QV_SCALAR_MONTH_DAY_NANO;
        memcpy(&out->value.month_day_nano.months, p, 4);
        memcpy(&out->value.month_day_nano.days, p + 4, 4);
        memcpy(&out->value.month_day_nano.nanoseconds, p + 8, 8);
        return QV_OK;
      }
      case QV_TYPE_BINARY: case QV_TYPE_STRING: case QV_TYPE_LARGE_BINARY: case QV_TYPE_LARGE_STRING:
      case QV_TYPE_BINARY_VIEW: case QV_TYPE_STRING_VIEW: case QV_TYPE_FIXED_SIZE_BINARY:
        out->kind = QV_SCALAR_BYTES;
        if (!qv__bytes_slot(a, i, &out->value.bytes.data, &out->value.bytes.size)) {
          out->kind = QV_SCALAR_NULL;
          return bad_row(err, row, "offsets or view point outside the data");
        }
        if (out->value.bytes.data == NULL) out->value.bytes.data = (const uint8_t *)"";
        return QV_OK;
      case QV_TYPE_LIST: case QV_TYPE_LARGE_LIST: case QV_TYPE_LIST_VIEW: case QV_TYPE_LARGE_LIST_VIEW:
      case QV_TYPE_FIXED_SIZE_LIST: case QV_TYPE_MAP:
        if (!qv__list_slot(a, i, &out->value.list.start, &out->value.list.length))
          return bad_row(err, row, "list offsets point outside the child");
        out->kind = QV_SCALAR_LIST;
        out->value.list.child = a->children[0];
        return QV_OK;
      case QV_TYPE_STRUCT:
        out->kind = QV_SCALAR_STRUCT;
        out->value.row.array = a;
        out->value.row.index = i;
        return QV_OK;
      default:
        return qv_error_set(err, QV_ERR_NOT_IMPLEMENTED, "row %lld: no scalar for this type", (long long)row);
    }
  }
  return qv_error_set(err, QV_ERR_LIMIT, "row %lld: encodings nested deeper than 64 levels", (long long)row);
}
