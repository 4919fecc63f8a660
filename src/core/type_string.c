/* quiver core: pyarrow-compatible text for types and fields.
 *
 * The spelling follows pyarrow exactly (the interop tests compare strings):
 * "halffloat", "float", "double", "date32[day]", "timestamp[ms, tz=UTC]",
 * "month_interval", "fixed_size_list<item: int32>[3]",
 * "map<string, int64, keys_sorted>" (non-canonical map child names are shown
 * as " ('k')" after the type, as Arrow C++ does), "sparse_union<a: int32=0>",
 * "dictionary<values=string, indices=int32, ordered=0>",
 * "run_end_encoded<run_ends: int32, values: string>", "extension<arrow.uuid>".
 * arrow.fixed_shape_tensor and arrow.opaque show their parameters as pyarrow
 * does ("extension<arrow.fixed_shape_tensor[value_type=float, shape=[2,3]]>"),
 * read from the JSON metadata with jansson; unparsable metadata falls back
 * to the bare name.
 * A non-nullable child prints " not null" after its type.
 * Everything goes through a qv_strbuf so the same code serves the public
 * snprintf-style functions and other modules' messages.
 */
#include <jansson.h>

#include "core/internal.h"

static const char *unit_suffix(qv_time_unit u) {
  switch (u) {
    case QV_UNIT_SECOND: return "s";
    case QV_UNIT_MILLI: return "ms";
    case QV_UNIT_MICRO: return "us";
    case QV_UNIT_NANO: return "ns";
  }
  return "?";
}

void qv__field_append(qv_strbuf *sb, const qv_field *field) {
  if (field == NULL) {
    qv__strbuf_append(sb, "(null field)");
    return;
  }
  qv__strbuf_append(sb, field->name);
  qv__strbuf_append(sb, ": ");
  qv__type_append(sb, field->type);
  if (!field->nullable) qv__strbuf_append(sb, " not null");
}

static void append_children(qv_strbuf *sb, const qv_type *t, bool with_codes) {
  for (int32_t i = 0; i < t->n_children; i++) {
    if (i > 0) qv__strbuf_append(sb, ", ");
    qv__field_append(sb, t->children[i]);
    if (with_codes) qv__strbuf_appendf(sb, "=%d", (int)t->type_codes[i]);
  }
}

/* Map children: "<type>" plus " ('name')" when the name is not canonical. */
static void append_map_part(qv_strbuf *sb, const qv_field *f, const char *std_name, bool with_type) {
  if (with_type) qv__type_append(sb, f->type);
  if (strcmp(f->name, std_name) != 0) qv__strbuf_appendf(sb, " ('%s')", f->name);
}

/* "[a,b]" for a JSON array of integers or strings, as pyarrow prints them. */
static void append_json_list(qv_strbuf *sb, const json_t *arr) {
  qv__strbuf_appendc(sb, '[');
  for (size_t i = 0; i < json_array_size(arr); i++) {
    const json_t *v = json_array_get(arr, i);
    if (i > 0) qv__strbuf_appendc(sb, ',');
    if (json_is_integer(v))
      qv__strbuf_appendf(sb, "%lld", (long long)json_integer_value(v));
    else if (json_is_string(v))
      qv__strbuf_append_n(sb, json_string_value(v), json_string_length(v));
  }
  qv__strbuf_appendc(sb, ']');
}

static void append_extension_params(qv_strbuf *sb, const qv_type *t) {
  if (t->canonical != QV_EXT_FIXED_SHAPE_TENSOR && t->canonical != QV_EXT_OPAQUE) return;
  json_t *root = json_loadb(t->extension_metadata, (size_t)t->extension_metadata_len, 0, NULL);
  if (!json_is_object(root)) {
    json_decref(root);
    return;
  }
  if (t->canonical == QV_EXT_FIXED_SHAPE_TENSOR) {
    const json_t *shape = json_object_get(root, "shape");
    const json_t *perm = json_object_get(root, "permutation");
    const json_t *names = json_object_get(root, "dim_names");
    const qv_type *storage = qv_type_storage(t);
    if (json_is_array(shape) && storage->n_children == 1) {
      qv__strbuf_append(sb, "[value_type=");
      qv__type_append(sb, storage->children[0]->type);
      qv__strbuf_append(sb, ", shape=");
      append_json_list(sb, shape);
      if (json_is_array(perm)) {
        qv__strbuf_append(sb, ", permutation=");
        append_json_list(sb, perm);
      }
      if (json_is_array(names)) {
        qv__strbuf_append(sb, ", dim_names=");
        append_json_list(sb, names);
      }
      qv__strbuf_appendc(sb, ']');
    }
  } else {
    const json_t *tn = json_object_get(root, "type_name");
    const json_t *vn = json_object_get(root, "vendor_name");
    if (json_is_string(tn) && json_is_string(vn)) {
      qv__strbuf_append(sb, "[storage_type=");
      qv__type_append(sb, t->storage_type);
      qv__strbuf_append(sb, ", type_name=");
      qv__strbuf_append_n(sb, json_string_value(tn), json_string_length(tn));
      qv__strbuf_append(sb, ", vendor_name=");
      qv__strbuf_append_n(sb, json_string_value(vn), json_string_length(vn));
      qv__strbuf_appendc(sb, ']');
    }
  }
  json_decref(root);
}

void qv__type_append(qv_strbuf *sb, const qv_type *t) {
  if (t == NULL) {
    qv__strbuf_append(sb, "(null type)");
    return;
  }
  switch (t->id) {
    case QV_TYPE_FLOAT16: qv__strbuf_append(sb, "halffloat"); return;
    case QV_TYPE_FLOAT32: qv__strbuf_append(sb, "float"); return;
    case QV_TYPE_FLOAT64: qv__strbuf_append(sb, "double"); return;
    case QV_TYPE_DECIMAL32:
    case QV_TYPE_DECIMAL64:
    case QV_TYPE_DECIMAL128:
    case QV_TYPE_DECIMAL256:
      qv__strbuf_appendf(sb, "decimal%d(%d, %d)", t->bit_width, t->precision, t->scale);
      return;
    case QV_TYPE_DATE32: qv__strbuf_append(sb, "date32[day]"); return;
    case QV_TYPE_DATE64: qv__strbuf_append(sb, "date64[ms]"); return;
    case QV_TYPE_TIME32:
    case QV_TYPE_TIME64:
    case QV_TYPE_DURATION:
      qv__strbuf_appendf(sb, "%s[%s]", qv_type_id_name(t->id), unit_suffix(t->unit));
      return;
    case QV_TYPE_TIMESTAMP:
      qv__strbuf_appendf(sb, "timestamp[%s", unit_suffix(t->unit));
      if (t->timezone && t->timezone[0]) qv__strbuf_appendf(sb, ", tz=%s", t->timezone);
      qv__strbuf_appendc(sb, ']');
      return;
    case QV_TYPE_INTERVAL_MONTHS: qv__strbuf_append(sb, "month_interval"); return;
    case QV_TYPE_INTERVAL_DAY_TIME: qv__strbuf_append(sb, "day_time_interval"); return;
    case QV_TYPE_INTERVAL_MONTH_DAY_NANO: qv__strbuf_append(sb, "month_day_nano_interval"); return;
    case QV_TYPE_FIXED_SIZE_BINARY: qv__strbuf_appendf(sb, "fixed_size_binary[%d]", t->byte_width); return;
    case QV_TYPE_LIST:
    case QV_TYPE_LARGE_LIST:
    case QV_TYPE_LIST_VIEW:
    case QV_TYPE_LARGE_LIST_VIEW:
    case QV_TYPE_FIXED_SIZE_LIST:
    case QV_TYPE_STRUCT:
      qv__strbuf_append(sb, qv_type_id_name(t->id));
      qv__strbuf_appendc(sb, '<');
      append_children(sb, t, false);
      qv__strbuf_appendc(sb, '>');
      if (t->id == QV_TYPE_FIXED_SIZE_LIST) qv__strbuf_appendf(sb, "[%d]", t->list_size);
      return;
    case QV_TYPE_MAP: {
      const qv_field *entries = t->children[0];
      const qv_type *et = entries->type;
      qv__strbuf_append(sb, "map<");
      if (et->id == QV_TYPE_STRUCT && et->n_children == 2) {
        append_map_part(sb, et->children[0], "key", true);
        qv__strbuf_append(sb, ", ");
        append_map_part(sb, et->children[1], "value", true);
      } else {
        qv__type_append(sb, et);
      }
      if (t->keys_sorted) qv__strbuf_append(sb, ", keys_sorted");
      append_map_part(sb, entries, "entries", false);
      qv__strbuf_appendc(sb, '>');
      return;
    }
    case QV_TYPE_SPARSE_UNION:
    case QV_TYPE_DENSE_UNION:
      qv__strbuf_append(sb, qv_type_id_name(t->id));
      qv__strbuf_appendc(sb, '<');
      append_children(sb, t, true);
      qv__strbuf_appendc(sb, '>');
      return;
    case QV_TYPE_DICTIONARY:
      qv__strbuf_append(sb, "dictionary<values=");
      qv__type_append(sb, t->value_type);
      qv__strbuf_append(sb, ", indices=");
      qv__type_append(sb, t->index_type);
      qv__strbuf_appendf(sb, ", ordered=%d>", t->ordered ? 1 : 0);
      return;
    case QV_TYPE_RUN_END_ENCODED:
      qv__strbuf_append(sb, "run_end_encoded<run_ends: ");
      qv__type_append(sb, t->children[0]->type);
      qv__strbuf_append(sb, ", values: ");
      qv__type_append(sb, t->children[1]->type);
      qv__strbuf_appendc(sb, '>');
      return;
    case QV_TYPE_EXTENSION:
      qv__strbuf_appendf(sb, "extension<%s", t->extension_name);
      append_extension_params(sb, t);
      qv__strbuf_appendc(sb, '>');
      return;
    default:
      qv__strbuf_append(sb, qv_type_id_name(t->id));
      return;
  }
}

int64_t qv_type_format(const qv_type *type, char *buf, size_t cap) {
  qv_strbuf sb;
  qv__strbuf_init_fixed(&sb, buf, cap);
  qv__type_append(&sb, type);
  return (int64_t)sb.len;
}

int64_t qv_field_format(const qv_field *field, char *buf, size_t cap) {
  qv_strbuf sb;
  qv__strbuf_init_fixed(&sb, buf, cap);
  qv__field_append(&sb, field);
  return (int64_t)sb.len;
}
