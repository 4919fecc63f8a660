/* quiver core: structural equality of types and fields.
 *
 * Two types are equal when their ids and every parameter that changes the
 * meaning of the data match: units, timezone (NULL == naive), decimal
 * precision/scale, widths, list sizes, keys_sorted, union codes, dictionary
 * index/value types and ordering, extension name + metadata + storage, and
 * child fields (names, nullability, types; child metadata only when
 * check_metadata). Singletons compare by pointer first.
 */
#include "core/internal.h"

static bool str_eq_nullable(const char *a, const char *b) {
  if (a == NULL || a[0] == '\0') return b == NULL || b[0] == '\0';
  return b != NULL && strcmp(a, b) == 0;
}

bool qv_field_equals(const qv_field *a, const qv_field *b, bool check_metadata) {
  if (a == b) return true;
  if (a == NULL || b == NULL) return false;
  if (a->nullable != b->nullable || strcmp(a->name, b->name) != 0) return false;
  if (check_metadata && !qv_metadata_equals(a->metadata, b->metadata)) return false;
  return qv_type_equals(a->type, b->type, check_metadata);
}

bool qv_type_equals(const qv_type *a, const qv_type *b, bool check_metadata) {
  if (a == b) return true;
  if (a == NULL || b == NULL || a->id != b->id) return false;
  switch (a->id) {
    case QV_TYPE_DECIMAL32:
    case QV_TYPE_DECIMAL64:
    case QV_TYPE_DECIMAL128:
    case QV_TYPE_DECIMAL256:
      return a->precision == b->precision && a->scale == b->scale;
    case QV_TYPE_TIME32:
    case QV_TYPE_TIME64:
    case QV_TYPE_DURATION:
      return a->unit == b->unit;
    case QV_TYPE_TIMESTAMP:
      return a->unit == b->unit && str_eq_nullable(a->timezone, b->timezone);
    case QV_TYPE_FIXED_SIZE_BINARY:
      return a->byte_width == b->byte_width;
    case QV_TYPE_DICTIONARY:
      return a->ordered == b->ordered && qv_type_equals(a->index_type, b->index_type, check_metadata) &&
             qv_type_equals(a->value_type, b->value_type, check_metadata);
    case QV_TYPE_EXTENSION:
      return strcmp(a->extension_name, b->extension_name) == 0 &&
             a->extension_metadata_len == b->extension_metadata_len &&
             memcmp(a->extension_metadata, b->extension_metadata, (size_t)a->extension_metadata_len) == 0 &&
             qv_type_equals(a->storage_type, b->storage_type, check_metadata);
    default:
      break;
  }
  if (a->n_children != b->n_children) return false;
  if (a->id == QV_TYPE_FIXED_SIZE_LIST && a->list_size != b->list_size) return false;
  if (a->id == QV_TYPE_MAP && a->keys_sorted != b->keys_sorted) return false;
  if (a->id == QV_TYPE_SPARSE_UNION || a->id == QV_TYPE_DENSE_UNION) {
    if (a->n_children > 0 && memcmp(a->type_codes, b->type_codes, (size_t)a->n_children) != 0) return false;
  }
  for (int32_t i = 0; i < a->n_children; i++)
    if (!qv_field_equals(a->children[i], b->children[i], check_metadata)) return false;
  return true;
}
