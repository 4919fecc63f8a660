/* quiver Python binding: declarations shared by the extension's C files.
 *
 * The extension is thin: each Python object owns exactly one reference to a
 * libquiver object (qv_type, qv_field, qv_schema, qv_array, qv_buffer,
 * qv_batch, qv_table), which is immutable, so Python objects never need
 * locking or copy-on-write. Every qv_status that is not QV_OK becomes a
 * Python exception carrying the qv_error message (qvpy_raise). Functions
 * returning PyObject* follow the CPython convention (new reference, NULL
 * with an exception set); functions returning int return 0 / -1.
 */
#ifndef QVPY_H
#define QVPY_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdbool.h>
#include <stdint.h>

#include "quiver/array.h"
#include "quiver/batch.h"
#include "quiver/builder.h"
#include "quiver/cdata.h"
#include "quiver/chunked.h"
#include "quiver/concat.h"
#include "quiver/table.h"
#include "quiver/compare.h"
#include "quiver/print.h"
#include "quiver/validate.h"

/* Py_NewRef is 3.10+; the module supports 3.9. */
static inline PyObject *qvpy_newref(PyObject *o) {
  Py_INCREF(o);
  return o;
}

/* Releasing imported data may run a foreign producer's release callback,
 * which may run Python code (a ctypes or Cython producer): deallocators and
 * error paths keep the pending exception across such releases. */
#define QVPY_KEEP_ERROR(stmt)              \
  do {                                     \
    PyObject *et_, *ev_, *etb_;            \
    PyErr_Fetch(&et_, &ev_, &etb_);        \
    stmt;                                  \
    PyErr_Restore(et_, ev_, etb_);         \
  } while (0)

/* ---- objects ---- */

typedef struct {
  PyObject_HEAD
  qv_type *type; /* owned reference */
} QvDataTypeObject;

typedef struct {
  PyObject_HEAD
  qv_field *field; /* owned reference */
} QvFieldObject;

typedef struct {
  PyObject_HEAD
  qv_schema *schema; /* owned reference */
} QvSchemaObject;

typedef struct {
  PyObject_HEAD
  qv_array *array;       /* owned reference */
  bool validated;        /* full validation passed (built here, or checked once before reading values) */
  bool structure_ok;     /* structural validation passed (implied by validated) */
  Py_ssize_t shape[1];   /* buffer protocol: (length,) */
  Py_ssize_t strides[1]; /* buffer protocol: (itemsize,) */
} QvArrayObject;

typedef struct {
  PyObject_HEAD
  qv_buffer *buffer; /* owned reference; may have size 0 and data NULL */
} QvBufferObject;

typedef struct {
  PyObject_HEAD
  qv_batch *batch; /* owned reference */
  bool validated;
} QvBatchObject;

typedef struct {
  PyObject_HEAD
  qv_table *table; /* owned reference */
  bool validated;
} QvTableObject;

extern PyTypeObject QvDataType_Type;
extern PyTypeObject QvField_Type;
extern PyTypeObject QvSchema_Type;
extern PyTypeObject QvArray_Type;
extern PyTypeObject QvBuffer_Type;
extern PyTypeObject QvBatch_Type;
extern PyTypeObject QvTable_Type;

/* Wrappers: take over (steal) the given reference, which must be non-NULL;
 * on failure they release it. */
PyObject *qvpy_wrap_type(qv_type *type);
PyObject *qvpy_wrap_field(qv_field *field);
PyObject *qvpy_wrap_schema(qv_schema *schema);
PyObject *qvpy_wrap_array(qv_array *array, bool validated);
PyObject *qvpy_wrap_buffer(qv_buffer *buffer);
PyObject *qvpy_wrap_batch(qv_batch *batch, bool validated);
PyObject *qvpy_wrap_table(qv_table *table, bool validated);

/* Borrowed pointers out of Python objects, or NULL with TypeError set
 * naming `what`. */
qv_type *qvpy_as_type(PyObject *o, const char *what);
qv_field *qvpy_as_field(PyObject *o, const char *what);
qv_schema *qvpy_as_schema(PyObject *o, const char *what);

/* Metadata <-> dict of bytes (types.c). to_dict returns None for no pairs;
 * from_dict accepts None, sets *out NULL for None/empty. */
PyObject *qvpy_metadata_to_dict(const qv_metadata *md);
int qvpy_metadata_from_dict(PyObject *d, qv_metadata **out);
/* Index of a field given by name or (negative allowed) position; -1 with
 * ArrowKeyError / ArrowIndexError. */
int qvpy_schema_index(const qv_schema *s, PyObject *key);

/* ---- errors (module.c) ---- */

extern PyObject *QvExc_ArrowException; /* base class */
extern PyObject *QvExc_ArrowInvalid;   /* ValueError */
extern PyObject *QvExc_ArrowTypeError; /* TypeError */
extern PyObject *QvExc_ArrowNotImplementedError;
extern PyObject *QvExc_ArrowIndexError;
extern PyObject *QvExc_ArrowKeyError;
extern PyObject *QvExc_ArrowIOError;
extern PyObject *QvExc_ArrowMemoryError;

/* Raises the exception class of `st` with err->message (or the status name
 * when the message is empty). Always returns NULL. */
PyObject *qvpy_raise(qv_status st, const qv_error *err);
/* Same, returning -1 (for int-returning helpers). */
int qvpy_raise_int(qv_status st, const qv_error *err);

/* ---- arrays (array.c) ---- */

/* Runs full (or structural) validation once, cached in the object; -1 with
 * ArrowInvalid naming what is wrong. */
int qvpy_array_ensure_valid(QvArrayObject *self);
int qvpy_array_ensure_structure(QvArrayObject *self);
/* A qv_array from a quiver.Array or any object with __arrow_c_array__ /
 * __arrow_c_stream__ (new reference to the Python Array in *holder). */
qv_array *qvpy_coerce_array(PyObject *o, PyObject **holder);

/* ---- helpers shared by the types' printing (batch.c) ---- */

/* For repr(): turns the pending exception into the text "<invalid: message>"
 * (a new str), so repr never raises on bad data; NULL (exception kept) for a
 * MemoryError. */
PyObject *qvpy_invalid_text(void);
/* New string from a qv_*_to_string result (frees text), or raises. */
PyObject *qvpy_text_result(qv_status st, char *text, const qv_error *err);
/* An Array wrapper around a retained reference to `a`. */
PyObject *qvpy_wrap_array_ref(qv_array *a, bool validated);
/* slice(offset=0, length=None) arguments clamped to n rows; -1 on error. */
int qvpy_clamp_slice(PyObject *args, PyObject *kw, int64_t n, int64_t *offset, int64_t *length);
/* List of the schema's field names. */
PyObject *qvpy_names_list(const qv_schema *s);
/* Row dicts from per-column value lists. */
PyObject *qvpy_rows_from_columns(const qv_schema *s, PyObject *cols, int64_t n);
/* A ChunkedArray of the tuple `chunks` (stolen) of `type` (stolen). */
PyObject *qvpy_wrap_chunked(PyObject *chunks, qv_type *type);
extern PyTypeObject QvChunked_Type;
/* A new qv_chunked_array holding the chunks of a quiver.ChunkedArray (NULL
 * with TypeError for anything else); *validated tells whether every chunk
 * passed full validation. */
qv_chunked_array *qvpy_chunked_to_qv(PyObject *o, bool *validated);
/* A quiver.ChunkedArray sharing the chunks of `c` (borrowed). */
PyObject *qvpy_chunked_from_qv(const qv_chunked_array *c, bool validated);
/* An "arrow_array_stream" capsule handing out the chunks of a quiver.ChunkedArray (chunked_stream.c). */
PyObject *qvpy_chunked_stream_capsule(PyObject *chunked);

/* ---- pyarrow-shaped methods written in Python (editing.c) ---- */

/* Calls quiver._methods.<name>(self, *args, **kw): the argument handling of
 * the pyarrow-shaped methods lives in Python, the work in the C library. */
/* _combine_chunks(Table or ChunkedArray) -> Table or Array (m unused). */
PyObject *qvpy_combine_chunks(PyObject *m, PyObject *obj);
PyObject *qvpy_delegate(const char *name, PyObject *self, PyObject *args, PyObject *kw);
/* to_pylist / to_pydict(*, maps_as_pydicts=None): `values(self, NULL)`, then
 * quiver._methods.apply_maps_as_pydicts when a mode is given. */
PyObject *qvpy_values_with_maps(PyObject *self, PyObject *args, PyObject *kw, PyObject *(*values)(PyObject *, PyObject *));
#define QVPY_WITH_MAPS(cname, values) \
  static PyObject *cname(PyObject *self, PyObject *args, PyObject *kw) { return qvpy_values_with_maps(self, args, kw, values); }
/* `key in self` through quiver._methods.contains (an sq_contains slot). */
int qvpy_delegate_contains(PyObject *self, PyObject *key);
#define QVPY_DELEGATE(cname, pyname) \
  static PyObject *cname(PyObject *self, PyObject *args, PyObject *kw) { return qvpy_delegate(pyname, self, args, kw); }
#define QVPY_METHOD(pyname, cname, doc) \
  { pyname, (PyCFunction)(void (*)(void))cname, METH_VARARGS | METH_KEYWORDS, doc }
#define QVPY_CLASSMETHOD(pyname, cname, doc) \
  { pyname, (PyCFunction)(void (*)(void))cname, METH_VARARGS | METH_KEYWORDS | METH_CLASS, doc }

/* ---- element-wise compute (compute_elementwise.c) ---- */

/* Array.cast(target_type=None, safe=None, options=None) and the arithmetic
 * operators, delegating to quiver._compute_elementwise. */
PyObject *qvpy_array_cast(PyObject *self, PyObject *args, PyObject *kw);
extern PyNumberMethods qvpy_array_as_number;

/* ---- Scalar objects (scalar_object.c) ---- */

extern PyTypeObject QvScalarBase_Type; /* C base of quiver.Scalar */
extern PyTypeObject QvScalarIter_Type;
/* The Scalar of slot `index` of the quiver.Array `array` (fully valid; 0 <= index < length). */
PyObject *qvpy_scalar_of(PyObject *array, Py_ssize_t index);
/* An iterator of the Scalars of every slot of a tuple of quiver.Array, validated fully first. */
PyObject *qvpy_scalar_iter(PyObject *chunks);

/* ---- values (to_py.c) ---- */

/* Python value of slot i of `a` (a fully valid array; 0 <= i < length). */
PyObject *qvpy_value(const qv_array *a, int64_t i);
/* New list of slots [start, start+n) of `a`. */
PyObject *qvpy_values_list(const qv_array *a, int64_t start, int64_t n);

/* ---- building from Python values (from_py.c, infer.c) ---- */

/* A new quiver.Array of `type` (NULL: inferred) from a Python sequence;
 * NULL with an exception (the row named for conversion errors). */
PyObject *qvpy_array_from_pylist(PyObject *values, qv_type *type);
/* A tuple holding the items of sequence `v` (a new reference; `v` itself
 * when it is an exact tuple), for walking while conversion hooks run Python
 * code that may mutate `v`. NULL with TypeError(`message`) for a
 * non-sequence. */
PyObject *qvpy_sequence_snapshot(PyObject *v, const char *message);
/* Infers the type of a Python sequence's values; NULL with an exception. */
qv_type *qvpy_infer_type(PyObject *seq);
/* Timezone string of a tzinfo (for inference), new reference str or None. */
PyObject *qvpy_tzinfo_name(PyObject *tzinfo);

/* ---- capsules (capsule.c) ---- */

/* PyCapsule destructors/creators for the three C Data structs. */
PyObject *qvpy_schema_capsule_from_type(const qv_type *type);
PyObject *qvpy_schema_capsule_from_field(const qv_field *field);
PyObject *qvpy_schema_capsule_from_schema(const qv_schema *schema);
PyObject *qvpy_array_capsule(qv_array *array);
PyObject *qvpy_batch_capsule(qv_batch *batch);
PyObject *qvpy_stream_capsule_from_table(qv_table *table);
PyObject *qvpy_stream_capsule_from_batch(qv_batch *batch);

/* Calls obj.<method>(requested_schema) style protocol methods. */
PyObject *qvpy_import_array(PyObject *obj, PyObject *type_obj);
PyObject *qvpy_import_batch(PyObject *obj);
PyObject *qvpy_import_table(PyObject *obj);
PyObject *qvpy_import_schema(PyObject *obj);

/* Checks `requested_schema` is None or an "arrow_schema" capsule. */
int qvpy_check_requested_schema(PyObject *requested_schema);

/* ---- module-level functions defined in several files ---- */
PyObject *qvpy_mod_type_factory(PyObject *mod, PyObject *args, PyObject *kwargs);

/* float16 <-> double (IEEE binary16, round to nearest even). */
double qvpy_half_to_double(uint16_t h);
uint16_t qvpy_double_to_half(double d);

/* Days since 1970-01-01 <-> civil date (proleptic Gregorian). */
void qvpy_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
int64_t qvpy_days_from_civil(int64_t y, int m, int d);

/* Cached Python objects (module.c): datetime C API is imported at init. */
extern PyObject *qvpy_decimal_cls;     /* decimal.Decimal */
extern PyObject *qvpy_utc;             /* datetime.timezone.utc */
PyObject *qvpy_tz_from_string(const char *tz); /* new ref tzinfo */

#endif
