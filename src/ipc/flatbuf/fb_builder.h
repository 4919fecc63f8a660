/* quiver: one-pass FlatBuffers builder for Arrow IPC metadata.
 *
 * Builds back to front, like the reference builder: data grows downward
 * from the end of one buffer, so every object is finished before the object
 * that points at it, and a reference (qv_fb_ref) is the object's distance
 * from the end of the buffer, which never changes as the buffer grows.
 * Children therefore come first: create strings, vectors and sub-tables,
 * then start the table that refers to them. Only one table or vector may be
 * open at a time, and nothing else may be created while one is open.
 *
 * Errors are sticky: the first failure (QV_ERR_NO_MEMORY, QV_ERR_LIMIT past
 * 2 GiB, QV_ERR_INVALID_ARGUMENT on misuse) is recorded, every later call
 * returns it and does nothing, and qv__fb_builder_finish reports it with a
 * message. Callers may check each call or only the finish.
 *
 * Reuse: qv__fb_builder_reset keeps all memory, so a writer that resets one
 * builder per message allocates nothing once the buffer has grown to its
 * largest message. Vtables are deduplicated against the most recent
 * QV_FB_VTABLE_CACHE vtables of the current buffer.
 */
#ifndef QV_IPC_FLATBUF_FB_BUILDER_H
#define QV_IPC_FLATBUF_FB_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quiver/status.h"

/* Reference to a finished object: its distance from the end of the buffer.
 * 0 means "none" (adding it to a table leaves the field absent). */
typedef uint32_t qv_fb_ref;

/* Allocator hook: like realloc, and frees when size == 0 (returning NULL). */
typedef void *(*qv_fb_realloc_fn)(void *ctx, void *ptr, size_t size);

#define QV_FB_MAX_SLOTS 64     /* highest table slot + 1 the builder accepts */
#define QV_FB_VTABLE_CACHE 32  /* recent vtables considered for deduplication */

typedef struct qv_fb_builder {
  uint8_t *buf;       /* storage; the content is the last `used` bytes */
  size_t cap;         /* bytes allocated at buf */
  size_t used;        /* bytes written so far (from the end) */
  size_t minalign;    /* largest alignment requested; the final size is a multiple */
  size_t max_size;    /* size limit, QV_FB_MAX_BUFFER_SIZE (2 GiB - 1) by default */
  qv_status status;   /* sticky first error, QV_OK while healthy */
  char fail[96];      /* what failed, for qv__fb_builder_finish's message */

  bool in_table;              /* between start_table and end_table */
  bool in_vector;             /* between start_vector and end_vector */
  bool force_defaults;        /* store scalars even when equal to their default */
  size_t table_start;         /* `used` when the open table was started */
  unsigned nslots;            /* highest slot added to the open table + 1 */
  uint32_t field[QV_FB_MAX_SLOTS]; /* slot -> ref of its value, 0 = absent */
  uint32_t vec_count;         /* open vector: element count */

  uint32_t vtables[QV_FB_VTABLE_CACHE]; /* refs of recent vtables (ring) */
  unsigned nvtables;                    /* entries used in the ring (<= cache size) */
  unsigned vtable_next;                 /* next ring slot to overwrite */

  qv_fb_ref *stack;   /* scratch stack of refs (qv__fb_push_ref) */
  size_t nstack;
  size_t stack_cap;

  qv_fb_realloc_fn realloc_fn; /* allocator (default: realloc/free) */
  void *alloc_ctx;
} qv_fb_builder;

/* Initialises an empty builder; allocates nothing. */
void qv__fb_builder_init(qv_fb_builder *b);
/* Sets the allocator; call before the first allocation. */
void qv__fb_builder_set_allocator(qv_fb_builder *b, qv_fb_realloc_fn fn, void *ctx);
/* Forgets the content and any error, keeps the memory for reuse. */
void qv__fb_builder_reset(qv_fb_builder *b);
/* Frees all memory; the builder may be re-initialised. */
void qv__fb_builder_free(qv_fb_builder *b);
/* The sticky status (QV_OK while healthy). */
qv_status qv__fb_builder_status(const qv_fb_builder *b);
/* Reports the sticky error into err ("flatbuffer builder: ...") and returns
 * it; QV_OK (err untouched) while healthy. */
qv_status qv__fb_builder_error(const qv_fb_builder *b, qv_error *err);
/* When true, scalars equal to their default are still written. */
void qv__fb_builder_force_defaults(qv_fb_builder *b, bool on);

/* ---- leaf objects (no table or vector may be open) ---- */

/* A string of n bytes (NUL appended); s may hold embedded NULs. */
qv_status qv__fb_create_string(qv_fb_builder *b, const char *s, size_t n, qv_fb_ref *out);
/* A vector of `count` elements of `elem_size` bytes already in little-endian
 * order (ubytes, structs), the data aligned to `align` (a power of two). */
qv_status qv__fb_create_vector(qv_fb_builder *b, const void *elems, size_t count, size_t elem_size,
                              size_t align, qv_fb_ref *out);
qv_status qv__fb_create_vector_int32(qv_fb_builder *b, const int32_t *v, size_t count,
                                    qv_fb_ref *out);
qv_status qv__fb_create_vector_int64(qv_fb_builder *b, const int64_t *v, size_t count,
                                    qv_fb_ref *out);
/* A vector of offsets to finished objects (tables or strings). */
qv_status qv__fb_create_vector_refs(qv_fb_builder *b, const qv_fb_ref *refs, size_t count,
                                   qv_fb_ref *out);

/* In-place vector: reserves `count` zeroed elements and returns them in
 * *elems (element 0 first) to fill with qv_fb_store_* (fb_endian.h). The
 * pointer is valid until the next builder call; then call end_vector. */
qv_status qv__fb_start_vector(qv_fb_builder *b, size_t count, size_t elem_size, size_t align,
                             uint8_t **elems);
qv_status qv__fb_end_vector(qv_fb_builder *b, qv_fb_ref *out);

/* Scratch stack for building offset vectors during recursion without
 * allocating: push each child's ref, then turn the top `count` refs (in push
 * order) into a vector, popping them. */
qv_status qv__fb_push_ref(qv_fb_builder *b, qv_fb_ref ref);
qv_status qv__fb_create_vector_from_stack(qv_fb_builder *b, size_t count, qv_fb_ref *out);

/* ---- tables ---- */

qv_status qv__fb_start_table(qv_fb_builder *b);
/* Scalars: skipped when value == def (unless force_defaults). */
qv_status qv__fb_add_bool(qv_fb_builder *b, unsigned slot, bool v, bool def);
qv_status qv__fb_add_int8(qv_fb_builder *b, unsigned slot, int8_t v, int8_t def);
qv_status qv__fb_add_uint8(qv_fb_builder *b, unsigned slot, uint8_t v, uint8_t def);
qv_status qv__fb_add_int16(qv_fb_builder *b, unsigned slot, int16_t v, int16_t def);
qv_status qv__fb_add_int32(qv_fb_builder *b, unsigned slot, int32_t v, int32_t def);
qv_status qv__fb_add_int64(qv_fb_builder *b, unsigned slot, int64_t v, int64_t def);
/* Offset to a finished object; ref 0 leaves the field absent. */
qv_status qv__fb_add_offset(qv_fb_builder *b, unsigned slot, qv_fb_ref ref);
/* Union: tag in `type_slot`, value in `type_slot + 1`. tag 0 (NONE) or ref 0
 * adds nothing. */
qv_status qv__fb_add_union(qv_fb_builder *b, unsigned type_slot, uint8_t tag, qv_fb_ref ref);
qv_status qv__fb_end_table(qv_fb_builder *b, qv_fb_ref *out);

/* ---- finishing ---- */

/* Writes the root offset and returns the finished buffer in *data / *len
 * (owned by the builder, valid until the next reset/free; *len is a
 * multiple of the largest alignment used). On a sticky error, returns it
 * with a message in err. */
qv_status qv__fb_builder_finish(qv_fb_builder *b, qv_fb_ref root, const uint8_t **data, size_t *len,
                               qv_error *err);

#endif
