/* quiver CLI: column selection (--columns a,b): a schema of the chosen
 * fields, in the order given, and batches that share the chosen arrays
 * (nothing is copied). Schema metadata is kept. A name may be chosen twice.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* "a, b, c" -> the existing column names, for the error message. */
static void list_columns(const qv_schema *schema, char *buf, size_t cap) {
  size_t used = 0;
  buf[0] = '\0';
  for (int32_t i = 0; i < schema->n_fields && used + 1 < cap; i++) {
    int n = snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", schema->fields[i]->name);
    if (n < 0) break;
    used += (size_t)n;
  }
}

qv_status cli_projection_init(cli_projection *p, const qv_schema *schema, const char *list, qv_error *err) {
  memset(p, 0, sizeof *p);
  qv_status st = QV_OK;
  qv_field **fields = NULL;
  size_t cap = 1;
  for (const char *c = list; *c; c++) cap += *c == ',';
  char *copy = strdup(list);
  p->index = calloc(cap, sizeof *p->index);
  fields = calloc(cap, sizeof *fields);
  if (copy == NULL || p->index == NULL || fields == NULL) {
    st = qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory");
    goto done;
  }
  char *save = NULL;
  for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
    int32_t i = qv_schema_field_index(schema, name);
    if (i < 0) {
      char names[512];
      list_columns(schema, names, sizeof names);
      st = qv_error_set(err, QV_ERR_NOT_FOUND, "no column named '%s' (the columns are: %s)", name, names);
      goto done;
    }
    p->index[p->n] = i;
    fields[p->n++] = schema->fields[i];
  }
  if (p->n == 0) {
    st = qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "--columns names no column");
    goto done;
  }
  st = qv_schema_new(fields, p->n, schema->metadata, &p->schema, err);
done:
  free(copy);
  free(fields);
  if (st != QV_OK) cli_projection_free(p);
  return st;
}

qv_status cli_projection_apply(const cli_projection *p, const qv_batch *in, qv_batch **out, qv_error *err) {
  qv_array **cols = calloc((size_t)p->n, sizeof *cols);
  if (cols == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory");
  for (int32_t i = 0; i < p->n; i++) cols[i] = in->columns[p->index[i]];
  qv_status st = qv_batch_new(p->schema, in->length, cols, in->metadata, out, err);
  free(cols);
  return st;
}

void cli_projection_free(cli_projection *p) {
  qv_schema_release(p->schema);
  free(p->index);
  memset(p, 0, sizeof *p);
}
