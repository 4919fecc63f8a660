/* quiver CLI: the row filter expression of `cat --where` (query.c).
 *
 * Grammar (keywords in any case; a column name is a bare word of letters,
 * digits and _ or any text in double quotes or backquotes; strings in
 * single quotes, '' for a quote):
 *   expr    := and ('or' and)*
 *   and     := not ('and' not)*
 *   not     := 'not' not | compare
 *   compare := sum [('=' | '==' | '!=' | '<>' | '<' | '<=' | '>' | '>=') sum]
 *            | sum 'is' ['not'] 'null'
 *   sum     := product (('+' | '-') product)*
 *   product := unary (('*' | '/') unary)*
 *   unary   := '-' unary | primary
 *   primary := NUMBER | STRING | 'true' | 'false' | 'null' | COLUMN | '(' expr ')'
 * Nulls follow SQL: a comparison or arithmetic with a null is null, and/or
 * are three-valued (Kleene), and a row whose condition is null is dropped.
 * Parse errors name the character offset.
 */
#ifndef QUIVER_TOOLS_CLI_QUERY_H
#define QUIVER_TOOLS_CLI_QUERY_H

#include "cli.h"
#include "quiver/batch.h"
#include "quiver/compute.h"
#include "quiver/schema.h"
#include "quiver/status.h"

typedef struct cli_query cli_query;

/* Parses `text` against the columns of `schema` (unknown names are
 * QV_ERR_NOT_FOUND naming the offset). Caller frees *out. */
qv_status cli_query_parse(const char *text, const qv_schema *schema, cli_query **out, qv_error *err);
void cli_query_free(cli_query *q); /* accepts NULL */

/* The rows of `in` where the condition is true. Caller owns *out. */
qv_status cli_query_filter(const cli_query *q, qv_batch *in, qv_batch **out, qv_error *err);

/* `cat --sort COL[:desc|:asc]`: one column, nulls last. */
typedef struct cli_sort_spec {
  bool active;
  char column[256];
  qv_sort_order order;
} cli_sort_spec;

/* Parses the --sort value against `schema` (QV_ERR_NOT_FOUND for an unknown
 * column, QV_ERR_INVALID_ARGUMENT for a bad suffix). */
qv_status cli_sort_parse(const char *text, const qv_schema *schema, cli_sort_spec *out, qv_error *err);

/* The table of `batches` (of `schema`) sorted, cut to `limit` rows (< 0:
 * all), then projected (proj may be NULL). Caller owns *out. */
qv_status cli_sort_apply(const cli_sort_spec *s, qv_schema *schema, qv_batch *const *batches, int64_t n,
                         int64_t limit, const cli_projection *proj, qv_table **out, qv_error *err);

#endif
