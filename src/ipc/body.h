/* quiver IPC: message bodies <-> arrays. Internal header.
 *
 * Reading (body_read.c): a qv_body_loader walks the schema's fields in
 * pre-order, taking FieldNodes and Buffers from a decoded RecordBatch
 * header in the same order, and builds qv_arrays whose buffers are views of
 * the body (zero-copy) or, when they must be rewritten (decompressed,
 * byte-swapped, misaligned), fresh aligned buffers.
 *
 * Writing (body_write.c): a qv_body_plan flattens arrays into FieldNodes,
 * Buffer locations and a list of iovecs that, written in order, form the
 * body: pointers into the arrays' own buffers where the bytes can be sent
 * as they are, and into the plan's scratch arena for rewritten bytes
 * (rebased offsets, shifted bitmaps, compressed buffers, prefixes), with
 * zero padding between buffers.
 */
#ifndef QV_IPC_BODY_H
#define QV_IPC_BODY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "ipc/compression.h"
#include "ipc/dictionary_memo.h"
#include "ipc/metadata.h"
#include "quiver/array.h"
#include "quiver/status.h"

/* ------------------------------------------------------------------ */
/* Reading                                                              */
/* ------------------------------------------------------------------ */

typedef struct qv_body_loader {
  /* inputs */
  const qv_ipc_batch_header *header;
  qv_buffer *body;                     /* may be NULL when body_length is 0 */
  int64_t body_length;
  const qv_ipc_schema_info *schema;    /* dictionary slots */
  const qv_dict_memo *memo;            /* current dictionaries (NULL: none yet) */
  qv_codec_ctx *codec_ctx;             /* used when header->codec is set */
  int64_t budget;                      /* decompressed bytes still allowed */
  bool v4_unions;                      /* MetadataVersion V4: unions carry a validity slot */
  bool swap;                           /* body is big-endian: byte-swap to native */
  struct qv__view_block *views;        /* body views, one allocation (made at the first view) */
  size_t array_bytes;                  /* arena for the arrays' structs (qv__array_tree_bytes), 0: none */
  struct qv__view_block *arena;        /* the block whose arena holds them (made at first need) */
  bool arena_tried;                    /* made, or could not be: do not try again */
  /* cursors */
  uint32_t node_i, buffer_i, variadic_i;
  int32_t dict_i;                      /* next pre-order dictionary slot */
  /* field path for messages */
  int depth;
  const char *path[QV_IPC_MAX_FIELD_DEPTH + 2];
} qv_body_loader;

/* Prepares a loader (cursors at 0). Set array_bytes afterwards to place
 * the arrays' structs in one block. */
void qv__body_loader_init(qv_body_loader *l, const qv_ipc_batch_header *h, qv_buffer *body, int64_t body_length,
                         const qv_ipc_schema_info *schema, const qv_dict_memo *memo, qv_codec_ctx *codec_ctx,
                         int64_t budget, bool v4_unions);
/* Releases the loader's own references to its blocks of views and arrays
 * (the arrays and views it built keep theirs). Call once after the last
 * qv__body_load. */
void qv__body_loader_free(qv_body_loader *l);

/* Loads the next field (node, buffers, children) as an array of `type`
 * named `name` (for messages). Caller owns *out. */
qv_status qv__body_load(qv_body_loader *l, const char *name, qv_type *type, qv_array **out, qv_error *err);

/* After the last field: every node, buffer and variadic count must have
 * been used (QV_ERR_INVALID_DATA otherwise). */
qv_status qv__body_loader_finish(const qv_body_loader *l, qv_error *err);

/* The one-pass loader for schemas whose top-level fields are all flat
 * (body_flat.c). qv__flat_plan_buffers: the number of Buffers a batch of
 * `schema` carries when every field is flat, else 0 (computed once per
 * schema, kept in qv_ipc_schema_info.flat_buffers). */
int32_t qv__flat_plan_buffers(const qv_schema *schema);

/* Loads the RecordBatch `h` of a flat schema (info->flat_buffers > 0) into
 * cols[0, n_fields), every array's struct and buffer view in one block
 * (*block, with `arena` bytes for the arrays, the batch and a table; the
 * caller releases its reference). With `validate`, the structural checks
 * of validate/ are made too. *handled false: nothing was built, the
 * general loader must decide (this path accepts only what it would accept,
 * the same way). Errors only for allocation failures (then *handled). */
struct qv__view_block;
qv_status qv__body_load_flat(const qv_ipc_batch_header *h, qv_buffer *body, int64_t body_length,
                             const qv_ipc_schema_info *info, bool validate, size_t arena,
                             struct qv__view_block **block, qv_array **cols, bool *handled, qv_error *err);

/* Whether the flat path is off (QV_IPC_FLAT=0 in the environment, or the
 * test switch below): tests run both paths over the same bytes. */
bool qv__flat_plan_disabled(void);
void qv__flat_plan_set_disabled(bool disabled);

/* The static 16 zero bytes that stand for the offsets of an empty
 * binary/list array whose writer sent none (retain/release are no-ops). */
qv_buffer *qv__body_zero_offsets(void);

/* Number of pre-order dictionary slots a field of this type occupies
 * (itself if dictionary-encoded, plus those nested in its value type or
 * children). */
int32_t qv__body_dict_slots(const qv_type *type);

/* ------------------------------------------------------------------ */
/* Writing                                                              */
/* ------------------------------------------------------------------ */

typedef struct qv_arena_block {
  struct qv_arena_block *next;
  size_t cap, used;
  /* data follows, 64-byte aligned */
} qv_arena_block;

typedef struct qv_body_plan {
  /* configuration */
  int32_t alignment;       /* 8 or 64 */
  int codec;               /* QV_IPC_NO_COMPRESSION or FB_COMPRESSION_* */
  int level;
  qv_codec_ctx *codec_ctx;
  /* output of the current body */
  qv_ipc_field_node *nodes;
  uint32_t n_nodes, cap_nodes;
  qv_ipc_buffer_loc *buffers;
  uint32_t n_buffers, cap_buffers;
  int64_t *variadic;
  uint32_t n_variadic, cap_variadic;
  struct iovec *iov;
  int n_iov, cap_iov;
  int64_t body_length;     /* bytes the iovecs add up to (padded) */
  /* scratch for rewritten bytes: blocks kept across resets */
  qv_arena_block *arena;
  /* run_ends children whose every run end was found strictly increasing,
   * kept across resets so that writing many slices of one run-end encoded
   * column checks its run ends once; retained, so an address here cannot
   * be reused by another array (released by qv__body_plan_free) */
  struct qv_array *ree_checked[8];
  uint32_t ree_checked_next;
} qv_body_plan;

void qv__body_plan_init(qv_body_plan *p, int32_t alignment, int codec, int level, qv_codec_ctx *ctx);
/* Forgets the current body (keeps all memory). */
void qv__body_plan_reset(qv_body_plan *p);
void qv__body_plan_free(qv_body_plan *p);

/* Appends the nodes and buffers of `array` (one field, pre-order,
 * children included; dictionaries are NOT included: they travel in their
 * own DictionaryBatch). The plan points into the array's buffers: keep the
 * array alive until the body is written. */
qv_status qv__body_plan_add(qv_body_plan *p, const qv_array *array, qv_error *err);

/* The same for the window [start, start + length) of `array` (logical
 * slots), e.g. the new values of a dictionary delta. */
qv_status qv__body_plan_add_range(qv_body_plan *p, const qv_array *array, int64_t start, int64_t length,
                                 qv_error *err);

/* A description of the planned RecordBatch for the metadata encoder. */
void qv__body_plan_desc(const qv_body_plan *p, int64_t length, qv_ipc_batch_desc *out);

#endif
