/* quiver Python binding: the C half of quiver.flight (a Flight client).
 *
 * A qv_flight_client lives in a PyCapsule whose destructor frees it;
 * quiver/flight.py wraps it in a Client class. Every network call runs
 * with the GIL released (the client is thread-safe). Descriptors arrive
 * from Python as a list of str (a path) or as bytes (a command); infos go
 * back as plain tuples that flight.py turns into FlightInfo objects.
 */
#include "qvpy.h"

#include <string.h>

#include "quiver/flight.h"

#define CLIENT_CAPSULE "quiver.flight_client"

static void client_capsule_free(PyObject *cap) {
  qv_flight_client *c = PyCapsule_GetPointer(cap, CLIENT_CAPSULE);
  if (c == NULL) {
    PyErr_Clear();
    return;
  }
  QVPY_KEEP_ERROR(qv_flight_client_free(c));
}

static qv_flight_client *client_of(PyObject *cap) { return PyCapsule_GetPointer(cap, CLIENT_CAPSULE); }

/* _flight_connect(uri, token, timeout_ms, tls_roots, tls_cert_chain,
 *                 tls_private_key, tls_override_hostname, shm) -> capsule */
static PyObject *flight_connect(PyObject *m, PyObject *args) {
  const char *uri, *token = NULL, *roots = NULL, *chain = NULL, *key = NULL, *host = NULL;
  long long timeout_ms = 0;
  int shm = 1;
  if (!PyArg_ParseTuple(args, "s|zLzzzzp", &uri, &token, &timeout_ms, &roots, &chain, &key, &host, &shm))
    return NULL;
  if ((chain == NULL) != (key == NULL)) {
    PyErr_SetString(PyExc_ValueError, "a client certificate and its private key go together");
    return NULL;
  }
  qv_flight_client_options o;
  memset(&o, 0, sizeof o);
  o.token = token;
  o.timeout_ms = timeout_ms;
  o.tls_root_certs_pem = roots;
  o.tls_cert_chain_pem = chain;
  o.tls_private_key_pem = key;
  o.tls_override_hostname = host;
  o.disable_shm = !shm;
  qv_flight_client *c = NULL;
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_flight_client_connect(uri, &o, &c, &err);
  Py_END_ALLOW_THREADS if (st != QV_OK) return qvpy_raise(st, &err);
  PyObject *cap = PyCapsule_New(c, CLIENT_CAPSULE, client_capsule_free);
  if (cap == NULL) qv_flight_client_free(c);
  return cap;
}

static PyObject *flight_authenticate_basic(PyObject *m, PyObject *args) {
  PyObject *cap;
  const char *user, *password;
  if (!PyArg_ParseTuple(args, "Oss", &cap, &user, &password)) return NULL;
  qv_flight_client *c = client_of(cap);
  if (c == NULL) return NULL;
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_flight_client_authenticate_basic(c, user, password, &err);
  Py_END_ALLOW_THREADS if (st != QV_OK) return qvpy_raise(st, &err);
  Py_RETURN_NONE;
}

/* A list of str -> path descriptor; bytes -> command descriptor. */
static int descriptor_of(PyObject *o, qv_flight_descriptor *d) {
  qv_error err;
  if (PyBytes_Check(o)) {
    qv_status st = qv_flight_descriptor_init_cmd(d, PyBytes_AS_STRING(o), (size_t)PyBytes_GET_SIZE(o), &err);
    return st == QV_OK ? 0 : qvpy_raise_int(st, &err);
  }
  if (!PyList_Check(o)) {
    PyErr_SetString(PyExc_TypeError, "a flight descriptor is a list of path parts (str) or a command (bytes)");
    return -1;
  }
  Py_ssize_t n = PyList_GET_SIZE(o);
  const char **parts = PyMem_Calloc((size_t)n + 1, sizeof *parts);
  if (parts == NULL) {
    PyErr_NoMemory();
    return -1;
  }
  for (Py_ssize_t i = 0; i < n; i++) {
    parts[i] = PyUnicode_AsUTF8(PyList_GET_ITEM(o, i));
    if (parts[i] == NULL) {
      PyMem_Free(parts);
      return -1;
    }
  }
  qv_status st = qv_flight_descriptor_init_path(d, parts, (size_t)n, &err);
  PyMem_Free(parts);
  return st == QV_OK ? 0 : qvpy_raise_int(st, &err);
}

static PyObject *descriptor_to_py(const qv_flight_descriptor *d) {
  if (d->type == QV_FLIGHT_DESCRIPTOR_CMD)
    return PyBytes_FromStringAndSize((const char *)d->cmd.data, (Py_ssize_t)d->cmd.len);
  PyObject *l = PyList_New((Py_ssize_t)d->n_path);
  for (size_t i = 0; l && i < d->n_path; i++) {
    PyObject *s = PyUnicode_DecodeUTF8(d->path[i], (Py_ssize_t)strlen(d->path[i]), "replace");
    if (s == NULL) {
      Py_DECREF(l);
      return NULL;
    }
    PyList_SET_ITEM(l, (Py_ssize_t)i, s);
  }
  return l;
}

/* (descriptor, schema or None, total_records, total_bytes, ordered,
 *  [(ticket, [locations], app_metadata)], app_metadata) */
static PyObject *info_to_py(const qv_flight_info *info) {
  PyObject *eps = PyList_New((Py_ssize_t)info->n_endpoints);
  if (eps == NULL) return NULL;
  for (size_t i = 0; i < info->n_endpoints; i++) {
    const qv_flight_endpoint *e = &info->endpoints[i];
    PyObject *locs = PyList_New((Py_ssize_t)e->n_locations);
    for (size_t k = 0; locs && k < e->n_locations; k++) {
      PyObject *s = PyUnicode_DecodeUTF8(e->locations[k], (Py_ssize_t)strlen(e->locations[k]), "replace");
      if (s == NULL) Py_CLEAR(locs);
      else PyList_SET_ITEM(locs, (Py_ssize_t)k, s);
    }
    PyObject *ep = locs ? Py_BuildValue("(y#Ny#)", (const char *)e->ticket.data, (Py_ssize_t)e->ticket.len, locs,
                                        (const char *)e->app_metadata.data, (Py_ssize_t)e->app_metadata.len)
                        : NULL;
    if (ep == NULL) {
      Py_DECREF(eps);
      return NULL;
    }
    PyList_SET_ITEM(eps, (Py_ssize_t)i, ep);
  }
  PyObject *desc = descriptor_to_py(&info->descriptor);
  PyObject *schema = info->schema ? qvpy_wrap_schema(qv_schema_retain(info->schema)) : (Py_INCREF(Py_None), Py_None);
  if (desc == NULL || schema == NULL) {
    Py_XDECREF(desc);
    Py_XDECREF(schema);
    Py_DECREF(eps);
    return NULL;
  }
  return Py_BuildValue("(NNLLONy#)", desc, schema, (long long)info->total_records, (long long)info->total_bytes,
                       info->ordered ? Py_True : Py_False, eps, (const char *)info->app_metadata.data,
                       (Py_ssize_t)info->app_metadata.len);
}

static PyObject *flight_list_flights(PyObject *m, PyObject *args) {
  PyObject *cap;
  const char *criteria = NULL;
  Py_ssize_t criteria_len = 0;
  if (!PyArg_ParseTuple(args, "O|y#", &cap, &criteria, &criteria_len)) return NULL;
  qv_flight_client *c = client_of(cap);
  if (c == NULL) return NULL;
  qv_flight_info *infos = NULL;
  size_t n = 0;
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_flight_client_list_flights(c, criteria, (size_t)criteria_len, &infos, &n, &err);
  Py_END_ALLOW_THREADS if (st != QV_OK) return qvpy_raise(st, &err);
  PyObject *l = PyList_New((Py_ssize_t)n);
  for (size_t i = 0; l && i < n; i++) {
    PyObject *t = info_to_py(&infos[i]);
    if (t == NULL) Py_CLEAR(l);
    else PyList_SET_ITEM(l, (Py_ssize_t)i, t);
  }
  qv_flight_info_array_free(infos, n);
  return l;
}

static PyObject *flight_get_flight_info(PyObject *m, PyObject *args) {
  PyObject *cap, *desc_obj;
  if (!PyArg_ParseTuple(args, "OO", &cap, &desc_obj)) return NULL;
  qv_flight_client *c = client_of(cap);
  if (c == NULL) return NULL;
  qv_flight_descriptor d;
  if (descriptor_of(desc_obj, &d) < 0) return NULL;
  qv_flight_info info;
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_flight_client_get_flight_info(c, &d, &info, &err);
  Py_END_ALLOW_THREADS qv_flight_descriptor_clear(&d);
  if (st != QV_OK) return qvpy_raise(st, &err);
  PyObject *r = info_to_py(&info);
  qv_flight_info_clear(&info);
  return r;
}

static PyObject *flight_get_schema(PyObject *m, PyObject *args) {
  PyObject *cap, *desc_obj;
  if (!PyArg_ParseTuple(args, "OO", &cap, &desc_obj)) return NULL;
  qv_flight_client *c = client_of(cap);
  if (c == NULL) return NULL;
  qv_flight_descriptor d;
  if (descriptor_of(desc_obj, &d) < 0) return NULL;
  qv_schema *schema = NULL;
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_flight_client_get_schema(c, &d, &schema, &err);
  Py_END_ALLOW_THREADS qv_flight_descriptor_clear(&d);
  if (st != QV_OK) return qvpy_raise(st, &err);
  return qvpy_wrap_schema(schema);
}

static PyObject *flight_do_get(PyObject *m, PyObject *args) {
  PyObject *cap;
  const char *ticket;
  Py_ssize_t len;
  if (!PyArg_ParseTuple(args, "Oy#", &cap, &ticket, &len)) return NULL;
  qv_flight_client *c = client_of(cap);
  if (c == NULL) return NULL;
  qv_table *t = NULL;
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_flight_client_do_get_table(c, ticket, (size_t)len, &t, &err);
  Py_END_ALLOW_THREADS if (st != QV_OK) return qvpy_raise(st, &err);
  return qvpy_wrap_table(t, true);
}

static PyObject *flight_do_put(PyObject *m, PyObject *args) {
  PyObject *cap, *desc_obj, *table_obj;
  if (!PyArg_ParseTuple(args, "OOO!", &cap, &desc_obj, &QvTable_Type, &table_obj)) return NULL;
  qv_flight_client *c = client_of(cap);
  if (c == NULL) return NULL;
  qv_flight_descriptor d;
  if (descriptor_of(desc_obj, &d) < 0) return NULL;
  qv_table *t = qv_table_retain(((QvTableObject *)table_obj)->table);
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_flight_client_do_put_table(c, &d, t, &err);
  Py_END_ALLOW_THREADS qv_flight_descriptor_clear(&d);
  qv_table_release(t);
  if (st != QV_OK) return qvpy_raise(st, &err);
  Py_RETURN_NONE;
}

static PyObject *flight_do_action(PyObject *m, PyObject *args) {
  PyObject *cap;
  const char *type, *body = NULL;
  Py_ssize_t len = 0;
  if (!PyArg_ParseTuple(args, "Os|y#", &cap, &type, &body, &len)) return NULL;
  qv_flight_client *c = client_of(cap);
  if (c == NULL) return NULL;
  qv_flight_bytes *results = NULL;
  size_t n = 0;
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_flight_client_do_action(c, type, body, (size_t)len, &results, &n, &err);
  Py_END_ALLOW_THREADS if (st != QV_OK) return qvpy_raise(st, &err);
  PyObject *l = PyList_New((Py_ssize_t)n);
  for (size_t i = 0; l && i < n; i++) {
    PyObject *b = PyBytes_FromStringAndSize((const char *)results[i].data, (Py_ssize_t)results[i].len);
    if (b == NULL) Py_CLEAR(l);
    else PyList_SET_ITEM(l, (Py_ssize_t)i, b);
  }
  qv_flight_bytes_array_free(results, n);
  return l;
}

static PyObject *flight_list_actions(PyObject *m, PyObject *args) {
  PyObject *cap;
  if (!PyArg_ParseTuple(args, "O", &cap)) return NULL;
  qv_flight_client *c = client_of(cap);
  if (c == NULL) return NULL;
  qv_flight_action_type *types = NULL;
  size_t n = 0;
  qv_error err;
  qv_status st;
  Py_BEGIN_ALLOW_THREADS st = qv_flight_client_list_actions(c, &types, &n, &err);
  Py_END_ALLOW_THREADS if (st != QV_OK) return qvpy_raise(st, &err);
  PyObject *l = PyList_New((Py_ssize_t)n);
  for (size_t i = 0; l && i < n; i++) {
    PyObject *t = Py_BuildValue("(ss)", types[i].type, types[i].description);
    if (t == NULL) Py_CLEAR(l);
    else PyList_SET_ITEM(l, (Py_ssize_t)i, t);
  }
  qv_flight_action_types_free(types, n);
  return l;
}

/* _flight_stats(capsule) -> dict of the client's stream counters */
static PyObject *flight_stats(PyObject *m, PyObject *args) {
  PyObject *cap;
  if (!PyArg_ParseTuple(args, "O", &cap)) return NULL;
  qv_flight_client *c = client_of(cap);
  if (c == NULL) return NULL;
  qv_flight_stream_stats st;
  qv_flight_client_get_stats(c, &st);
  return Py_BuildValue("{sLsLsLsLsLsLsLsLsLsLsL}", "messages_sent", (long long)st.messages_sent,
                       "messages_received", (long long)st.messages_received, "body_bytes_sent",
                       (long long)st.body_bytes_sent, "body_bytes_received", (long long)st.body_bytes_received,
                       "bodies_in_place", (long long)st.bodies_in_place, "bodies_copied", (long long)st.bodies_copied,
                       "body_bytes_copied", (long long)st.body_bytes_copied, "bodies_shm_sent",
                       (long long)st.bodies_shm_sent, "bodies_shm_received", (long long)st.bodies_shm_received,
                       "body_bytes_shm", (long long)st.body_bytes_shm, "bodies_shm_shared",
                       (long long)st.bodies_shm_shared);
}

PyMethodDef qvpy_flight_functions[] = {
    {"_flight_stats", flight_stats, METH_VARARGS, "The client's stream counters."},
    {"_flight_connect", flight_connect, METH_VARARGS, "Flight client: connect(uri, token, timeout_ms, tls_roots)."},
    {"_flight_authenticate_basic", flight_authenticate_basic, METH_VARARGS, "Basic-auth handshake."},
    {"_flight_list_flights", flight_list_flights, METH_VARARGS, "ListFlights."},
    {"_flight_get_flight_info", flight_get_flight_info, METH_VARARGS, "GetFlightInfo."},
    {"_flight_get_schema", flight_get_schema, METH_VARARGS, "GetSchema."},
    {"_flight_do_get", flight_do_get, METH_VARARGS, "DoGet, read whole."},
    {"_flight_do_put", flight_do_put, METH_VARARGS, "DoPut of a table."},
    {"_flight_do_action", flight_do_action, METH_VARARGS, "DoAction."},
    {"_flight_list_actions", flight_list_actions, METH_VARARGS, "ListActions."},
    {NULL, NULL, 0, NULL},
};
