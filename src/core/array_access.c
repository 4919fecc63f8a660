/* quiver core: out-of-line value accessors (array.h).
 *
 * These dispatch on the storage type once per call and do no bounds checks:
 * callers pass i in [0, length) of a valid array (see validate/). Inline
 * accessors for the hot, typed paths live in array.h. All offsets here are
 * relative to the array's own offset, and children are read at the parent's
 * logical position as the C Data Interface prescribes.
 */
#include "core/internal.h"

static inline int64_t load_int(const uint8_t *p, int32_t width, bool is_signed, int64_t i) {
  switch (width) {
    case 1: return is_signed ? (int64_t)((const int8_t *)p)[i] : (int64_t)p[i];
    case 2: {
      int16_t s;
      uint16_t u;
      if (is_signed) {
        memcpy(&s, p + i * 2, 2);
        return s;
      }
      memcpy(&u, p + i * 2, 2);
      return u;
    }
    case 4: {
      int32_t s;
      uint32_t u;
      if (is_signed) {
        memcpy(&s, p + i * 4, 4);
        return s;
      }
      memcpy(&u, p + i * 4, 4);
      return u;
    }
    default: {
      int64_t v;
      memcpy(&v, p + i * 8, 8);
      return v;
    }
  }
}

const uint8_t *qv_array_bytes_value(const qv_array *a, int64_t i, int64_t *len) {
  const qv_type *s = qv_type_storage(a->type);
  switch (s->id) {
    case QV_TYPE_BINARY:
    case QV_TYPE_STRING:
      return qv_array_binary_value(a, i, len);
    case QV_TYPE_LARGE_BINARY:
    case QV_TYPE_LARGE_STRING:
      return qv_array_large_binary_value(a, i, len);
    case QV_TYPE_BINARY_VIEW:
    case QV_TYPE_STRING_VIEW:
      return qv_array_view_value(a, i, len);
    case QV_TYPE_FIXED_SIZE_BINARY:
      *len = s->byte_width;
      return a->buffers[1] ? a->buffers[1]->data + (a->offset + i) * (int64_t)s->byte_width : (const uint8_t *)"";
    default:
      *len = 0;
      return NULL;
  }
}

/* Decimal words are little-endian; the unused high words are sign-extended
 * so callers may always read four words. */
void qv_array_decimal_value(const qv_array *a, int64_t i, uint64_t words[4]) {
  const qv_type *s = qv_type_storage(a->type);
  int64_t pos = a->offset + i;
  const uint8_t *p = a->buffers[1]->data;
  int n = 0;
  switch (s->id) {
    case QV_TYPE_DECIMAL32: {
      int32_t v;
      memcpy(&v, p + pos * 4, 4);
      words[0] = (uint64_t)(int64_t)v;
      n = 1;
      break;
    }
    case QV_TYPE_DECIMAL64:
      memcpy(&words[0], p + pos * 8, 8);
      n = 1;
      break;
    case QV_TYPE_DECIMAL128:
      memcpy(words, p + pos * 16, 16);
      n = 2;
      break;
    case QV_TYPE_DECIMAL256:
      memcpy(words, p + pos * 32, 32);
      n = 4;
      break;
    default:
      memset(words, 0, 4 * sizeof(uint64_t));
      return;
  }
  uint64_t ext = (words[n - 1] >> 63) ? UINT64_MAX : 0;
  for (int k = n; k < 4; k++) words[k] = ext;
}

void qv_array_list_range(const qv_array *a, int64_t i, int64_t *start, int64_t *length) {
  const qv_type *s = qv_type_storage(a->type);
  int64_t pos = a->offset + i;
  switch (s->id) {
    case QV_TYPE_LIST:
    case QV_TYPE_MAP: {
      int32_t o[2];
      memcpy(o, a->buffers[1]->data + pos * 4, 8);
      *start = o[0];
      *length = (int64_t)o[1] - o[0];
      return;
    }
    case QV_TYPE_LARGE_LIST: {
      int64_t o[2];
      memcpy(o, a->buffers[1]->data + pos * 8, 16);
      *start = o[0];
      *length = o[1] - o[0];
      return;
    }
    case QV_TYPE_LIST_VIEW:
      *start = load_int(a->buffers[1]->data, 4, true, pos);
      *length = load_int(a->buffers[2]->data, 4, true, pos);
      return;
    case QV_TYPE_LARGE_LIST_VIEW:
      *start = load_int(a->buffers[1]->data, 8, true, pos);
      *length = load_int(a->buffers[2]->data, 8, true, pos);
      return;
    case QV_TYPE_FIXED_SIZE_LIST:
      *start = pos * s->list_size;
      *length = s->list_size;
      return;
    default:
      *start = 0;
      *length = 0;
      return;
  }
}

int8_t qv_array_union_type_code(const qv_array *a, int64_t i) {
  return (int8_t)a->buffers[0]->data[a->offset + i];
}

int64_t qv_array_union_child_offset(const qv_array *a, int64_t i) {
  const qv_type *s = qv_type_storage(a->type);
  if (s->id == QV_TYPE_DENSE_UNION) return load_int(a->buffers[1]->data, 4, true, a->offset + i);
  return a->offset + i;
}

/* First run whose end is > the logical position: run_ends are logical
 * positions in the unsliced parent, so the search key includes a->offset. */
int64_t qv_array_ree_physical_index(const qv_array *a, int64_t i) {
  const qv_array *re = a->children[0];
  const qv_type *rt = qv_type_storage(re->type);
  int32_t width = rt->bit_width / 8;
  const uint8_t *p = re->buffers[1] ? re->buffers[1]->data : NULL;
  int64_t key = a->offset + i;
  int64_t lo = 0, hi = re->length; /* answer in [lo, hi] */
  if (p == NULL) return 0;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (load_int(p, width, true, re->offset + mid) > key)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

int64_t qv_array_dictionary_index(const qv_array *a, int64_t i) {
  const qv_type *s = qv_type_storage(a->type);
  const qv_type *it = s->index_type;
  return load_int(a->buffers[1]->data, it->bit_width / 8, qv_type_is_signed_integer(it->id), a->offset + i);
}

bool qv_array_is_valid_any(const qv_array *a, int64_t i) {
  if (a->null_layout_) return false;
  const qv_type *s = qv_type_storage(a->type);
  switch (s->id) {
    case QV_TYPE_SPARSE_UNION:
    case QV_TYPE_DENSE_UNION: {
      int8_t code = qv_array_union_type_code(a, i);
      int8_t child = code >= 0 ? s->child_index[code] : -1;
      if (child < 0 || child >= a->n_children) return false;
      int64_t j = qv_array_union_child_offset(a, i);
      const qv_array *c = a->children[child];
      return j >= 0 && j < c->length && qv_array_is_valid_any(c, j);
    }
    case QV_TYPE_RUN_END_ENCODED: {
      int64_t j = qv_array_ree_physical_index(a, i);
      const qv_array *v = a->children[1];
      return j >= 0 && j < v->length && qv_array_is_valid_any(v, j);
    }
    default:
      return qv_array_is_valid(a, i);
  }
}
