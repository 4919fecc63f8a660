/* quiver Python binding: scalar conversions (scalars.c). */
#ifndef QVPY_SCALARS_H
#define QVPY_SCALARS_H

#include "qvpy.h"

/* What kind of Python value an object is, for inference and for choosing a
 * union member. */
enum {
  QVPY_K_NONE = 0,
  QVPY_K_BOOL,
  QVPY_K_INT,
  QVPY_K_FLOAT,
  QVPY_K_STR,
  QVPY_K_BYTES,
  QVPY_K_LIST,
  QVPY_K_DICT,
  QVPY_K_DATETIME,
  QVPY_K_DATE,
  QVPY_K_TIME,
  QVPY_K_DELTA,
  QVPY_K_DECIMAL,
  QVPY_K_INTERVAL, /* pyarrow.MonthDayNano */
  QVPY_K_UUID,     /* uuid.UUID */
  QVPY_K_OTHER,
  QVPY_K_COUNT
};
int qvpy_scalar_kind(PyObject *o);

/* Arrow -> Python (new references, NULL with an exception). */
PyObject *qvpy_date_from_days(int64_t days);
PyObject *qvpy_time_from_value(int64_t v, qv_time_unit unit);
PyObject *qvpy_timestamp_from_value(int64_t v, qv_time_unit unit, const char *tz);
PyObject *qvpy_duration_from_value(int64_t v, qv_time_unit unit);
PyObject *qvpy_decimal_from_words(const uint64_t words[4], int n_words, int32_t scale);

/* arrow.uuid: uuid.UUID from 16 bytes; the 16 bytes of a uuid.UUID (other
 * objects are returned as they are). */
PyObject *qvpy_uuid_from_bytes(const uint8_t *p);
PyObject *qvpy_uuid_bytes(PyObject *o);

/* Python -> Arrow (0, or -1 with an exception). */
int qvpy_date_to_days(PyObject *o, int64_t *days);
int qvpy_time_to_value(PyObject *o, qv_time_unit unit, int64_t *out);
int qvpy_datetime_to_value(PyObject *o, qv_time_unit unit, int64_t *out);
int qvpy_timedelta_to_value(PyObject *o, qv_time_unit unit, int64_t *out);
/* Unscaled value of a Decimal (or int) at `scale`, as `width` little-endian
 * bytes; ArrowInvalid if digits would be lost or precision exceeded. */
int qvpy_decimal_to_bytes(PyObject *o, int32_t precision, int32_t scale, int32_t width, uint8_t *out);
/* Integer digits and scale of a Decimal, for type inference. */
int qvpy_decimal_infer(PyObject *o, int *int_digits, int *scale);

#endif
