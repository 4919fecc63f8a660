/* quiver Python binding: helpers of ipc.c shared with ipc_stream.c. */
#ifndef QVPY_IPC_SHARED_H
#define QVPY_IPC_SHARED_H

#include "qvpy.h"
#include "quiver/ipc.h"

/* A qv_buffer over a bytes-like object (holding a Py_buffer export) or a
 * quiver.Buffer; new reference, NULL with an exception. */
qv_buffer *qvpy_ipc_buffer_of(PyObject *obj);
/* qvpy_raise, except that a missing file is FileNotFoundError. */
PyObject *qvpy_ipc_raise_io(qv_status st, const qv_error *err);
/* The whole file at `path` in one owned buffer (read(2), no mapping); runs without the GIL. */
qv_status qvpy_ipc_read_whole_path(const char *path, qv_buffer **out, qv_error *err);
/* Reader / writer options from Python arguments; -1 with ValueError. */
int qvpy_ipc_read_options(int full, int require_eos, long long max_decompressed, long long max_total,
                          qv_ipc_read_options *opts);
int qvpy_ipc_write_options(const char *compression, int level, int alignment, qv_ipc_write_options *o);

#endif
