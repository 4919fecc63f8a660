/* quiver: schema-aware FlatBuffers verifier.
 *
 * The verifier walks a flatbuffer from its root using compact table
 * descriptors (one per Arrow table, in fb_arrow.c) that say, for each field
 * slot, what kind of value lives there. It must succeed before any accessor
 * in fb_reader.h is used on the buffer. Once it has, every table, vtable,
 * string, vector and union member reachable through the described slots is
 * known to be in bounds, aligned (relative to the start of the buffer) and
 * well formed, so the accessors can load without checks.
 *
 * Limits bound the work an adversarial buffer can cause: nesting depth of
 * tables (stack use) and the total number of table visits (a DAG of shared
 * children would otherwise be re-verified exponentially often).
 */
#ifndef QV_IPC_FLATBUF_FB_VERIFY_H
#define QV_IPC_FLATBUF_FB_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipc/flatbuf/fb_reader.h"
#include "quiver/status.h"

/* What a field slot holds. */
typedef enum qv_fb_kind {
  QV_FB_NONE = 0,    /* unused slot (deprecated/unknown): only its vtable entry is checked */
  QV_FB_SCALAR,      /* inline scalar of `size` bytes (1, 2, 4 or 8), aligned to its size */
  QV_FB_STRING,      /* offset to string */
  QV_FB_TABLE,       /* offset to table described by `table` */
  QV_FB_VEC_SCALAR,  /* offset to [scalar], `size` bytes each */
  QV_FB_VEC_STRUCT,  /* offset to [struct], `size` bytes each, aligned to `align` */
  QV_FB_VEC_TABLE,   /* offset to [table described by `table`] */
  QV_FB_VEC_STRING,  /* offset to [string] */
  QV_FB_UNION_TYPE,  /* ubyte union tag; its value is in the next slot (QV_FB_UNION) */
  QV_FB_UNION        /* offset to a member of `uni`, chosen by the previous slot's tag */
} qv_fb_kind;

struct qv_fb_table_desc;
struct qv_fb_union_desc;

/* One field slot. */
typedef struct qv_fb_slot_desc {
  const char *name;                      /* field name as in the .fbs, for messages */
  uint8_t kind;                          /* qv_fb_kind */
  uint8_t size;                          /* scalar or element size in bytes */
  uint8_t align;                         /* element alignment for QV_FB_VEC_STRUCT */
  const struct qv_fb_table_desc *table;  /* QV_FB_TABLE, QV_FB_VEC_TABLE */
  const struct qv_fb_union_desc *uni;    /* QV_FB_UNION */
} qv_fb_slot_desc;

/* One table type: slot i is slots[i]. Slots past nslots are unknown (newer
 * schema): their vtable entries are still checked to lie inside the table. */
typedef struct qv_fb_table_desc {
  const char *name;
  uint16_t nslots;
  const qv_fb_slot_desc *slots;
} qv_fb_table_desc;

/* A union type: members[tag] describes the table for that tag. Tags >=
 * nmembers or with a NULL entry (e.g. a type added by a newer Arrow, or
 * Tensor which quiver does not read) are verified as opaque tables: header
 * and vtable only, no fields. Tag 0 is NONE. */
typedef struct qv_fb_union_desc {
  const char *name;
  uint8_t nmembers;
  const qv_fb_table_desc *const *members;
} qv_fb_union_desc;

#define QV_FB_DEFAULT_MAX_DEPTH 64
#define QV_FB_DEFAULT_MAX_TABLES 1000000u

typedef struct qv_fb_verify_opts {
  uint32_t max_depth;  /* maximum table nesting, root = 1 (0: default 64) */
  uint64_t max_tables; /* maximum table visits, counting repeats (0: default 1e6) */
  /* Vectors of structs (FieldNode, Buffer, Block) need only 4-byte alignment
   * by default: flatbuffers-rust before google/flatbuffers#8150 was fixed
   * aligned them to 1 after the 4-byte length, so arrow-rs wrote them 4- but
   * not 8-aligned (apache/arrow-rs#5052), and Arrow C++ accepts that. Loads
   * are memcpy-based, so this is safe; set strict_alignment to demand the
   * struct's declared alignment anyway. */
  bool strict_alignment;
} qv_fb_verify_opts;

/* Verifies the flatbuffer buf[0, len) whose root table is described by
 * `root`. On success, *root_out (optional) is the root table. `opts` may be
 * NULL for defaults. Errors: QV_ERR_INVALID_DATA for malformed bytes,
 * QV_ERR_LIMIT when a depth/visit limit or the 2 GiB size is exceeded; the
 * message names the table, field and byte offset. */
qv_status qv__fb_verify(const uint8_t *buf, size_t len, const qv_fb_table_desc *root,
                       const qv_fb_verify_opts *opts, qv_fb_table *root_out, qv_error *err);

#endif
