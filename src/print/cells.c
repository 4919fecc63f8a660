/* quiver print: binding a column for the text writers (see cells.h). */
#include "print/cells.h"

#include "core/checked_access.h"

static qv__cell_kind kind_of(const qv_type *t) {
  switch (t->id) { /* the logical type decides the text */
    case QV_TYPE_NULL: return QV__CELL_NONE;
    case QV_TYPE_BOOL: return QV__CELL_BOOL;
    case QV_TYPE_INT8: return QV__CELL_I8;
    case QV_TYPE_INT16: return QV__CELL_I16;
    case QV_TYPE_INT32: return QV__CELL_I32;
    case QV_TYPE_INT64:
    case QV_TYPE_DURATION: return QV__CELL_I64;
    case QV_TYPE_UINT8: return QV__CELL_U8;
    case QV_TYPE_UINT16: return QV__CELL_U16;
    case QV_TYPE_UINT32: return QV__CELL_U32;
    case QV_TYPE_UINT64: return QV__CELL_U64;
    case QV_TYPE_FLOAT32: return QV__CELL_F32;
    case QV_TYPE_FLOAT64: return QV__CELL_F64;
    case QV_TYPE_DATE32: return QV__CELL_DATE32;
    case QV_TYPE_TIMESTAMP: return QV__CELL_TIMESTAMP;
    case QV_TYPE_STRING: return QV__CELL_STRING;
    case QV_TYPE_LARGE_STRING: return QV__CELL_LARGE_STRING;
    case QV_TYPE_STRING_VIEW: return QV__CELL_VIEW;
    default: return QV__CELL_OTHER;
  }
}

size_t qv__cell_fixed_room(qv__cell_kind k) {
  switch (k) {
    case QV__CELL_BOOL: return 5;
    case QV__CELL_I8:
    case QV__CELL_I16:
    case QV__CELL_I32:
    case QV__CELL_I64:
    case QV__CELL_U8:
    case QV__CELL_U16:
    case QV__CELL_U32:
    case QV__CELL_U64: return QV__PRINT_U64_MAX;
    case QV__CELL_F32:
    case QV__CELL_F64: return QV__PRINT_FLOAT_MAX;
    case QV__CELL_DATE32: return QV__PRINT_DATE_MAX;
    case QV__CELL_TIMESTAMP: return QV__PRINT_TIMESTAMP_MAX;
    default: return 0;
  }
}

void qv__cell_column_bind(qv__cell_column *col, const qv_array *a, const char *name) {
  const qv_type *t = qv_type_storage(a->type);
  memset(col, 0, sizeof *col);
  col->kind = kind_of(t);
  col->array = a;
  col->name = name;
  col->validity = col->kind == QV__CELL_NONE ? NULL : qv__buf_data(a, 0);
  col->offset = a->offset;
  col->values = qv__buf_data(a, 1);
  if (col->kind == QV__CELL_STRING || col->kind == QV__CELL_LARGE_STRING) {
    col->data = qv__buf_data(a, 2);
    col->data_size = qv__buf_size(a, 2);
    if (col->data == NULL) col->data = (const uint8_t *)"";
    /* no offsets: the checked accessor reports every slot */
    if (col->values == NULL) col->kind = QV__CELL_VIEW;
  }
  col->unit = t->unit;
  col->zoned = t->id == QV_TYPE_TIMESTAMP && t->timezone != NULL && t->timezone[0] != '\0';
}
