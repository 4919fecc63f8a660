/* quiver CLI: parsing and evaluating the `cat --where` expression (the
 * grammar is in query.h).
 *
 * The parser is hand-written recursive descent over a small token list,
 * bounded three ways so no input can exhaust the stack or memory: the text
 * is at most QUERY_MAX_TEXT bytes, the tree at most QUERY_MAX_NODES nodes,
 * and nesting at most QUERY_MAX_DEPTH levels. Every error names the
 * character offset where it was found.
 *
 * Evaluation is column at a time per batch. Comparisons and +, -, * of a
 * numeric column with a number or with a column of the same type run the
 * compute kernels (qv_compute_compare*, qv_compute_arithmetic*, checked for
 * overflow); everything else (strings, mixed numeric types, division) goes
 * row by row through the checked scalar accessor, so a hostile column is an
 * error, never a bad read. and/or/not are Kleene logic on the masks; the
 * final mask drops null rows through qv_compute_filter.
 */
#include "query.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "quiver/compute.h"
#include "quiver/memory.h"
#include "quiver/scalar.h"

#define QUERY_MAX_TEXT 4096
#define QUERY_MAX_NODES 1024
#define QUERY_MAX_DEPTH 64

typedef enum node_kind {
  N_COLUMN, N_NUMBER, N_STRING, N_BOOL, N_NULL, N_NEGATE, N_ARITH, N_COMPARE, N_AND, N_OR, N_NOT, N_IS_NULL
} node_kind;

typedef enum arith_op { A_ADD, A_SUB, A_MUL, A_DIV } arith_op;

typedef struct node {
  node_kind kind;
  int offset;      /* where it starts in the text (for messages) */
  int a, b;        /* operand nodes */
  int op;          /* arith or qv_compare_op */
  bool negated;    /* N_IS_NULL: "is not null" */
  int32_t column;  /* N_COLUMN */
  bool is_int;     /* N_NUMBER */
  int64_t i;
  double f;
  bool b_value;    /* N_BOOL */
  char *str;       /* N_STRING (owned) */
  int64_t str_len;
} node;

struct cli_query {
  node nodes[QUERY_MAX_NODES];
  int n_nodes, root;
};

/* ======================= parsing ======================= */

typedef struct parser {
  const char *text;
  int pos, len, depth;
  cli_query *q;
  const qv_schema *schema;
  qv_error *err;
  qv_status st;
} parser;

static int fail(parser *p, int at, qv_status code, const char *what) {
  if (p->st == QV_OK) p->st = qv_error_set(p->err, code, "--where: %s at character %d", what, at);
  return -1;
}

static void skip_space(parser *p) {
  while (p->pos < p->len && isspace((unsigned char)p->text[p->pos])) p->pos++;
}

static bool is_word_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* Whether the next token is the keyword `kw` (a bare word, any case); consumes it. */
static bool keyword(parser *p, const char *kw) {
  skip_space(p);
  int n = (int)strlen(kw);
  if (p->pos + n > p->len || strncasecmp(p->text + p->pos, kw, (size_t)n) != 0) return false;
  if (p->pos + n < p->len && is_word_char(p->text[p->pos + n])) return false;
  p->pos += n;
  return true;
}

/* Whether the next token is the symbol `sym`; consumes it. */
static bool symbol(parser *p, const char *sym) {
  skip_space(p);
  int n = (int)strlen(sym);
  if (p->pos + n > p->len || strncmp(p->text + p->pos, sym, (size_t)n) != 0) return false;
  p->pos += n;
  return true;
}

static int new_node(parser *p, node_kind kind, int offset) {
  if (p->q->n_nodes >= QUERY_MAX_NODES) return fail(p, offset, QV_ERR_LIMIT, "the expression is too long");
  int k = p->q->n_nodes++;
  memset(&p->q->nodes[k], 0, sizeof p->q->nodes[k]);
  p->q->nodes[k].kind = kind;
  p->q->nodes[k].offset = offset;
  return k;
}

static int binary(parser *p, node_kind kind, int op, int a, int b, int offset) {
  if (a < 0 || b < 0) return -1;
  int k = new_node(p, kind, offset);
  if (k >= 0) {
    p->q->nodes[k].a = a;
    p->q->nodes[k].b = b;
    p->q->nodes[k].op = op;
  }
  return k;
}

static int parse_or(parser *p);

/* A quoted run (quote char q, doubled to escape) into a new string. */
static int quoted(parser *p, char q, char **out, int64_t *out_len) {
  int start = p->pos++;
  char *buf = malloc((size_t)(p->len - p->pos) + 1);
  int64_t n = 0;
  if (buf == NULL) return fail(p, start, QV_ERR_NO_MEMORY, "out of memory");
  for (;;) {
    if (p->pos >= p->len) {
      free(buf);
      return fail(p, start, QV_ERR_INVALID_ARGUMENT, "unterminated quote");
    }
    char c = p->text[p->pos++];
    if (c == q) {
      if (p->pos < p->len && p->text[p->pos] == q) {
        buf[n++] = q;
        p->pos++;
        continue;
      }
      break;
    }
    buf[n++] = c;
  }
  buf[n] = '\0';
  *out = buf;
  *out_len = n;
  return 0;
}

static int column_node(parser *p, const char *name, int at) {
  int32_t idx = qv_schema_field_index(p->schema, name);
  if (idx < 0) {
    char msg[160];
    snprintf(msg, sizeof msg, "unknown column '%.100s'", name);
    return fail(p, at, QV_ERR_NOT_FOUND, msg);
  }
  int k = new_node(p, N_COLUMN, at);
  if (k >= 0) p->q->nodes[k].column = idx;
  return k;
}

static int parse_primary(parser *p) {
  skip_space(p);
  int at = p->pos;
  if (p->pos >= p->len) return fail(p, at, QV_ERR_INVALID_ARGUMENT, "expected a value, found the end");
  char c = p->text[p->pos];
  if (c == '(') {
    p->pos++;
    int k = parse_or(p);
    if (k >= 0 && !symbol(p, ")")) return fail(p, p->pos, QV_ERR_INVALID_ARGUMENT, "expected ')'");
    return k;
  }
  if (c == '\'') {
    char *s = NULL;
    int64_t n = 0;
    if (quoted(p, '\'', &s, &n) < 0) return -1;
    int k = new_node(p, N_STRING, at);
    if (k < 0) {
      free(s);
      return -1;
    }
    p->q->nodes[k].str = s;
    p->q->nodes[k].str_len = n;
    return k;
  }
  if (c == '"' || c == '`') {
    char *s = NULL;
    int64_t n = 0;
    if (quoted(p, c, &s, &n) < 0) return -1;
    int k = column_node(p, s, at);
    free(s);
    return k;
  }
  if (isdigit((unsigned char)c) || (c == '.' && p->pos + 1 < p->len && isdigit((unsigned char)p->text[p->pos + 1]))) {
    int end = p->pos;
    bool is_int = true;
    while (end < p->len && (isalnum((unsigned char)p->text[end]) || p->text[end] == '.' ||
                            ((p->text[end] == '+' || p->text[end] == '-') && end > p->pos &&
                             (p->text[end - 1] == 'e' || p->text[end - 1] == 'E')))) {
      if (!isdigit((unsigned char)p->text[end])) is_int = false;
      end++;
    }
    char num[64];
    if (end - p->pos >= (int)sizeof num) return fail(p, at, QV_ERR_INVALID_ARGUMENT, "number too long");
    memcpy(num, p->text + p->pos, (size_t)(end - p->pos));
    num[end - p->pos] = '\0';
    char *stop = NULL;
    int k = new_node(p, N_NUMBER, at);
    if (k < 0) return -1;
    node *nd = &p->q->nodes[k];
    errno = 0;
    if (is_int) {
      long long v = strtoll(num, &stop, 10);
      if (errno == ERANGE) is_int = false; /* too big for int64: read it as a double */
      else nd->i = v;
    }
    if (!is_int) nd->f = strtod(num, &stop);
    if (stop == NULL || *stop != '\0') return fail(p, at, QV_ERR_INVALID_ARGUMENT, "malformed number");
    nd->is_int = is_int;
    if (is_int) nd->f = (double)nd->i;
    p->pos = end;
    return k;
  }
  if (is_word_char(c)) {
    if (keyword(p, "true") || keyword(p, "false")) {
      int k = new_node(p, N_BOOL, at);
      if (k >= 0) p->q->nodes[k].b_value = tolower((unsigned char)c) == 't';
      return k;
    }
    if (keyword(p, "null")) return new_node(p, N_NULL, at);
    int end = p->pos;
    while (end < p->len && is_word_char(p->text[end])) end++;
    char name[256];
    if (end - p->pos >= (int)sizeof name) return fail(p, at, QV_ERR_INVALID_ARGUMENT, "column name too long");
    memcpy(name, p->text + p->pos, (size_t)(end - p->pos));
    name[end - p->pos] = '\0';
    p->pos = end;
    return column_node(p, name, at);
  }
  char msg[64];
  snprintf(msg, sizeof msg, "unexpected character '%c'", isprint((unsigned char)c) ? c : '?');
  return fail(p, at, QV_ERR_INVALID_ARGUMENT, msg);
}

/* Enters one nesting level (unary chains and parentheses recurse). */
static bool enter(parser *p) {
  if (++p->depth > QUERY_MAX_DEPTH) {
    fail(p, p->pos, QV_ERR_LIMIT, "the expression nests too deeply");
    return false;
  }
  return true;
}

static int parse_unary(parser *p) {
  skip_space(p);
  int at = p->pos;
  if (!enter(p)) return -1;
  int k;
  if (symbol(p, "-")) {
    int a = parse_unary(p);
    k = a < 0 ? -1 : new_node(p, N_NEGATE, at);
    if (k >= 0) p->q->nodes[k].a = a;
  } else {
    k = parse_primary(p);
  }
  p->depth--;
  return k;
}

static int parse_product(parser *p) {
  int k = parse_unary(p);
  for (;;) {
    skip_space(p);
    int at = p->pos;
    if (symbol(p, "*")) k = binary(p, N_ARITH, A_MUL, k, parse_unary(p), at);
    else if (symbol(p, "/")) k = binary(p, N_ARITH, A_DIV, k, parse_unary(p), at);
    else return k;
    if (k < 0) return -1;
  }
}

static int parse_sum(parser *p) {
  int k = parse_product(p);
  for (;;) {
    skip_space(p);
    int at = p->pos;
    if (symbol(p, "+")) k = binary(p, N_ARITH, A_ADD, k, parse_product(p), at);
    else if (symbol(p, "-")) k = binary(p, N_ARITH, A_SUB, k, parse_product(p), at);
    else return k;
    if (k < 0) return -1;
  }
}

static int parse_compare(parser *p) {
  int k = parse_sum(p);
  if (k < 0) return -1;
  skip_space(p);
  int at = p->pos;
  if (keyword(p, "is")) {
    bool neg = keyword(p, "not");
    if (!keyword(p, "null")) return fail(p, p->pos, QV_ERR_INVALID_ARGUMENT, "expected 'null' after 'is'");
    int n = new_node(p, N_IS_NULL, at);
    if (n >= 0) {
      p->q->nodes[n].a = k;
      p->q->nodes[n].negated = neg;
    }
    return n;
  }
  static const struct {
    const char *sym;
    qv_compare_op op;
  } ops[] = {{"==", QV_CMP_EQUAL}, {"!=", QV_CMP_NOT_EQUAL}, {"<>", QV_CMP_NOT_EQUAL}, {"<=", QV_CMP_LESS_EQUAL},
             {">=", QV_CMP_GREATER_EQUAL}, {"=", QV_CMP_EQUAL}, {"<", QV_CMP_LESS}, {">", QV_CMP_GREATER}};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (symbol(p, ops[i].sym)) return binary(p, N_COMPARE, (int)ops[i].op, k, parse_sum(p), at);
  return k;
}

static int parse_not(parser *p) {
  skip_space(p);
  int at = p->pos;
  if (!enter(p)) return -1;
  int k;
  if (keyword(p, "not")) {
    int a = parse_not(p);
    k = a < 0 ? -1 : new_node(p, N_NOT, at);
    if (k >= 0) p->q->nodes[k].a = a;
  } else {
    k = parse_compare(p);
  }
  p->depth--;
  return k;
}

static int parse_and(parser *p) {
  int k = parse_not(p);
  for (;;) {
    skip_space(p);
    int at = p->pos;
    if (!keyword(p, "and")) return k;
    k = binary(p, N_AND, 0, k, parse_not(p), at);
    if (k < 0) return -1;
  }
}

static int parse_or(parser *p) {
  if (!enter(p)) return -1;
  int k = parse_and(p);
  for (;;) {
    skip_space(p);
    int at = p->pos;
    if (!keyword(p, "or")) break;
    k = binary(p, N_OR, 0, k, parse_and(p), at);
    if (k < 0) break;
  }
  p->depth--;
  return k;
}

void cli_query_free(cli_query *q) {
  if (q == NULL) return;
  for (int k = 0; k < q->n_nodes; k++) free(q->nodes[k].str);
  free(q);
}

qv_status cli_query_parse(const char *text, const qv_schema *schema, cli_query **out, qv_error *err) {
  *out = NULL;
  size_t len = strlen(text);
  if (len > QUERY_MAX_TEXT)
    return qv_error_set(err, QV_ERR_LIMIT, "--where: the expression is longer than %d characters", QUERY_MAX_TEXT);
  cli_query *q = calloc(1, sizeof *q);
  if (q == NULL) return qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory");
  parser p = {text, 0, (int)len, 0, q, schema, err, QV_OK};
  q->root = parse_or(&p);
  if (p.st == QV_OK) {
    skip_space(&p);
    if (p.pos < p.len) fail(&p, p.pos, QV_ERR_INVALID_ARGUMENT, "unexpected text after the expression");
  }
  if (p.st != QV_OK) {
    cli_query_free(q);
    return p.st;
  }
  *out = q;
  return QV_OK;
}

/* ======================= evaluation ======================= */

typedef enum val_kind { V_ARRAY, V_NUMBER, V_STRING, V_BOOL, V_NULL } val_kind;

typedef struct val {
  val_kind kind;
  qv_array *array; /* V_ARRAY: owned reference */
  bool is_int;
  int64_t i;
  double f;
  bool b;
  const char *s;
  int64_t s_len;
} val;

static void val_free(val *v) {
  if (v->kind == V_ARRAY) qv_array_release(v->array);
  v->kind = V_NULL;
  v->array = NULL;
}

typedef struct evaluator {
  const cli_query *q;
  const qv_batch *batch;
  qv_error *err;
} evaluator;

/* Row r of v: 1 and *s set (valid), 0 (null), or an error status. */
static qv_status row_scalar(const val *v, int64_t r, qv_scalar *s, int *valid, qv_error *err) {
  memset(s, 0, sizeof *s);
  switch (v->kind) {
    case V_ARRAY:
      QV_RETURN_IF_ERROR(qv_array_get_scalar(v->array, r, s, err));
      *valid = s->kind != QV_SCALAR_NULL;
      return QV_OK;
    case V_NUMBER:
      s->kind = v->is_int ? QV_SCALAR_INT : QV_SCALAR_FLOAT;
      s->value.i = v->i;
      if (!v->is_int) s->value.f = v->f;
      break;
    case V_STRING:
      s->kind = QV_SCALAR_BYTES;
      s->value.bytes.data = (const uint8_t *)v->s;
      s->value.bytes.size = v->s_len;
      break;
    case V_BOOL:
      s->kind = QV_SCALAR_BOOL;
      s->value.b = v->b;
      break;
    case V_NULL: *valid = 0; return QV_OK;
  }
  *valid = 1;
  return QV_OK;
}

static bool scalar_number(const qv_scalar *s, double *d, bool *is_int, int64_t *i) {
  switch (s->kind) {
    case QV_SCALAR_INT: *d = (double)s->value.i; *i = s->value.i; *is_int = true; return true;
    case QV_SCALAR_UINT:
      *d = (double)s->value.u;
      *is_int = s->value.u <= (uint64_t)INT64_MAX;
      *i = (int64_t)s->value.u;
      return true;
    case QV_SCALAR_FLOAT: *d = s->value.f; *is_int = false; return true;
    case QV_SCALAR_BOOL: *d = s->value.b; *i = s->value.b; *is_int = true; return true;
    default: return false;
  }
}

/* A bool or float64 result array being filled row by row. */
typedef struct row_out {
  qv_buffer *validity, *values;
  int64_t n, nulls;
  bool is_bool;
} row_out;

static qv_status row_out_init(row_out *o, int64_t n, bool is_bool, qv_error *err) {
  memset(o, 0, sizeof *o);
  o->n = n;
  o->is_bool = is_bool;
  QV_RETURN_IF_ERROR(qv_buffer_allocate(NULL, qv_bitmap_bytes(n), true, &o->validity, err));
  return qv_buffer_allocate(NULL, is_bool ? qv_bitmap_bytes(n) : n * 8, true, &o->values, err);
}

static qv_status row_out_finish(row_out *o, val *out, qv_status st, qv_error *err) {
  if (st == QV_OK) {
    out->kind = V_ARRAY;
    st = qv_array_new(o->is_bool ? qv_type_bool() : qv_type_float64(), o->n, 0, o->nulls, 2,
                      (qv_buffer *[]){o->nulls ? o->validity : NULL, o->values}, 0, NULL, NULL, &out->array, err);
  }
  qv_buffer_release(o->validity);
  qv_buffer_release(o->values);
  return st;
}

static bool compare_result(int c, qv_compare_op op) {
  switch (op) {
    case QV_CMP_EQUAL: return c == 0;
    case QV_CMP_NOT_EQUAL: return c != 0;
    case QV_CMP_LESS: return c < 0;
    case QV_CMP_LESS_EQUAL: return c <= 0;
    case QV_CMP_GREATER: return c > 0;
    default: return c >= 0;
  }
}

/* Row-by-row comparison (strings, mixed types): int64 when both sides are
 * integers, doubles otherwise, bytes for strings. */
static qv_status compare_rows(const node *nd, const val *a, const val *b, int64_t n, val *out, qv_error *err) {
  row_out o;
  qv_status st = row_out_init(&o, n, true, err);
  for (int64_t r = 0; r < n && st == QV_OK; r++) {
    qv_scalar x, y;
    int vx = 0, vy = 0;
    st = row_scalar(a, r, &x, &vx, err);
    if (st == QV_OK) st = row_scalar(b, r, &y, &vy, err);
    if (st != QV_OK) break;
    if (!vx || !vy) {
      o.nulls++;
      continue;
    }
    int c;
    double dx, dy;
    bool ix, iy;
    int64_t lx, ly;
    if (x.kind == QV_SCALAR_BYTES && y.kind == QV_SCALAR_BYTES) {
      int64_t m = x.value.bytes.size < y.value.bytes.size ? x.value.bytes.size : y.value.bytes.size;
      c = m > 0 ? memcmp(x.value.bytes.data, y.value.bytes.data, (size_t)m) : 0;
      if (c == 0) c = (x.value.bytes.size > y.value.bytes.size) - (x.value.bytes.size < y.value.bytes.size);
    } else if (scalar_number(&x, &dx, &ix, &lx) && scalar_number(&y, &dy, &iy, &ly)) {
      if (ix && iy) c = (lx > ly) - (lx < ly);
      else if (isnan(dx) || isnan(dy)) c = 2; /* unordered: only != holds */
      else c = (dx > dy) - (dx < dy);
      if (c == 2) {
        if (nd->op == QV_CMP_NOT_EQUAL) qv_bit_set(o.values->data, r);
        qv_bit_set(o.validity->data, r);
        continue;
      }
    } else {
      st = qv_error_set(err, QV_ERR_TYPE, "--where: cannot compare these values (character %d, row %lld)", nd->offset,
                        (long long)r);
      break;
    }
    qv_bit_set(o.validity->data, r);
    if (compare_result(c, (qv_compare_op)nd->op)) qv_bit_set(o.values->data, r);
  }
  return row_out_finish(&o, out, st, err);
}

static qv_status arith_rows(const node *nd, const val *a, const val *b, int64_t n, val *out, qv_error *err) {
  row_out o;
  qv_status st = row_out_init(&o, n, false, err);
  double *d = st == QV_OK ? (double *)(void *)o.values->data : NULL;
  for (int64_t r = 0; r < n && st == QV_OK; r++) {
    qv_scalar x, y;
    int vx = 0, vy = 0;
    double dx, dy;
    bool ix, iy;
    int64_t lx, ly;
    st = row_scalar(a, r, &x, &vx, err);
    if (st == QV_OK) st = row_scalar(b, r, &y, &vy, err);
    if (st != QV_OK) break;
    if (!vx || !vy) {
      o.nulls++;
      continue;
    }
    if (!scalar_number(&x, &dx, &ix, &lx) || !scalar_number(&y, &dy, &iy, &ly)) {
      st = qv_error_set(err, QV_ERR_TYPE, "--where: arithmetic needs numbers (character %d, row %lld)", nd->offset,
                        (long long)r);
      break;
    }
    qv_bit_set(o.validity->data, r);
    d[r] = nd->op == A_ADD ? dx + dy : nd->op == A_SUB ? dx - dy : nd->op == A_MUL ? dx * dy : dx / dy;
  }
  return row_out_finish(&o, out, st, err);
}

static bool numeric_array(const val *v) {
  if (v->kind != V_ARRAY) return false;
  qv_type_id id = qv_type_storage(v->array->type)->id;
  return qv_type_is_integer(id) || id == QV_TYPE_FLOAT32 || id == QV_TYPE_FLOAT64;
}

static qv_scalar number_scalar(const val *v) {
  qv_scalar s;
  memset(&s, 0, sizeof s);
  s.kind = v->is_int ? QV_SCALAR_INT : QV_SCALAR_FLOAT;
  if (v->is_int) s.value.i = v->i;
  else s.value.f = v->f;
  return s;
}

static qv_compare_op flipped(qv_compare_op op) {
  switch (op) {
    case QV_CMP_LESS: return QV_CMP_GREATER;
    case QV_CMP_LESS_EQUAL: return QV_CMP_GREATER_EQUAL;
    case QV_CMP_GREATER: return QV_CMP_LESS;
    case QV_CMP_GREATER_EQUAL: return QV_CMP_LESS_EQUAL;
    default: return op;
  }
}

/* Tries the compute kernel; QV_ERR_TYPE / QV_ERR_OUT_OF_RANGE from it
 * (types it does not take) send the caller to the row-by-row path. */
static qv_status kernel_binary(const node *nd, const val *a, const val *b, val *out, qv_error *err, bool *used) {
  qv_status st = QV_ERR_TYPE;
  qv_error scratch;
  *used = false;
  out->kind = V_ARRAY;
  out->array = NULL;
  bool arith = nd->kind == N_ARITH;
  if (arith && nd->op == A_DIV) return QV_OK;
  if (numeric_array(a) && numeric_array(b) && qv_type_equals(a->array->type, b->array->type, false)) {
    st = arith ? qv_compute_arithmetic((qv_arith_op)nd->op, true, a->array, b->array, &out->array, &scratch)
               : qv_compute_compare((qv_compare_op)nd->op, a->array, b->array, &out->array, &scratch);
  } else if (numeric_array(a) && b->kind == V_NUMBER) {
    qv_scalar s = number_scalar(b);
    st = arith ? qv_compute_arithmetic_scalar((qv_arith_op)nd->op, true, a->array, &s, &out->array, &scratch)
               : qv_compute_compare_scalar((qv_compare_op)nd->op, a->array, &s, &out->array, &scratch);
  } else if (!arith && a->kind == V_NUMBER && numeric_array(b)) {
    qv_scalar s = number_scalar(a);
    st = qv_compute_compare_scalar(flipped((qv_compare_op)nd->op), b->array, &s, &out->array, &scratch);
  } else if (arith && nd->op != A_SUB && a->kind == V_NUMBER && numeric_array(b)) {
    qv_scalar s = number_scalar(a); /* + and * commute */
    st = qv_compute_arithmetic_scalar((qv_arith_op)nd->op, true, b->array, &s, &out->array, &scratch);
  }
  if (st == QV_ERR_TYPE || st == QV_ERR_OUT_OF_RANGE) return QV_OK;
  if (st != QV_OK) {
    if (err != NULL) *err = scratch;
    qv_error_prefix(err, "--where (character %d): ", nd->offset);
    return st;
  }
  *used = true;
  return QV_OK;
}

/* Row r of a boolean operand: 1 true, 0 false, -1 null. */
static int truth(const val *v, int64_t r) {
  switch (v->kind) {
    case V_BOOL: return v->b;
    case V_ARRAY:
      if (!qv_array_is_valid(v->array, r)) return -1;
      return qv_bit_get(qv_array_buffer_data(v->array, 1), v->array->offset + r);
    default: return -1;
  }
}

static bool is_boolean(const val *v) {
  return v->kind == V_BOOL || v->kind == V_NULL || (v->kind == V_ARRAY && v->array->type->id == QV_TYPE_BOOL);
}

static qv_status eval(evaluator *e, int k, val *out);

static qv_status logic(evaluator *e, const node *nd, val *out) {
  val a, b;
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  a.kind = b.kind = V_NULL;
  int64_t n = e->batch->length;
  qv_status st = eval(e, nd->a, &a);
  if (st == QV_OK && nd->kind != N_NOT) st = eval(e, nd->b, &b);
  if (st == QV_OK && (!is_boolean(&a) || (nd->kind != N_NOT && !is_boolean(&b))))
    st = qv_error_set(e->err, QV_ERR_TYPE, "--where: '%s' needs true/false operands (character %d)",
                      nd->kind == N_AND ? "and" : nd->kind == N_OR ? "or" : "not", nd->offset);
  row_out o;
  if (st == QV_OK) st = row_out_init(&o, n, true, e->err);
  else {
    val_free(&a);
    val_free(&b);
    return st;
  }
  for (int64_t r = 0; r < n && st == QV_OK; r++) {
    int x = truth(&a, r), y = nd->kind == N_NOT ? 0 : truth(&b, r), res;
    if (nd->kind == N_NOT) res = x < 0 ? -1 : !x;
    else if (nd->kind == N_AND) res = (x == 0 || y == 0) ? 0 : (x < 0 || y < 0) ? -1 : 1;
    else res = (x == 1 || y == 1) ? 1 : (x < 0 || y < 0) ? -1 : 0;
    if (res < 0) {
      o.nulls++;
      continue;
    }
    qv_bit_set(o.validity->data, r);
    if (res) qv_bit_set(o.values->data, r);
  }
  val_free(&a);
  val_free(&b);
  return row_out_finish(&o, out, st, e->err);
}

static qv_status eval(evaluator *e, int k, val *out) {
  const node *nd = &e->q->nodes[k];
  int64_t n = e->batch->length;
  memset(out, 0, sizeof *out);
  switch (nd->kind) {
    case N_COLUMN:
      out->kind = V_ARRAY;
      out->array = qv_array_retain(e->batch->columns[nd->column]);
      return QV_OK;
    case N_NUMBER:
      out->kind = V_NUMBER;
      out->is_int = nd->is_int;
      out->i = nd->i;
      out->f = nd->f;
      return QV_OK;
    case N_STRING:
      out->kind = V_STRING;
      out->s = nd->str;
      out->s_len = nd->str_len;
      return QV_OK;
    case N_BOOL:
      out->kind = V_BOOL;
      out->b = nd->b_value;
      return QV_OK;
    case N_NULL: out->kind = V_NULL; return QV_OK;
    case N_AND:
    case N_OR:
    case N_NOT: return logic(e, nd, out);
    case N_IS_NULL: {
      val a;
      QV_RETURN_IF_ERROR(eval(e, nd->a, &a));
      if (a.kind != V_ARRAY) {
        out->kind = V_BOOL;
        out->b = (a.kind == V_NULL) != nd->negated;
        return QV_OK;
      }
      row_out o;
      qv_status st = row_out_init(&o, n, true, e->err);
      for (int64_t r = 0; r < n && st == QV_OK; r++) {
        qv_bit_set(o.validity->data, r);
        if (qv_array_is_valid_any(a.array, r) == nd->negated) qv_bit_set(o.values->data, r);
      }
      val_free(&a);
      return row_out_finish(&o, out, st, e->err);
    }
    case N_NEGATE: {
      val a, zero;
      memset(&zero, 0, sizeof zero);
      zero.kind = V_NUMBER;
      zero.is_int = true;
      QV_RETURN_IF_ERROR(eval(e, nd->a, &a));
      if (a.kind == V_NUMBER) {
        *out = a;
        if (a.is_int && a.i == INT64_MIN) {
          out->is_int = false;
          out->f = -(double)a.i;
        } else {
          out->i = -a.i;
          out->f = -a.f;
        }
        return QV_OK;
      }
      node sub = *nd;
      sub.kind = N_ARITH;
      sub.op = A_SUB;
      bool used = false;
      qv_status st = QV_OK;
      if (numeric_array(&a)) { /* 0 - x through the row path keeps it simple and exact for ints */
        st = arith_rows(&sub, &zero, &a, n, out, e->err);
        used = true;
      }
      if (!used && st == QV_OK) {
        if (a.kind == V_NULL) out->kind = V_NULL;
        else st = qv_error_set(e->err, QV_ERR_TYPE, "--where: '-' needs a number (character %d)", nd->offset);
      }
      val_free(&a);
      return st;
    }
    case N_ARITH:
    case N_COMPARE: {
      val a, b;
      QV_RETURN_IF_ERROR(eval(e, nd->a, &a));
      qv_status st = eval(e, nd->b, &b);
      if (st != QV_OK) {
        val_free(&a);
        return st;
      }
      if (a.kind == V_NULL || b.kind == V_NULL) {
        out->kind = V_NULL;
      } else if (a.kind != V_ARRAY && b.kind != V_ARRAY) {
        /* two literals: evaluate on one row, then read the constant back */
        val one;
        st = nd->kind == N_ARITH ? arith_rows(nd, &a, &b, 1, &one, e->err) : compare_rows(nd, &a, &b, 1, &one, e->err);
        if (st == QV_OK) {
          if (!qv_array_is_valid(one.array, 0)) out->kind = V_NULL;
          else if (nd->kind == N_ARITH) {
            out->kind = V_NUMBER;
            out->f = qv_array_values_float64(one.array)[0];
          } else {
            out->kind = V_BOOL;
            out->b = qv_bit_get(qv_array_buffer_data(one.array, 1), 0);
          }
          val_free(&one);
        }
      } else {
        bool used = false;
        st = kernel_binary(nd, &a, &b, out, e->err, &used);
        if (st == QV_OK && !used)
          st = nd->kind == N_ARITH ? arith_rows(nd, &a, &b, n, out, e->err) : compare_rows(nd, &a, &b, n, out, e->err);
      }
      val_free(&a);
      val_free(&b);
      return st;
    }
  }
  return qv_error_set(e->err, QV_ERR_INVALID_ARGUMENT, "--where: bad expression node");
}

qv_status cli_query_filter(const cli_query *q, qv_batch *in, qv_batch **out, qv_error *err) {
  evaluator e = {q, in, err};
  val mask;
  *out = NULL;
  QV_RETURN_IF_ERROR(eval(&e, q->root, &mask));
  if (!is_boolean(&mask)) {
    val_free(&mask);
    return qv_error_set(err, QV_ERR_TYPE, "--where: the condition is not true/false (a comparison is missing?)");
  }
  if (mask.kind != V_ARRAY) { /* a constant: every row or none */
    bool all = mask.kind == V_BOOL && mask.b;
    return all ? (*out = qv_batch_retain(in), QV_OK) : qv_batch_slice(in, 0, 0, out, err);
  }
  qv_array **cols = calloc((size_t)(in->n_columns > 0 ? in->n_columns : 1), sizeof *cols);
  qv_status st = cols == NULL ? qv_error_set(err, QV_ERR_NO_MEMORY, "out of memory") : QV_OK;
  int64_t kept = 0;
  for (int64_t r = 0; r < mask.array->length && st == QV_OK; r++) kept += truth(&mask, r) == 1;
  for (int32_t c = 0; c < in->n_columns && st == QV_OK; c++) {
    st = qv_compute_filter(in->columns[c], mask.array, QV_FILTER_DROP, &cols[c], err);
    if (st != QV_OK) qv_error_prefix(err, "column '%s': ", in->schema->fields[c]->name);
  }
  if (st == QV_OK) st = qv_batch_new(in->schema, kept, cols, NULL, out, err);
  for (int32_t c = 0; cols != NULL && c < in->n_columns; c++) qv_array_release(cols[c]);
  free(cols);
  val_free(&mask);
  return st;
}

/* ======================= --sort ======================= */

qv_status cli_sort_parse(const char *text, const qv_schema *schema, cli_sort_spec *out, qv_error *err) {
  memset(out, 0, sizeof *out);
  const char *colon = strrchr(text, ':');
  size_t n = colon != NULL ? (size_t)(colon - text) : strlen(text);
  out->order = QV_SORT_ASCENDING;
  if (colon != NULL) {
    if (strcasecmp(colon + 1, "desc") == 0) out->order = QV_SORT_DESCENDING;
    else if (strcasecmp(colon + 1, "asc") != 0)
      return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "--sort: '%s' after ':' is neither asc nor desc", colon + 1);
  }
  if (n == 0 || n >= sizeof out->column)
    return qv_error_set(err, QV_ERR_INVALID_ARGUMENT, "--sort wants COLUMN[:desc], not '%s'", text);
  memcpy(out->column, text, n);
  out->column[n] = '\0';
  if (qv_schema_field_index(schema, out->column) < 0)
    return qv_error_set(err, QV_ERR_NOT_FOUND, "--sort: unknown column '%s'", out->column);
  out->active = true;
  return QV_OK;
}

qv_status cli_sort_apply(const cli_sort_spec *s, qv_schema *schema, qv_batch *const *batches, int64_t n,
                         int64_t limit, const cli_projection *proj, qv_table **out, qv_error *err) {
  qv_table *all = NULL, *sorted = NULL, *cut = NULL;
  qv_batch *projected = NULL;
  qv_table_sort_key key = {s->column, s->order, QV_NULLS_AT_END};
  *out = NULL;
  qv_status st = qv_table_new(schema, batches, n, &all, err);
  if (st == QV_OK) st = qv_compute_sort_table(all, &key, 1, &sorted, err);
  if (st == QV_OK && limit >= 0 && limit < sorted->n_rows) st = qv_table_slice(sorted, 0, limit, &cut, err);
  else if (st == QV_OK) cut = qv_table_retain(sorted);
  if (st == QV_OK && proj != NULL && cut->n_batches > 0) {
    st = cli_projection_apply(proj, cut->batches[0], &projected, err);
    if (st == QV_OK) st = qv_table_new(proj->schema, &projected, 1, out, err);
  } else if (st == QV_OK && proj != NULL) {
    st = qv_table_new(proj->schema, NULL, 0, out, err);
  } else if (st == QV_OK) {
    *out = qv_table_retain(cut);
  }
  qv_batch_release(projected);
  qv_table_release(cut);
  qv_table_release(sorted);
  qv_table_release(all);
  return st;
}
