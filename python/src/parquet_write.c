/* quiver Python binding: writing Parquet (quiver._parquet_write.write_table
 * calls _parquet_write). Thin: options in, qv_parquet_write_* out, the GIL
 * released while the file is written. */
#include "qvpy.h"

#include <strings.h>

#include "quiver/parquet_writer.h"

static int parse_compression(const char *s, qv_parquet_compression *out) {
  static const struct {
    const char *name;
    qv_parquet_compression codec;
  } names[] = {{"none", QV_PARQUET_UNCOMPRESSED}, {"uncompressed", QV_PARQUET_UNCOMPRESSED},
               {"snappy", QV_PARQUET_SNAPPY},     {"gzip", QV_PARQUET_GZIP},
               {"brotli", QV_PARQUET_BROTLI},     {"zstd", QV_PARQUET_ZSTD},
               {"lz4", QV_PARQUET_LZ4_RAW},       {"lz4_raw", QV_PARQUET_LZ4_RAW}};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (strcasecmp(s, names[i].name) == 0) {
      *out = names[i].codec;
      return 0;
    }
  }
  PyErr_Format(PyExc_ValueError,
               "compression '%s' is not one of none, snappy, gzip, brotli, zstd, lz4 (LZ4_RAW)", s);
  return -1;
}

/* _parquet_write(table, path: bytes or None, compression, level, use_dictionary,
 *                data_page_version, row_group_size, data_page_size,
 *                dictionary_pagesize_limit, write_statistics, store_schema,
 *                statistics_truncate_length[, store_decimal_as_integer,
 *                write_page_index, write_page_checksum, encoding,
 *                use_byte_stream_split, columns])
 *                -> None (path) or bytes
 * encoding: a qv_parquet_encoding number; columns: a list of tuples
 * (name, encoding, use_dictionary 1/-1/0, bloom_filter, fpp, ndv). */
static PyObject *write_with(PyObject *table_obj, PyObject *path_obj, const qv_parquet_write_options *opts);

static PyObject *f_parquet_write(PyObject *m, PyObject *args) {
  PyObject *table_obj, *path_obj;
  const char *compression = "snappy";
  int level = 0, use_dictionary = 1, page_version = 1, write_statistics = 1, store_schema = 1, truncate = 64;
  int decimal_as_integer = 0, page_index = 0, page_checksum = 0, encoding = 0, byte_stream_split = 0;
  PyObject *columns_obj = NULL;
  long long row_group_size = 1 << 20, page_size = 1 << 20, dict_limit = 1 << 20;
  if (!PyArg_ParseTuple(args, "O!OzipiLLLppi|pppipO!", &QvTable_Type, &table_obj, &path_obj, &compression, &level,
                        &use_dictionary, &page_version, &row_group_size, &page_size, &dict_limit, &write_statistics,
                        &store_schema, &truncate, &decimal_as_integer, &page_index, &page_checksum, &encoding,
                        &byte_stream_split, &PyList_Type, &columns_obj))
    return NULL;
  qv_parquet_write_options o;
  qv_parquet_write_options_init(&o);
  if (compression != NULL && parse_compression(compression, &o.compression) < 0) return NULL;
  if (compression == NULL) o.compression = QV_PARQUET_UNCOMPRESSED;
  o.compression_level = level;
  o.use_dictionary = use_dictionary != 0;
  o.data_page_version = page_version;
  o.row_group_size = row_group_size;
  o.data_page_size = page_size;
  o.dictionary_page_size_limit = dict_limit;
  o.write_statistics = write_statistics != 0;
  o.store_schema = store_schema != 0;
  o.statistics_truncate_length = truncate;
  o.store_decimal_as_integer = decimal_as_integer != 0;
  o.write_page_index = page_index != 0;
  o.write_page_checksum = page_checksum != 0;
  o.encoding = (qv_parquet_encoding)encoding;
  o.use_byte_stream_split = byte_stream_split != 0;
  qv_parquet_column_write_options *cols = NULL;
  Py_ssize_t n_cols = columns_obj ? PyList_GET_SIZE(columns_obj) : 0;
  if (n_cols > 0) {
    if (n_cols > INT32_MAX) return PyErr_Format(PyExc_ValueError, "too many column options");
    cols = PyMem_Calloc((size_t)n_cols, sizeof *cols);
    if (cols == NULL) return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < n_cols; i++) {
      int enc = 0, dict = 0, bloom = 0;
      double fpp = 0;
      long long ndv = 0;
      /* the name stays valid: the list (and its tuples) outlive this call */
      if (!PyArg_ParseTuple(PyList_GET_ITEM(columns_obj, i), "siipdL", &cols[i].column, &enc, &dict, &bloom, &fpp,
                            &ndv)) {
        PyMem_Free(cols);
        return NULL;
      }
      cols[i].encoding = (qv_parquet_encoding)enc;
      cols[i].use_dictionary = (int8_t)(dict > 0 ? 1 : dict < 0 ? -1 : 0);
      cols[i].bloom_filter = bloom != 0;
      cols[i].bloom_filter_fpp = fpp;
      cols[i].bloom_filter_ndv = ndv;
    }
    o.columns = cols;
    o.n_columns = (int32_t)n_cols;
  }
  PyObject *r = write_with(table_obj, path_obj, &o);
  PyMem_Free(cols);
  return r;
}

static PyObject *write_with(PyObject *table_obj, PyObject *path_obj, const qv_parquet_write_options *opts) {
  qv_parquet_write_options o = *opts;
  const qv_table *t = ((QvTableObject *)table_obj)->table;
  qv_error err;
  qv_status st;
  if (path_obj != Py_None) {
    if (!PyBytes_Check(path_obj)) return PyErr_Format(PyExc_TypeError, "path must be bytes (os.fsencode)");
    const char *path = PyBytes_AS_STRING(path_obj);
    Py_BEGIN_ALLOW_THREADS st = qv_parquet_write_path(path, t, &o, &err);
    Py_END_ALLOW_THREADS if (st != QV_OK) return qvpy_raise(st, &err);
    Py_RETURN_NONE;
  }
  uint8_t *data = NULL;
  int64_t len = 0;
  Py_BEGIN_ALLOW_THREADS st = qv_parquet_write_memory(t, &o, &data, &len, &err);
  Py_END_ALLOW_THREADS if (st != QV_OK) return qvpy_raise(st, &err);
  PyObject *r = PyBytes_FromStringAndSize((const char *)data, (Py_ssize_t)len);
  free(data);
  return r;
}

PyMethodDef qvpy_parquet_write_functions[] = {
    {"_parquet_write", f_parquet_write, METH_VARARGS, NULL},
    {NULL},
};
