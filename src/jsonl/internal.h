/* quiver jsonl: internals shared by the parser (parse.c), the shapes
 * (shape.c), the scalar conversions (values.c) and the reader's entry
 * points (read.c). Not installed.
 *
 * A "shape" is what the reader knows about one column path: its JSON kind
 * (inferred, or fixed by the explicit schema's type), for a list its item
 * shape, for a struct its member shapes in order of first appearance. The
 * reader walks the text twice with one recursive parser: pass 1 unifies
 * every value into the shapes (inference), pass 2 appends every value to
 * the builders bound to the shapes. Pass 1 is skipped when the schema fixes
 * everything (no inference can happen).
 */
#ifndef QUIVER_JSONL_INTERNAL_H
#define QUIVER_JSONL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/internal.h"
#include "quiver/builder.h"
#include "quiver/jsonl.h"

/* Inferred kinds, in pyarrow's words for messages. */
typedef enum qv__jsonl_kind {
  QV__JSONL_NULL = 0, /* only nulls seen so far */
  QV__JSONL_BOOL,
  QV__JSONL_INT,       /* number, every one an integer in int64 */
  QV__JSONL_FLOAT,     /* number, some with a fraction/exponent */
  QV__JSONL_TIMESTAMP, /* string, every one an ISO-8601 timestamp in seconds */
  QV__JSONL_STRING,
  QV__JSONL_LIST,
  QV__JSONL_STRUCT
} qv__jsonl_kind;

typedef struct qv__jsonl_shape qv__jsonl_shape;

struct qv__jsonl_shape {
  qv__jsonl_kind kind;
  /* Type fixed by the explicit schema (owned reference), else NULL; for
   * fixed lists and structs the children are fixed too (a fixed struct may
   * still gain inferred members, see `closed`). */
  qv_type *fixed;
  /* Struct: members the text names but the shape lacks are not added
   * (schema given and unexpected_fields is ignore or error). */
  bool closed;
  qv__jsonl_shape *item; /* list: the items (owned) */
  /* struct: members in order (owned), names NUL-terminated and followed by
   * at least 7 more NULs (owned) */
  int32_t n_members, members_cap;
  qv__jsonl_shape **members;
  char **names;
  int64_t *name_lens;
  /* whether the name is written in JSON as it is (no byte needs an
   * escape): then the text "name" is that member, compared raw */
  bool *name_plain;
  /* struct, pass 2: the generation in which each member was last given a
   * value (a row's object bumps `generation`), to append null to the rest
   * and to spot duplicate keys without clearing per object. */
  uint64_t *seen;
  uint64_t generation;
  int32_t hint; /* member expected next (members usually come in order) */
  /* struct: a hash index of the names once there are many members (slots
   * hold member + 1, 0 = empty; index_cap a power of two, at least twice
   * n_members), so that an object with k distinct keys costs O(k), not a
   * scan of every earlier member per key (O(k^2)); NULL below the
   * threshold or when it could not be allocated (then the scan serves). */
  int32_t *index;
  int64_t index_cap;
  /* Names compared by qv__jsonl_shape_find (a count for the tests). */
  int64_t name_compares;
  qv_type *type;       /* pass 2: the type built (owned reference) */
  qv_builder *builder; /* pass 2: borrowed (the root's members own theirs) */
};

qv__jsonl_shape *qv__jsonl_shape_new(qv__jsonl_kind kind);
void qv__jsonl_shape_free(qv__jsonl_shape *s);
/* The shape a schema type fixes (lists and structs recursively).
 * QV_ERR_NOT_IMPLEMENTED naming `path` for a type JSON Lines cannot read. */
qv_status qv__jsonl_shape_from_type(qv_type *type, const char *path, qv__jsonl_shape **out, qv_error *err);
/* Index of member name[0, len) of struct shape s, or -1. */
int32_t qv__jsonl_shape_find(qv__jsonl_shape *s, const char *name, int64_t len);
/* Appends a member (shape taken over even on error). */
qv_status qv__jsonl_shape_add(qv__jsonl_shape *s, const char *name, int64_t len, qv__jsonl_shape *member,
                              qv_error *err);
/* Makes s->type for s and its children (fixed types kept, structs rebuilt
 * with any inferred members) and allocates the structs' `seen` arrays. */
qv_status qv__jsonl_shape_finish_types(qv__jsonl_shape *s, qv_error *err);
/* A deep copy of what pass 1 knows (kinds, fixed types, members); no
 * types or builders. NULL when out of memory. */
qv__jsonl_shape *qv__jsonl_shape_clone(const qv__jsonl_shape *src);
/* Unifies src (pass 1 over another part of the input) into dst: kinds by
 * the parser's rules, members missing from dst appended in src's order.
 * QV_ERR_INVALID_DATA when kinds conflict (no position: the caller reads
 * the input again in one part to report it). */
qv_status qv__jsonl_shape_merge(qv__jsonl_shape *dst, const qv__jsonl_shape *src, qv_error *err);
/* Binds builder b (built for s->type) to s and the children builders to
 * the children shapes. */
void qv__jsonl_shape_bind(qv__jsonl_shape *s, qv_builder *b);
/* "null", "boolean", "number", "string", "array", "object". */
const char *qv__jsonl_kind_json_name(qv__jsonl_kind kind);

/* ---- the parser (parse.c) ---- */

/* One component of the path being parsed, for messages: a member name or,
 * with len < 0, an array item ("[]"). */
typedef struct qv__jsonl_step {
  const char *name;
  int64_t len;
} qv__jsonl_step;

typedef struct qv__jsonl_parser {
  const uint8_t *base, *p, *end;
  const uint8_t *line_start; /* first byte of the line p is on */
  int64_t line;              /* 1-based line of p */
  bool build;                /* pass 2: append to builders; else infer */
  /* Pass 2 over shapes inferred from the first rows only: a value they
   * would have to change for (a member not seen, a kind not seen, an int
   * in an int column turning float) stops the pass with `diverged` set
   * and QV_ERR_INVALID_DATA, not an error message. */
  bool speculative;
  bool diverged;
  const uint8_t *row_start; /* the '{' of the row being parsed */
  /* Pass 1 on the first rows: no row starts at or past `stop` (NULL: every
   * row is read). */
  const uint8_t *stop;
  qv_jsonl_unexpected unexpected;
  int32_t max_depth;
  /* unescaped text of the last string read (when it had escapes) */
  char *scratch;
  size_t scratch_cap;
  qv__jsonl_step *path; /* max_depth + 1 steps */
  qv_error *err;
} qv__jsonl_parser;

/* Parses every row of the text into `root` (a struct shape): infers when
 * !build, else appends. Returns the number of rows in *rows. */
qv_status qv__jsonl_parse_rows(qv__jsonl_parser *ps, qv__jsonl_shape *root, int64_t *rows);

/* Sets ps->err to "JSONL line L, column C[ (/path)]: <message>" with the
 * position of `at`, and returns code. depth = steps of ps->path in use. */
qv_status qv__jsonl_fail_at(qv__jsonl_parser *ps, const uint8_t *at, int32_t depth, qv_status code,
                            const char *fmt, ...) QV_PRINTF(5, 6);

/* The reference reading (read.c): pass 1 over every row, then pass 2, on
 * one core; qv_jsonl_read_memory falls back to it on any failure. The
 * tests hold the faster reading to its results and messages. */
qv_status qv__jsonl_read_reference(const void *data, size_t size, const qv_jsonl_read_options *opts, qv_table **out,
                                   qv_error *err);
/* The sizes the faster reading works with: pass 1 reads the rows that
 * start in the first prefix_bytes (0: every row), and inputs of
 * parallel_min_bytes or more are read in two parts. */
typedef struct qv__jsonl_fast_sizes {
  size_t prefix_bytes;
  size_t parallel_min_bytes;
} qv__jsonl_fast_sizes;

/* The faster reading alone (read.c), with `sizes` (NULL: the defaults),
 * without that fallback: any failure, including the ones the reference
 * reading would report, is returned as is. For the tests and the fuzz
 * target: whatever it reads must equal the reference reading, and it must
 * read every valid input without a fallback whenever the text has one row
 * per line. */
qv_status qv__jsonl_read_fast(const void *data, size_t size, const qv_jsonl_read_options *opts,
                              const qv__jsonl_fast_sizes *sizes, qv_table **out, qv_error *err);

/* ---- scalar conversions into builders (values.c) ---- */

/* A JSON number as read: integer when is_int (value in i), else d. */
typedef struct qv__jsonl_number {
  bool is_int;
  int64_t i;
  double d;
} qv__jsonl_number;

/* Appends a number / string / bool to a builder of type t (the shape's
 * type). On a mismatch or out-of-range value returns QV_ERR_INVALID_DATA
 * with a message in why (no position: the parser adds it). */
qv_status qv__jsonl_append_number(qv_builder *b, const qv_type *t, const qv__jsonl_number *n, char *why,
                                  size_t why_cap);
qv_status qv__jsonl_append_string(qv_builder *b, const qv_type *t, const char *s, int64_t n, char *why,
                                  size_t why_cap);
qv_status qv__jsonl_append_bool(qv_builder *b, const qv_type *t, bool v, char *why, size_t why_cap);

#endif
