/* quiver Python binding: arrays assembled from existing memory without
 * copying: fixed-width arrays over Python buffers (quiver.array(numpy_array))
 * and dictionary arrays over an indices array and a dictionary.
 *
 * The values (and an optional validity bitmap) are any objects exporting the
 * buffer protocol; each is wrapped as a foreign qv_buffer that holds a
 * Py_buffer export, so the exporter's memory stays alive and unmoved while
 * any array built over it does. The array is then validated (structure and
 * values) by the library before it is handed to Python: a buffer too short
 * for `length` values is an ArrowInvalid, never an out-of-bounds read.
 */
#include "ipc_shared.h"

/* _array_from_buffers(type, length, null_count, validity or None, values) */
static PyObject *f_array_from_buffers(PyObject *m, PyObject *args) {
  PyObject *type_obj, *validity_obj, *values_obj;
  long long length, null_count;
  if (!PyArg_ParseTuple(args, "OLLOO", &type_obj, &length, &null_count, &validity_obj, &values_obj)) return NULL;
  qv_type *type = qvpy_as_type(type_obj, "type");
  if (type == NULL) return NULL;
  qv_buffer *bufs[2] = {NULL, NULL};
  if (validity_obj != Py_None && (bufs[0] = qvpy_ipc_buffer_of(validity_obj)) == NULL) return NULL;
  if ((bufs[1] = qvpy_ipc_buffer_of(values_obj)) == NULL) {
    qv_buffer_release(bufs[0]);
    return NULL;
  }
  qv_error err;
  qv_array *out = NULL;
  qv_status st = qv_array_new(type, (int64_t)length, 0, (int64_t)null_count, 2, bufs, 0, NULL, NULL, &out, &err);
  if (st == QV_OK) st = qv_array_validate(out, QV_VALIDATE_FULL, &err);
  /* the array retains the buffers; drop ours with the GIL held (Py_buffer release) */
  qv_buffer_release(bufs[0]);
  qv_buffer_release(bufs[1]);
  if (st != QV_OK) {
    qv_array_release(out);
    return qvpy_raise(st, &err);
  }
  return qvpy_wrap_array(out, true);
}

/* _dictionary_array(indices, dictionary, ordered) -> a dictionary Array over
 * the indices' buffers and the dictionary (nothing copied); fully validated,
 * so an index out of the dictionary's range is an ArrowInvalid here. */
static PyObject *f_dictionary_array(PyObject *m, PyObject *args) {
  PyObject *indices_obj, *dictionary_obj;
  int ordered = 0;
  if (!PyArg_ParseTuple(args, "O!O!|p:_dictionary_array", &QvArray_Type, &indices_obj, &QvArray_Type, &dictionary_obj,
                        &ordered))
    return NULL;
  const qv_array *indices = ((QvArrayObject *)indices_obj)->array;
  qv_array *dictionary = ((QvArrayObject *)dictionary_obj)->array;
  qv_error err;
  qv_type *type = NULL;
  qv_array *out = NULL;
  qv_status st = qv_type_dictionary(indices->type, dictionary->type, ordered != 0, &type, &err);
  if (st == QV_OK)
    st = qv_array_new(type, indices->length, indices->offset, QV_NULL_COUNT_UNKNOWN, indices->n_buffers,
                      indices->buffers, 0, NULL, dictionary, &out, &err);
  qv_type_release(type);
  if (st == QV_OK) st = qv_array_validate(out, QV_VALIDATE_FULL, &err);
  if (st != QV_OK) {
    qv_array_release(out);
    return qvpy_raise(st, &err);
  }
  return qvpy_wrap_array(out, true);
}

PyMethodDef qvpy_from_buffers_functions[] = {
    {"_dictionary_array", f_dictionary_array, METH_VARARGS, NULL},
    {"_array_from_buffers", f_array_from_buffers, METH_VARARGS, NULL},
    {NULL},
};
