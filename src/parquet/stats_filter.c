/* Parquet: row-group skipping by statistics (see stats_filter.h).
 *
 * A bound is compared with the constant in the column's sort order:
 * signed or unsigned integers, IEEE doubles, unsigned bytes or booleans.
 * cmp_bound returns false ("unknown") whenever the order is not one of
 * these or the constant is of a kind the order cannot compare, and the
 * caller then keeps the row group. Truncated byte-array bounds (a shortened
 * min, a shortened and incremented max) stay sound for <, <=, =, >=, >
 * because they still bracket every value; != is not decided on them. */
#include "parquet/stats_filter.h"

#include <math.h>
#include <string.h>

#include "parquet/format.h"

typedef enum order_kind { ORDER_NONE, ORDER_SIGNED, ORDER_UNSIGNED, ORDER_FLOAT, ORDER_BYTES, ORDER_BOOL } order_kind;

static bool annotated(const qv__pq_schema_element *e, int32_t lt, int32_t ct) {
  return e->logical.kind == lt || e->converted_type == ct;
}

static order_kind order_of(const qv__pq_schema_element *e, bool legacy) {
  if (annotated(e, QV__PQ_LT_DECIMAL, QV__PQ_CT_DECIMAL) || e->converted_type == QV__PQ_CT_INTERVAL ||
      e->logical.kind == QV__PQ_LT_FLOAT16 || e->logical.kind == QV__PQ_LT_OTHER ||
      e->logical.kind == QV__PQ_LT_UNKNOWN)
    return ORDER_NONE;
  switch (e->type) {
    case QV__PQ_BOOLEAN: return ORDER_BOOL;
    case QV__PQ_INT32:
    case QV__PQ_INT64: {
      bool unsig = (e->logical.kind == QV__PQ_LT_INTEGER && !e->logical.is_signed) ||
                   (e->converted_type >= QV__PQ_CT_UINT_8 && e->converted_type <= QV__PQ_CT_UINT_64);
      if (unsig) return legacy ? ORDER_NONE : ORDER_UNSIGNED; /* the old fields used the signed order */
      return ORDER_SIGNED;
    }
    case QV__PQ_FLOAT:
    case QV__PQ_DOUBLE: return ORDER_FLOAT;
    case QV__PQ_BYTE_ARRAY:
    case QV__PQ_FIXED_LEN_BYTE_ARRAY: return legacy ? ORDER_NONE : ORDER_BYTES;
    default: return ORDER_NONE; /* INT96: no defined order */
  }
}

static int sign_of(double d) { return d < 0 ? -1 : d > 0 ? 1 : 0; }

/* *c = sign(bound - constant); false when they cannot be compared. */
static bool cmp_bound(order_kind k, int32_t physical, const uint8_t *b, int32_t len, const qv_parquet_predicate *p,
                      int *c) {
  if (b == NULL) return false;
  switch (k) {
    case ORDER_SIGNED:
    case ORDER_UNSIGNED: {
      int64_t s;
      uint64_t u;
      if (physical == QV__PQ_INT32) {
        if (len != 4) return false;
        int32_t x;
        memcpy(&x, b, 4);
        s = x;
        u = (uint32_t)x;
      } else {
        if (len != 8) return false;
        memcpy(&s, b, 8);
        u = (uint64_t)s;
      }
      if (p->kind == QV_PARQUET_VALUE_DOUBLE) {
        if (isnan(p->double_value)) return false;
        *c = sign_of((k == ORDER_SIGNED ? (double)s : (double)u) - p->double_value);
        return true;
      }
      if (p->kind != QV_PARQUET_VALUE_INT) return false;
      if (k == ORDER_SIGNED) {
        *c = s < p->int_value ? -1 : s > p->int_value ? 1 : 0;
      } else if (p->int_value < 0) {
        *c = 1;
      } else {
        uint64_t v = (uint64_t)p->int_value;
        *c = u < v ? -1 : u > v ? 1 : 0;
      }
      return true;
    }
    case ORDER_FLOAT: {
      double d;
      if (physical == QV__PQ_FLOAT) {
        if (len != 4) return false;
        float f;
        memcpy(&f, b, 4);
        d = f;
      } else {
        if (len != 8) return false;
        memcpy(&d, b, 8);
      }
      double v;
      if (p->kind == QV_PARQUET_VALUE_DOUBLE) v = p->double_value;
      else if (p->kind == QV_PARQUET_VALUE_INT) v = (double)p->int_value;
      else return false;
      if (isnan(d) || isnan(v)) return false;
      *c = d < v ? -1 : d > v ? 1 : 0;
      return true;
    }
    case ORDER_BYTES: {
      if (p->kind != QV_PARQUET_VALUE_BYTES || p->bytes_len < 0 || (p->bytes == NULL && p->bytes_len > 0)) return false;
      int64_t n = len < p->bytes_len ? len : p->bytes_len;
      int r = n > 0 ? memcmp(b, p->bytes, (size_t)n) : 0;
      *c = r != 0 ? (r < 0 ? -1 : 1) : (len < p->bytes_len ? -1 : len > p->bytes_len ? 1 : 0);
      return true;
    }
    case ORDER_BOOL: {
      if (len < 1 || (p->kind != QV_PARQUET_VALUE_BOOL && p->kind != QV_PARQUET_VALUE_INT)) return false;
      int x = b[0] & 1, v = p->int_value != 0;
      *c = x - v;
      return true;
    }
    default: return false;
  }
}

/* True when min and max are both readable in order k and min > max: such
 * statistics contradict themselves and prove nothing. */
static bool bounds_inverted(order_kind k, int32_t physical, const qv__pq_statistics *s) {
  if (!s->has_min || !s->has_max || s->min == NULL || s->max == NULL) return false;
  qv_parquet_predicate as_max = {.op = QV_PARQUET_EQ};
  int c = 0;
  switch (k) {
    case ORDER_SIGNED:
    case ORDER_UNSIGNED:
      if (s->max_len != (physical == QV__PQ_INT32 ? 4 : 8)) return false;
      as_max.kind = QV_PARQUET_VALUE_INT;
      if (physical == QV__PQ_INT32) {
        int32_t x;
        memcpy(&x, s->max, 4);
        as_max.int_value = k == ORDER_SIGNED ? (int64_t)x : (int64_t)(uint32_t)x;
      } else {
        memcpy(&as_max.int_value, s->max, 8);
        if (k == ORDER_UNSIGNED && as_max.int_value < 0) return false; /* max above INT64_MAX: min cannot exceed it */
      }
      break;
    case ORDER_FLOAT:
      as_max.kind = QV_PARQUET_VALUE_DOUBLE;
      if (physical == QV__PQ_FLOAT) {
        if (s->max_len != 4) return false;
        float f;
        memcpy(&f, s->max, 4);
        as_max.double_value = f;
      } else {
        if (s->max_len != 8) return false;
        memcpy(&as_max.double_value, s->max, 8);
      }
      break;
    case ORDER_BYTES:
      as_max.kind = QV_PARQUET_VALUE_BYTES;
      as_max.bytes = s->max;
      as_max.bytes_len = s->max_len;
      break;
    case ORDER_BOOL:
      if (s->max_len < 1) return false;
      as_max.kind = QV_PARQUET_VALUE_BOOL;
      as_max.int_value = s->max[0] & 1;
      break;
    default: return false;
  }
  return cmp_bound(k, physical, s->min, s->min_len, &as_max, &c) && c > 0;
}

bool qv__pq_stats_may_match(const qv__pq_column_meta *m, const qv__pq_schema_element *e, bool repeated,
                            const qv_parquet_predicate *p) {
  const qv__pq_statistics *s = &m->stats;
  if (!s->present) return true;
  /* statistics that contradict themselves or the chunk prove nothing */
  if (s->has_null_count && m->num_values >= 0 && s->null_count > m->num_values) return true;
  if (bounds_inverted(order_of(e, s->legacy), e->type, s)) return true;
  bool nulls_known = s->has_null_count && !repeated && s->null_count >= 0;
  bool all_null = nulls_known && m->num_values > 0 && s->null_count >= m->num_values;
  if (p->op == QV_PARQUET_IS_NULL) return !(nulls_known && s->null_count == 0);
  if (all_null) return false; /* no value: neither IS NOT NULL nor any comparison holds */
  if (p->op == QV_PARQUET_IS_NOT_NULL) return true;
  order_kind k = order_of(e, s->legacy);
  int cmin = 0, cmax = 0;
  bool has_min = s->has_min && cmp_bound(k, e->type, s->min, s->min_len, p, &cmin);
  bool has_max = s->has_max && cmp_bound(k, e->type, s->max, s->max_len, p, &cmax);
  switch (p->op) {
    case QV_PARQUET_EQ: return !((has_min && cmin > 0) || (has_max && cmax < 0));
    case QV_PARQUET_NE: return !(k != ORDER_BYTES && has_min && has_max && cmin == 0 && cmax == 0);
    case QV_PARQUET_LT: return !(has_min && cmin >= 0);
    case QV_PARQUET_LE: return !(has_min && cmin > 0);
    case QV_PARQUET_GT: return !(has_max && cmax <= 0);
    case QV_PARQUET_GE: return !(has_max && cmax < 0);
    default: return true;
  }
}
