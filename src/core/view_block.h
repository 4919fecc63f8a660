/* quiver core: blocks of buffer views (implemented in core/buffer.c).
 * Internal header.
 *
 * A qv__view_block is one allocation holding up to `cap` qv_buffer views
 * over one parent, for readers that cut many views from one body (IPC),
 * and an arena of `arena` bytes for other structs of the same batch (the
 * arrays' own structs, core/array.c, and the batch's, core/batch.c). Each
 * view taken from it is an ordinary qv_buffer: retained, released, sliced
 * and viewed on its own.
 * The block, and its reference to the parent's root, lives until its
 * creator has called qv__view_block_release and every view and arena piece
 * taken from it has been released. When the block is full, take falls back
 * to a separately allocated qv_buffer_view (and qv__view_block_alloc
 * returns NULL: the caller allocates alone).
 */
#ifndef QV_CORE_VIEW_BLOCK_H
#define QV_CORE_VIEW_BLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "quiver/memory.h"
#include "quiver/status.h"

typedef struct qv__view_block qv__view_block;

/* A block for up to cap views of parent (retains parent's root; parent may
 * be NULL for a block used only for its arena) and `arena` bytes. */
qv_status qv__view_block_new(qv_buffer *parent, int32_t cap, size_t arena, qv__view_block **out, qv_error *err);
/* A view of parent bytes [offset, offset + size) (QV_ERR_OUT_OF_RANGE if
 * outside). Caller owns *out. */
qv_status qv__view_block_take(qv__view_block *b, int64_t offset, int64_t size, qv_buffer **out, qv_error *err);
/* n zeroed bytes of the arena (8-byte aligned), NULL when they do not fit.
 * Each piece holds a reference to the block: give it back with
 * qv__view_block_release when the struct placed there is done. */
void *qv__view_block_alloc(qv__view_block *b, size_t n);
/* The same without zeroing, for a caller that writes every byte. */
void *qv__view_block_alloc_raw(qv__view_block *b, size_t n);
/* Whether every view of the block has been taken. */
bool qv__view_block_full(const qv__view_block *b);
/* How many more views the block holds. */
int32_t qv__view_block_room(const qv__view_block *b);
/* Another reference for the creator (released with qv__view_block_release). */
qv__view_block *qv__view_block_retain(qv__view_block *b);
/* Drops the creator's reference (accepts NULL). */
void qv__view_block_release(qv__view_block *b);

#endif
