/* quiver Python binding: same-host zero-copy sharing (include/quiver/shm.h),
 * the C half of quiver.shm. The GIL is released while libquiver writes the
 * memfd, passes descriptors and reads the table; a table received here
 * references the shared mapping, which lives as long as any of its arrays;
 * so does a table made by share_table, which send_table then passes as its
 * own memfd instead of copying it. */
#include "qvpy.h"

#include "ipc_shared.h"
#include "quiver/shm.h"

/* _shm_send_table(fd, table, compression, level) -> None */
static PyObject *f_send_table(PyObject *m, PyObject *args) {
  int fd;
  PyObject *table_obj;
  const char *compression = NULL;
  int level = 0;
  if (!PyArg_ParseTuple(args, "iO!|zi", &fd, &QvTable_Type, &table_obj, &compression, &level)) return NULL;
  qv_ipc_write_options opts;
  if (qvpy_ipc_write_options(compression, level, 0, &opts) < 0) return NULL;
  const qv_table *t = ((QvTableObject *)table_obj)->table;
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_shm_send_table(fd, t, &opts, &err);
  Py_END_ALLOW_THREADS
  if (st != QV_OK) return qvpy_ipc_raise_io(st, &err);
  Py_RETURN_NONE;
}

/* _shm_receive_table(fd, full_validation) -> Table */
static PyObject *f_receive_table(PyObject *m, PyObject *args) {
  int fd, full = 0;
  if (!PyArg_ParseTuple(args, "i|p", &fd, &full)) return NULL;
  qv_ipc_read_options opts;
  if (qvpy_ipc_read_options(full, 1, 0, 0, &opts) < 0) return NULL;
  qv_error err;
  qv_table *t = NULL;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_shm_receive_table(fd, &opts, &t, &err);
  Py_END_ALLOW_THREADS
  if (st != QV_OK) return qvpy_ipc_raise_io(st, &err);
  return qvpy_wrap_table(t, full != 0);
}

/* _shm_share_table(table) -> Table whose buffers live in one sealed memfd */
static PyObject *f_share_table(PyObject *m, PyObject *args) {
  PyObject *table_obj;
  if (!PyArg_ParseTuple(args, "O!", &QvTable_Type, &table_obj)) return NULL;
  const qv_table *t = ((QvTableObject *)table_obj)->table;
  bool validated = ((QvTableObject *)table_obj)->validated; /* the same values, moved */
  qv_error err;
  qv_table *shared = NULL;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_shm_table_share(t, &shared, &err);
  Py_END_ALLOW_THREADS
  if (st != QV_OK) return qvpy_ipc_raise_io(st, &err);
  return qvpy_wrap_table(shared, validated);
}

PyMethodDef qvpy_shm_functions[] = {
    {"_shm_share_table", f_share_table, METH_VARARGS, NULL},
    {"_shm_send_table", f_send_table, METH_VARARGS, NULL},
    {"_shm_receive_table", f_receive_table, METH_VARARGS, NULL},
    {NULL},
};
