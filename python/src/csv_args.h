/* quiver Python binding: quiver.csv's reading options as qv_csv_read_options
 * (textio.c parses them; csv_stream.c keeps them for a reader's life). */
#ifndef QVPY_CSV_ARGS_H
#define QVPY_CSV_ARGS_H

#include "qvpy.h"
#include "quiver/csv.h"

/* The C options with what they point to (the UTF-8 of the lists' items,
 * the column types) kept alive by references to the Python lists. */
typedef struct qvpy_csv_args {
  qv_csv_read_options o;
  const char **names, **nulls, **trues, **falses, **type_names;
  const qv_type **types;
  PyObject *refs[5]; /* the lists above, held */
} qvpy_csv_args;

/* Parses the options tuple (delimiter, quote or None, no_header,
 * column_names, skip_rows, null_values, true_values, false_values,
 * skip_invalid_rows, max_input_size, block_size, n_threads, column_types
 * as a list of (name, DataType), max_record_size). -1 with an exception. */
int qvpy_csv_args_parse(PyObject *args, qvpy_csv_args *a);
/* Needs the GIL. */
void qvpy_csv_args_free(qvpy_csv_args *a);

#endif
