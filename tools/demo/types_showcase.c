/* Part 1 of the demo: a small table of several Arrow types built with
 * quiver's builders, fully validated, and printed. */
#include <stdio.h>

#include "demo.h"

#define ROWS 5
#define TRY(expr)                 \
  do {                            \
    st = (expr);                  \
    if (st != QV_OK) goto done;   \
  } while (0)

int demo_types_showcase(void) {
  qv_error err = {0};
  qv_status st = QV_OK;
  enum { NCOLS = 8 };
  const char *names[NCOLS] = {"id", "score", "name", "seen_at", "price", "tags", "point", "color"};
  qv_type *types[NCOLS] = {0};
  qv_builder *b[NCOLS] = {0};
  qv_array *cols[NCOLS] = {0};
  qv_field *fields[NCOLS] = {0};
  qv_field *x = NULL, *y = NULL;
  qv_schema *schema = NULL;
  qv_batch *batch = NULL;

  types[0] = qv_type_int32();
  types[1] = qv_type_float64();
  types[2] = qv_type_string();
  TRY(qv_type_timestamp(QV_UNIT_MILLI, "UTC", &types[3], &err));
  TRY(qv_type_decimal(128, 10, 2, &types[4], &err));
  TRY(qv_type_list_of(QV_TYPE_LIST, qv_type_string(), &types[5], &err));
  TRY(qv_field_new("x", qv_type_float64(), false, NULL, &x, &err));
  TRY(qv_field_new("y", qv_type_float64(), false, NULL, &y, &err));
  qv_field *xy[2] = {x, y};
  TRY(qv_type_struct(xy, 2, &types[6], &err));
  TRY(qv_type_dictionary(qv_type_int8(), qv_type_string(), false, &types[7], &err));
  for (int c = 0; c < NCOLS; c++) TRY(qv_builder_new(types[c], NULL, &b[c], &err));

  static const int32_t ids[ROWS] = {1, 2, 3, 4, 5};
  static const double scores[ROWS] = {9.5, 7.25, 8.0, 6.5, 10.0};
  static const char *const people[ROWS] = {"ada", "grace", NULL, "edsger", "barbara"};
  static const int64_t seen[ROWS] = {1700000000123, 1700003600000, 1700007200456, 1700010800000, 1700014400789};
  static const int64_t cents[ROWS] = {1999, -250, 100000, 5, 123456789};
  static const char *const colors[ROWS] = {"red", "green", "red", NULL, "blue"};
  for (int i = 0; i < ROWS; i++) {
    TRY(i == 2 ? qv_builder_append_null(b[0]) : qv_builder_append_int32(b[0], ids[i]));
    TRY(qv_builder_append_float64(b[1], scores[i]));
    TRY(people[i] ? qv_builder_append_string(b[2], people[i], -1) : qv_builder_append_null(b[2]));
    TRY(qv_builder_append_int64(b[3], seen[i]));
    TRY(qv_builder_append_decimal_i64(b[4], cents[i]));
    qv_builder *item = qv_builder_child(b[5], 0);
    if (i == 3) {
      TRY(qv_builder_append_null(b[5]));
    } else {
      for (int k = 0; k <= i % 3; k++) TRY(qv_builder_append_string(item, k == 0 ? "arrow" : k == 1 ? "c" : "ipc", -1));
      TRY(qv_builder_finish_element(b[5]));
    }
    TRY(qv_builder_append_float64(qv_builder_child(b[6], 0), 1.5 * i));
    TRY(qv_builder_append_float64(qv_builder_child(b[6], 1), -0.5 * i));
    TRY(qv_builder_finish_element(b[6]));
    TRY(colors[i] ? qv_builder_append_string(b[7], colors[i], -1) : qv_builder_append_null(b[7]));
  }
  for (int c = 0; c < NCOLS; c++) {
    TRY(qv_builder_finish(b[c], &cols[c], &err));
    TRY(qv_field_new(names[c], types[c], true, NULL, &fields[c], &err));
  }
  TRY(qv_schema_new(fields, NCOLS, NULL, &schema, &err));
  TRY(qv_batch_new(schema, ROWS, cols, NULL, &batch, &err));
  TRY(qv_batch_validate(batch, QV_VALIDATE_FULL, &err));

  printf("== Part 1: a record batch of %d types, built in memory and fully validated ==\n\n", NCOLS);
  qv_print_options opts = qv_print_options_default();
  TRY(qv_batch_print(stdout, batch, &opts, &err));
  printf("\n");

done:
  if (st != QV_OK) fprintf(stderr, "demo: %s: %s\n", qv_status_name(st), err.message);
  qv_batch_release(batch);
  qv_schema_release(schema);
  for (int c = 0; c < NCOLS; c++) {
    qv_builder_free(b[c]);
    qv_array_release(cols[c]);
    qv_field_release(fields[c]);
    qv_type_release(types[c]);
  }
  qv_field_release(x);
  qv_field_release(y);
  return st == QV_OK ? 0 : 1;
}
