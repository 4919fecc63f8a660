/* C Data Interface format strings: printing and strict parsing.
 *
 * A format string describes only the top-level type; children come from the
 * ArrowSchema children and are passed in by the caller. The parser accepts
 * exactly the grammar of CDataInterface.rst: no whitespace, no sign on
 * widths, no leading '+' on numbers, no trailing characters, numbers that fit
 * in int32, union codes in 0..127. Every rejection is QV_ERR_INVALID_DATA with
 * the offending format quoted. Printing is the inverse (decimal128 prints as
 * "d:P,S", the other widths as "d:P,S,NNN").
 */
#include <stdio.h>
#include <string.h>

#include "cdata/internal.h"
#include "quiver/field.h"

/* ---- printing ---- */

typedef struct fmt_out {
  char *buf;
  size_t cap;
  int64_t len;
} fmt_out;

static void out_str(fmt_out *o, const char *s) {
  size_t n = strlen(s);
  if (o->cap > 0 && (size_t)o->len < o->cap - 1) {
    size_t room = o->cap - 1 - (size_t)o->len;
    memcpy(o->buf + o->len, s, n < room ? n : room);
  }
  o->len += (int64_t)n;
}

static void out_int(fmt_out *o, int64_t v) {
  char tmp[24];
  snprintf(tmp, sizeof tmp, "%lld", (long long)v);
  out_str(o, tmp);
}

static const char unit_char[4] = {'s', 'm', 'u', 'n'};

static const char *simple_format(qv_type_id id) {
  switch (id) {
    case QV_TYPE_NULL: return "n";
    case QV_TYPE_BOOL: return "b";
    case QV_TYPE_INT8: return "c";
    case QV_TYPE_UINT8: return "C";
    case QV_TYPE_INT16: return "s";
    case QV_TYPE_UINT16: return "S";
    case QV_TYPE_INT32: return "i";
    case QV_TYPE_UINT32: return "I";
    case QV_TYPE_INT64: return "l";
    case QV_TYPE_UINT64: return "L";
    case QV_TYPE_FLOAT16: return "e";
    case QV_TYPE_FLOAT32: return "f";
    case QV_TYPE_FLOAT64: return "g";
    case QV_TYPE_BINARY: return "z";
    case QV_TYPE_LARGE_BINARY: return "Z";
    case QV_TYPE_BINARY_VIEW: return "vz";
    case QV_TYPE_STRING: return "u";
    case QV_TYPE_LARGE_STRING: return "U";
    case QV_TYPE_STRING_VIEW: return "vu";
    case QV_TYPE_DATE32: return "tdD";
    case QV_TYPE_DATE64: return "tdm";
    case QV_TYPE_INTERVAL_MONTHS: return "tiM";
    case QV_TYPE_INTERVAL_DAY_TIME: return "tiD";
    case QV_TYPE_INTERVAL_MONTH_DAY_NANO: return "tin";
    case QV_TYPE_LIST: return "+l";
    case QV_TYPE_LARGE_LIST: return "+L";
    case QV_TYPE_LIST_VIEW: return "+vl";
    case QV_TYPE_LARGE_LIST_VIEW: return "+vL";
    case QV_TYPE_STRUCT: return "+s";
    case QV_TYPE_MAP: return "+m";
    case QV_TYPE_RUN_END_ENCODED: return "+r";
    default: return NULL;
  }
}

QV_API int64_t qv_type_to_format(const qv_type *type, char *buf, size_t cap) {
  fmt_out o = {buf, cap, 0};
  /* Dictionary -> index format; extension -> storage format. */
  while (type != NULL && (type->id == QV_TYPE_DICTIONARY || type->id == QV_TYPE_EXTENSION))
    type = type->id == QV_TYPE_DICTIONARY ? type->index_type : type->storage_type;
  if (type == NULL) {
    if (cap > 0) buf[0] = '\0';
    return 0;
  }
  const char *simple = simple_format(type->id);
  char tmp[4] = {0};
  if (simple != NULL) {
    out_str(&o, simple);
  } else {
    switch (type->id) {
      case QV_TYPE_DECIMAL32:
      case QV_TYPE_DECIMAL64:
      case QV_TYPE_DECIMAL128:
      case QV_TYPE_DECIMAL256:
        out_str(&o, "d:");
        out_int(&o, type->precision);
        out_str(&o, ",");
        out_int(&o, type->scale);
        if (type->id != QV_TYPE_DECIMAL128) {
          out_str(&o, ",");
          out_int(&o, type->bit_width);
        }
        break;
      case QV_TYPE_TIME32:
      case QV_TYPE_TIME64:
        tmp[0] = 't', tmp[1] = 't', tmp[2] = unit_char[type->unit & 3];
        out_str(&o, tmp);
        break;
      case QV_TYPE_TIMESTAMP:
        tmp[0] = 't', tmp[1] = 's', tmp[2] = unit_char[type->unit & 3];
        out_str(&o, tmp);
        out_str(&o, ":");
        if (type->timezone != NULL) out_str(&o, type->timezone);
        break;
      case QV_TYPE_DURATION:
        tmp[0] = 't', tmp[1] = 'D', tmp[2] = unit_char[type->unit & 3];
        out_str(&o, tmp);
        break;
      case QV_TYPE_FIXED_SIZE_BINARY:
        out_str(&o, "w:");
        out_int(&o, type->byte_width);
        break;
      case QV_TYPE_FIXED_SIZE_LIST:
        out_str(&o, "+w:");
        out_int(&o, type->list_size);
        break;
      case QV_TYPE_SPARSE_UNION:
      case QV_TYPE_DENSE_UNION:
        out_str(&o, type->id == QV_TYPE_DENSE_UNION ? "+ud:" : "+us:");
        for (int32_t i = 0; i < type->n_children; i++) {
          if (i > 0) out_str(&o, ",");
          out_int(&o, type->type_codes != NULL ? type->type_codes[i] : i);
        }
        break;
      default:
        break; /* unreachable for valid types */
    }
  }
  if (cap > 0) buf[(size_t)o.len < cap ? (size_t)o.len : cap - 1] = '\0';
  return o.len;
}

/* ---- parsing ---- */

static qv_status bad(qv_error *err, const char *format, const char *what) {
  return qv_error_set(err, QV_ERR_INVALID_DATA, "format '%s': %s", format, what);
}

/* Parses an unsigned decimal (optionally negative when allow_neg) at *p into
 * [min, max]; advances *p. No sign other than '-', no leading whitespace. */
static bool parse_int(const char **p, bool allow_neg, int64_t min, int64_t max, int32_t *out) {
  const char *s = *p;
  bool neg = false;
  if (allow_neg && *s == '-') {
    neg = true;
    s++;
  }
  if (*s < '0' || *s > '9') return false;
  int64_t v = 0;
  while (*s >= '0' && *s <= '9') {
    v = v * 10 + (*s - '0');
    if (v > (int64_t)INT32_MAX + 1) return false; /* overflow guard; checked below */
    s++;
  }
  if (neg) v = -v;
  if (v < min || v > max) return false;
  *out = (int32_t)v;
  *p = s;
  return true;
}

static qv_status parse_unit(const char *format, char c, qv_time_unit *unit, qv_error *err) {
  switch (c) {
    case 's': *unit = QV_UNIT_SECOND; return QV_OK;
    case 'm': *unit = QV_UNIT_MILLI; return QV_OK;
    case 'u': *unit = QV_UNIT_MICRO; return QV_OK;
    case 'n': *unit = QV_UNIT_NANO; return QV_OK;
    default: return bad(err, format, "unknown time unit (expected one of s, m, u, n)");
  }
}

static qv_status parse_temporal(const char *format, qv_cdata_format *f, qv_error *err) {
  const char *p = format + 1;
  char kind = *p++;
  if (kind == '\0' || *p == '\0')
    return bad(err, format, "truncated temporal format (expected tdD, tdm, tt?, ts?:TZ, tD?, tiM, tiD or tin)");
  char u = *p++;
  switch (kind) {
    case 'd':
      if (u == 'D') f->id = QV_TYPE_DATE32;
      else if (u == 'm') f->id = QV_TYPE_DATE64;
      else return bad(err, format, "unknown date unit (expected tdD or tdm)");
      break;
    case 't':
      QV_RETURN_IF_ERROR(parse_unit(format, u, &f->unit, err));
      f->id = (f->unit == QV_UNIT_SECOND || f->unit == QV_UNIT_MILLI) ? QV_TYPE_TIME32 : QV_TYPE_TIME64;
      break;
    case 'D':
      QV_RETURN_IF_ERROR(parse_unit(format, u, &f->unit, err));
      f->id = QV_TYPE_DURATION;
      break;
    case 'i':
      if (u == 'M') f->id = QV_TYPE_INTERVAL_MONTHS;
      else if (u == 'D') f->id = QV_TYPE_INTERVAL_DAY_TIME;
      else if (u == 'n') f->id = QV_TYPE_INTERVAL_MONTH_DAY_NANO;
      else return bad(err, format, "unknown interval unit (expected tiM, tiD or tin)");
      break;
    case 's':
      QV_RETURN_IF_ERROR(parse_unit(format, u, &f->unit, err));
      if (*p != ':')
        return bad(err, format, "timestamp format needs ':' after the unit (the timezone after it may be empty)");
      f->id = QV_TYPE_TIMESTAMP;
      f->timezone = p + 1; /* the rest of the string, as-is */
      return QV_OK;
    default:
      return bad(err, format, "unknown temporal kind after 't' (expected d, t, s, D or i)");
  }
  if (*p != '\0') return bad(err, format, "unexpected characters after the temporal format");
  return QV_OK;
}

static qv_status parse_decimal(const char *format, qv_cdata_format *f, qv_error *err) {
  const char *p = format + 2; /* past "d:" */
  if (!parse_int(&p, false, 0, INT32_MAX, &f->precision))
    return bad(err, format, "bad decimal precision (expected 'd:precision,scale[,bitwidth]' with decimal integers)");
  if (*p++ != ',') return bad(err, format, "decimal needs ',scale' after the precision");
  if (!parse_int(&p, true, INT32_MIN, INT32_MAX, &f->scale))
    return bad(err, format, "bad decimal scale (expected a decimal integer that fits in int32)");
  f->bit_width = 128;
  if (*p == ',') {
    p++;
    if (!parse_int(&p, false, 0, INT32_MAX, &f->bit_width))
      return bad(err, format, "bad decimal bit width (expected 32, 64, 128 or 256)");
  }
  if (*p != '\0') return bad(err, format, "unexpected characters after the decimal parameters");
  switch (f->bit_width) {
    case 32: f->id = QV_TYPE_DECIMAL32; break;
    case 64: f->id = QV_TYPE_DECIMAL64; break;
    case 128: f->id = QV_TYPE_DECIMAL128; break;
    case 256: f->id = QV_TYPE_DECIMAL256; break;
    default: return bad(err, format, "unsupported decimal bit width (expected 32, 64, 128 or 256)");
  }
  return QV_OK;
}

static qv_status parse_size(const char *format, const char *p, int32_t *size, qv_error *err) {
  if (!parse_int(&p, false, 0, INT32_MAX, size) || *p != '\0')
    return bad(err, format, "bad size after ':' (expected a non-negative decimal integer that fits in int32)");
  return QV_OK;
}

static qv_status parse_union(const char *format, qv_cdata_format *f, qv_error *err) {
  const char *p = format + 3; /* past "+ud" / "+us" */
  if (*p != ':') return bad(err, format, "union format needs ':' then the type codes (e.g. '+ud:0,1')");
  p++;
  f->n_codes = 0;
  if (*p == '\0') return QV_OK; /* a union without children */
  for (;;) {
    int32_t code;
    if (f->n_codes == 128) return bad(err, format, "more than 128 union type codes");
    if (!parse_int(&p, false, 0, 127, &code))
      return bad(err, format, "bad union type code (expected comma-separated integers in 0..127)");
    f->codes[f->n_codes++] = (int8_t)code;
    if (*p == '\0') return QV_OK;
    if (*p != ',') return bad(err, format, "unexpected character in the union type code list");
    p++;
  }
}

static qv_status parse_nested(const char *format, qv_cdata_format *f, qv_error *err) {
  const char *p = format + 1;
  switch (p[0]) {
    case 'l': f->id = QV_TYPE_LIST; break;
    case 'L': f->id = QV_TYPE_LARGE_LIST; break;
    case 's': f->id = QV_TYPE_STRUCT; break;
    case 'm': f->id = QV_TYPE_MAP; break;
    case 'r': f->id = QV_TYPE_RUN_END_ENCODED; break;
    case 'v':
      if (p[1] == 'l') f->id = QV_TYPE_LIST_VIEW;
      else if (p[1] == 'L') f->id = QV_TYPE_LARGE_LIST_VIEW;
      else return bad(err, format, "unknown list-view format (expected +vl or +vL)");
      if (p[2] != '\0') return bad(err, format, "unexpected characters after the list-view format");
      return QV_OK;
    case 'w':
      if (p[1] != ':') return bad(err, format, "fixed-size list format needs ':' and a size (e.g. '+w:4')");
      f->id = QV_TYPE_FIXED_SIZE_LIST;
      return parse_size(format, p + 2, &f->size, err);
    case 'u':
      if (p[1] == 'd') f->id = QV_TYPE_DENSE_UNION;
      else if (p[1] == 's') f->id = QV_TYPE_SPARSE_UNION;
      else return bad(err, format, "unknown union mode (expected +ud: or +us:)");
      return parse_union(format, f, err);
    default:
      return bad(err, format, "unknown nested format (expected +l, +L, +vl, +vL, +w:N, +s, +m, +ud:, +us: or +r)");
  }
  if (p[1] != '\0') return bad(err, format, "unexpected characters after the nested format");
  return QV_OK;
}

qv_status qv__cdata_format_parse(const char *format, qv_cdata_format *f, qv_error *err) {
  memset(f, 0, sizeof *f);
  f->timezone = NULL;
  switch (format[0]) {
    case '\0': return bad(err, format, "empty format string");
    case 't': return parse_temporal(format, f, err);
    case '+': return parse_nested(format, f, err);
    case 'd':
      if (format[1] != ':') return bad(err, format, "decimal format needs ':' (e.g. 'd:10,2')");
      return parse_decimal(format, f, err);
    case 'w':
      if (format[1] != ':') return bad(err, format, "fixed-size binary format needs ':' and a width (e.g. 'w:16')");
      f->id = QV_TYPE_FIXED_SIZE_BINARY;
      return parse_size(format, format + 2, &f->size, err);
    case 'v':
      if (format[1] == 'z') f->id = QV_TYPE_BINARY_VIEW;
      else if (format[1] == 'u') f->id = QV_TYPE_STRING_VIEW;
      else return bad(err, format, "unknown view format (expected vz or vu)");
      if (format[2] != '\0') return bad(err, format, "unexpected characters after the view format");
      return QV_OK;
    default: break;
  }
  static const struct { char c; qv_type_id id; } one[] = {
      {'n', QV_TYPE_NULL},    {'b', QV_TYPE_BOOL},    {'c', QV_TYPE_INT8},         {'C', QV_TYPE_UINT8},
      {'s', QV_TYPE_INT16},   {'S', QV_TYPE_UINT16},  {'i', QV_TYPE_INT32},        {'I', QV_TYPE_UINT32},
      {'l', QV_TYPE_INT64},   {'L', QV_TYPE_UINT64},  {'e', QV_TYPE_FLOAT16},      {'f', QV_TYPE_FLOAT32},
      {'g', QV_TYPE_FLOAT64}, {'z', QV_TYPE_BINARY},  {'Z', QV_TYPE_LARGE_BINARY}, {'u', QV_TYPE_STRING},
      {'U', QV_TYPE_LARGE_STRING}};
  for (size_t i = 0; i < sizeof one / sizeof one[0]; i++) {
    if (one[i].c == format[0]) {
      if (format[1] != '\0') return bad(err, format, "unexpected characters after a one-character format");
      f->id = one[i].id;
      return QV_OK;
    }
  }
  return bad(err, format, "unknown format code");
}

/* Rewraps a constructor failure as QV_ERR_INVALID_DATA quoting the format
 * (allocation failures keep their code). */
static qv_status ctor_failed(qv_status st, const qv_error *inner, const char *format, qv_error *err) {
  if (st == QV_ERR_NO_MEMORY) return qv_error_set(err, st, "%s", inner->message);
  return qv_error_set(err, QV_ERR_INVALID_DATA, "format '%s': %s", format, inner->message);
}

static qv_status want_children(const char *format, int32_t want, int32_t got, qv_error *err) {
  if (want == got) return QV_OK;
  return qv_error_set(err, QV_ERR_INVALID_DATA, "format '%s': expected %d child%s, got %d", format, want,
                      want == 1 ? "" : "ren", got);
}

QV_API qv_status qv_type_from_format(const char *format, int64_t flags, qv_field *const *children,
                                     int32_t n_children, qv_type **out, qv_error *err) {
  if (out == NULL) return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "qv_type_from_format: out is NULL");
  *out = NULL;
  if (format == NULL) return qv_error_set(err, QV_ERR_INVALID_DATA, "format string is NULL");
  if (n_children < 0 || (n_children > 0 && children == NULL))
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "format '%s': %d children but no child array", format,
                        n_children);
  for (int32_t i = 0; i < n_children; i++)
    if (children[i] == NULL)
      return qv_error_set(err, QV_ERR_INVALID_DATA, "format '%s': child %d is missing (NULL)", format, i);

  qv_cdata_format f;
  QV_RETURN_IF_ERROR(qv__cdata_format_parse(format, &f, err));

  qv_error inner;
  qv_status st = QV_OK;
  qv_field *run_ends = NULL;
  switch (f.id) {
    case QV_TYPE_DECIMAL32:
    case QV_TYPE_DECIMAL64:
    case QV_TYPE_DECIMAL128:
    case QV_TYPE_DECIMAL256:
      QV_RETURN_IF_ERROR(want_children(format, 0, n_children, err));
      st = qv_type_decimal(f.bit_width, f.precision, f.scale, out, &inner);
      break;
    case QV_TYPE_TIME32:
      QV_RETURN_IF_ERROR(want_children(format, 0, n_children, err));
      st = qv_type_time32(f.unit, out, &inner);
      break;
    case QV_TYPE_TIME64:
      QV_RETURN_IF_ERROR(want_children(format, 0, n_children, err));
      st = qv_type_time64(f.unit, out, &inner);
      break;
    case QV_TYPE_TIMESTAMP:
      QV_RETURN_IF_ERROR(want_children(format, 0, n_children, err));
      st = qv_type_timestamp(f.unit, f.timezone[0] ? f.timezone : NULL, out, &inner);
      break;
    case QV_TYPE_DURATION:
      QV_RETURN_IF_ERROR(want_children(format, 0, n_children, err));
      st = qv_type_duration(f.unit, out, &inner);
      break;
    case QV_TYPE_FIXED_SIZE_BINARY:
      QV_RETURN_IF_ERROR(want_children(format, 0, n_children, err));
      st = qv_type_fixed_size_binary(f.size, out, &inner);
      break;
    case QV_TYPE_LIST:
      QV_RETURN_IF_ERROR(want_children(format, 1, n_children, err));
      st = qv_type_list(children[0], out, &inner);
      break;
    case QV_TYPE_LARGE_LIST:
      QV_RETURN_IF_ERROR(want_children(format, 1, n_children, err));
      st = qv_type_large_list(children[0], out, &inner);
      break;
    case QV_TYPE_LIST_VIEW:
      QV_RETURN_IF_ERROR(want_children(format, 1, n_children, err));
      st = qv_type_list_view(children[0], out, &inner);
      break;
    case QV_TYPE_LARGE_LIST_VIEW:
      QV_RETURN_IF_ERROR(want_children(format, 1, n_children, err));
      st = qv_type_large_list_view(children[0], out, &inner);
      break;
    case QV_TYPE_FIXED_SIZE_LIST:
      QV_RETURN_IF_ERROR(want_children(format, 1, n_children, err));
      st = qv_type_fixed_size_list(children[0], f.size, out, &inner);
      break;
    case QV_TYPE_STRUCT:
      st = qv_type_struct(children, n_children, out, &inner);
      break;
    case QV_TYPE_MAP: {
      QV_RETURN_IF_ERROR(want_children(format, 1, n_children, err));
      const qv_type *entries = children[0]->type;
      if (entries->id != QV_TYPE_STRUCT || entries->n_children != 2)
        return qv_error_set(err, QV_ERR_INVALID_DATA,
                            "format '+m': the map's child '%s' must be a struct of 2 fields (key, value), got %s "
                            "with %d children",
                            children[0]->name, qv_type_id_name(entries->id), entries->n_children);
      st = qv_type_map_from_entries(children[0], (flags & ARROW_FLAG_MAP_KEYS_SORTED) != 0, out, &inner);
      break;
    }
    case QV_TYPE_SPARSE_UNION:
    case QV_TYPE_DENSE_UNION:
      if (f.n_codes != n_children)
        return qv_error_set(err, QV_ERR_INVALID_DATA,
                            "format '%s': %d union type codes but %d children (one child per code)", format,
                            f.n_codes, n_children);
      st = qv_type_union(f.id, children, n_children, f.codes, out, &inner);
      break;
    case QV_TYPE_RUN_END_ENCODED: {
      QV_RETURN_IF_ERROR(want_children(format, 2, n_children, err));
      qv_type_id re = children[0]->type->id;
      if (re != QV_TYPE_INT16 && re != QV_TYPE_INT32 && re != QV_TYPE_INT64)
        return qv_error_set(err, QV_ERR_INVALID_DATA, "format '+r': run_ends child must be int16, int32 or int64, got %s",
                            qv_type_id_name(re));
      qv_field *re_field = children[0];
      if (re_field->nullable) {
        /* The spec wants run ends non-nullable; tolerate producers that only forgot the flag. */
        st = qv_field_new(re_field->name, re_field->type, false, re_field->metadata, &run_ends, &inner);
        if (st != QV_OK) break;
        re_field = run_ends;
      }
      st = qv_type_run_end_encoded_fields(re_field, children[1], out, &inner);
      break;
    }
    default:
      /* Parameterless types (null, bool, ints, floats, binaries, views, dates, intervals). */
      QV_RETURN_IF_ERROR(want_children(format, 0, n_children, err));
      *out = qv_type_from_id(f.id);
      if (*out == NULL) return qv_error_set(err, QV_ERR_INVALID_DATA, "format '%s': internal: no singleton type", format);
      break;
  }
  qv_field_release(run_ends);
  if (st != QV_OK) {
    *out = NULL;
    return ctor_failed(st, &inner, format, err);
  }
  return QV_OK;
}
