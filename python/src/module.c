/* quiver Python binding: the `quiver._quiver` module object.
 *
 * Creates the exception hierarchy (every exception derives from
 * ArrowException and from the matching Python builtin, so `except
 * ValueError` catches ArrowInvalid), readies the object types, collects the
 * module-level functions the other files define, and maps qv_status codes to
 * exception classes. Nothing here touches array data.
 */
#include "qvpy.h"

PyObject *QvExc_ArrowException;
PyObject *QvExc_ArrowInvalid;
PyObject *QvExc_ArrowTypeError;
PyObject *QvExc_ArrowNotImplementedError;
PyObject *QvExc_ArrowIndexError;
PyObject *QvExc_ArrowKeyError;
PyObject *QvExc_ArrowIOError;
PyObject *QvExc_ArrowMemoryError;

extern PyMethodDef qvpy_type_functions[];
extern PyMethodDef qvpy_array_functions[];
extern PyMethodDef qvpy_batch_functions[];
extern PyMethodDef qvpy_table_functions[];
extern PyMethodDef qvpy_chunked_functions[];
extern PyMethodDef qvpy_capsule_functions[];
extern PyMethodDef qvpy_testing_functions[];
extern PyMethodDef qvpy_ipc_functions[];
extern PyMethodDef qvpy_editing_functions[];
extern PyMethodDef qvpy_ipc_stream_functions[];
extern PyMethodDef qvpy_from_buffers_functions[];
extern PyMethodDef qvpy_shm_functions[];
extern PyMethodDef qvpy_textio_functions[];
extern PyMethodDef qvpy_csv_stream_functions[];
extern PyMethodDef qvpy_compute_relational_functions[];
extern PyMethodDef qvpy_flight_functions[];
extern PyMethodDef qvpy_parquet_write_functions[];
extern PyMethodDef qvpy_compute_elementwise_functions[];
extern PyMethodDef qvpy_parquet_functions[];
extern PyMethodDef qvpy_scalar_object_functions[];
int qvpy_scalars_init(void);

static PyObject *exception_for(qv_status st) {
  switch (st) {
    case QV_ERR_NO_MEMORY: return QvExc_ArrowMemoryError;
    case QV_ERR_TYPE: return QvExc_ArrowTypeError;
    case QV_ERR_OUT_OF_RANGE: return QvExc_ArrowIndexError;
    case QV_ERR_NOT_IMPLEMENTED:
    case QV_ERR_UNSUPPORTED: return QvExc_ArrowNotImplementedError;
    case QV_ERR_IO: return QvExc_ArrowIOError;
    case QV_ERR_NOT_FOUND: return QvExc_ArrowKeyError;
    default: return QvExc_ArrowInvalid;
  }
}

PyObject *qvpy_raise(qv_status st, const qv_error *err) {
  const char *msg = (err != NULL && err->message[0] != '\0') ? err->message : qv_status_name(st);
  PyErr_SetString(exception_for(st), msg);
  return NULL;
}

int qvpy_raise_int(qv_status st, const qv_error *err) {
  qvpy_raise(st, err);
  return -1;
}

/* Creates `name` deriving from (builtin, ArrowException) and adds it. */
static PyObject *add_exception(PyObject *mod, const char *name, PyObject *builtin, const char *doc) {
  char qualified[96];
  snprintf(qualified, sizeof qualified, "quiver.%s", name);
  PyObject *bases = builtin != NULL ? PyTuple_Pack(2, builtin, QvExc_ArrowException)
                                    : PyTuple_Pack(1, PyExc_Exception);
  if (bases == NULL) return NULL;
  PyObject *exc = PyErr_NewExceptionWithDoc(qualified, doc, bases, NULL);
  Py_DECREF(bases);
  if (exc == NULL) return NULL;
  Py_INCREF(exc);
  if (PyModule_AddObject(mod, name, exc) < 0) {
    Py_DECREF(exc);
    Py_DECREF(exc);
    return NULL;
  }
  return exc;
}

static int add_type(PyObject *mod, PyTypeObject *type, const char *name) {
  if (PyType_Ready(type) < 0) return -1;
  Py_INCREF(type);
  if (PyModule_AddObject(mod, name, (PyObject *)type) < 0) {
    Py_DECREF(type);
    return -1;
  }
  return 0;
}

static struct PyModuleDef quiver_module = {
    PyModuleDef_HEAD_INIT,
    "quiver._quiver",
    "C core of the quiver Python module (use the `quiver` package).",
    -1,
    NULL,
};

PyMODINIT_FUNC PyInit__quiver(void) {
  PyObject *mod = PyModule_Create(&quiver_module);
  if (mod == NULL) return NULL;
  if (qvpy_scalars_init() < 0) goto fail;

  QvExc_ArrowException = add_exception(mod, "ArrowException", NULL, "Base class of quiver's errors.");
  if (QvExc_ArrowException == NULL) goto fail;
  if ((QvExc_ArrowInvalid = add_exception(mod, "ArrowInvalid", PyExc_ValueError,
                                          "Invalid data or argument (quiver's message says what and where).")) == NULL ||
      (QvExc_ArrowTypeError = add_exception(mod, "ArrowTypeError", PyExc_TypeError, "Type mismatch.")) == NULL ||
      (QvExc_ArrowNotImplementedError = add_exception(mod, "ArrowNotImplementedError", PyExc_NotImplementedError,
                                                      "Valid request that quiver does not support.")) == NULL ||
      (QvExc_ArrowIndexError = add_exception(mod, "ArrowIndexError", PyExc_IndexError,
                                             "Index or offset out of range.")) == NULL ||
      (QvExc_ArrowKeyError = add_exception(mod, "ArrowKeyError", PyExc_KeyError, "Name not found.")) == NULL ||
      (QvExc_ArrowIOError = add_exception(mod, "ArrowIOError", PyExc_OSError, "Input/output error.")) == NULL ||
      (QvExc_ArrowMemoryError = add_exception(mod, "ArrowMemoryError", PyExc_MemoryError, "Out of memory.")) ==
          NULL)
    goto fail;

  if (add_type(mod, &QvDataType_Type, "DataType") < 0 || add_type(mod, &QvField_Type, "Field") < 0 ||
      add_type(mod, &QvSchema_Type, "Schema") < 0 || add_type(mod, &QvArray_Type, "Array") < 0 ||
      add_type(mod, &QvBuffer_Type, "Buffer") < 0 || add_type(mod, &QvBatch_Type, "RecordBatch") < 0 ||
      add_type(mod, &QvTable_Type, "Table") < 0 || add_type(mod, &QvChunked_Type, "ChunkedArray") < 0 ||
      add_type(mod, &QvScalarBase_Type, "_ScalarBase") < 0 || PyType_Ready(&QvScalarIter_Type) < 0)
    goto fail;

  if (PyModule_AddFunctions(mod, qvpy_type_functions) < 0 || PyModule_AddFunctions(mod, qvpy_array_functions) < 0 ||
      PyModule_AddFunctions(mod, qvpy_batch_functions) < 0 ||
      PyModule_AddFunctions(mod, qvpy_table_functions) < 0 || PyModule_AddFunctions(mod, qvpy_chunked_functions) < 0 || PyModule_AddFunctions(mod, qvpy_capsule_functions) < 0 ||
      PyModule_AddFunctions(mod, qvpy_testing_functions) < 0 || PyModule_AddFunctions(mod, qvpy_ipc_functions) < 0 ||
      PyModule_AddFunctions(mod, qvpy_editing_functions) < 0 ||
      PyModule_AddFunctions(mod, qvpy_ipc_stream_functions) < 0 ||
      PyModule_AddFunctions(mod, qvpy_from_buffers_functions) < 0 ||
      PyModule_AddFunctions(mod, qvpy_shm_functions) < 0 ||
      PyModule_AddFunctions(mod, qvpy_textio_functions) < 0 || PyModule_AddFunctions(mod, qvpy_csv_stream_functions) < 0 ||
      PyModule_AddFunctions(mod, qvpy_compute_relational_functions) < 0 ||
      PyModule_AddFunctions(mod, qvpy_flight_functions) < 0 ||
      PyModule_AddFunctions(mod, qvpy_parquet_write_functions) < 0 ||
      PyModule_AddFunctions(mod, qvpy_compute_elementwise_functions) < 0 ||
      PyModule_AddFunctions(mod, qvpy_parquet_functions) < 0 ||
      PyModule_AddFunctions(mod, qvpy_scalar_object_functions) < 0)
    goto fail;
  return mod;
fail:
  Py_DECREF(mod);
  return NULL;
}
