/* quiver: the verifier's fast path for the commonest message, a plain
 * RecordBatch Message.
 *
 * The generic verifier (fb_verify.c) walks descriptor tables, which costs
 * about a thousand instructions for a batch message: most of a small
 * read. Almost every batch message has one shape: a Message table whose
 * header is a RecordBatch, with no custom_metadata, and a RecordBatch with
 * no compression and no fields newer than this code. For that shape alone
 * this file makes the very checks the generic verifier would make (the
 * same bounds, alignments, vtable rules and union agreement, in the same
 * 64-bit arithmetic), straight-line.
 *
 * Invariant: it accepts a subset of what qv__fb_verify accepts with the
 * Message descriptor. It never reports an error: anything it does not
 * accept (another shape, or bytes that may be malformed) goes to the
 * generic verifier, which decides and words the error. So the guarantees
 * and the messages of verification are unchanged; a test mutates batch
 * messages byte by byte and checks that whatever this accepts, the
 * generic verifier accepts too.
 */
#include "ipc/flatbuf/fb_verify_batch.h"

#include "ipc/flatbuf/fb_arrow.h"
#include "ipc/flatbuf/fb_endian.h"
#include "ipc/flatbuf/fb_reader.h"

/* Both tables of this shape have five known slots. */
#define KNOWN_SLOTS 5
_Static_assert(FB_MESSAGE_CUSTOM_METADATA + 1 == KNOWN_SLOTS && FB_RECORD_BATCH_VARIADIC_BUFFER_COUNTS + 1 == KNOWN_SLOTS,
               "Message and RecordBatch have five slots each");

/* A table's facts, once its shape checks passed: where it is, its inline
 * size and the vtable entry of each known slot (0: absent). */
typedef struct shape {
  uint64_t pos;
  uint32_t size;
  uint32_t entry[KNOWN_SLOTS];
} shape;

/* The table checks of verify_table (position, vtable bounds, size and
 * alignment, every entry inside the table), for a table of at most
 * KNOWN_SLOTS slots (more entries: not this fast path's shape). */
static bool table_ok(const uint8_t *buf, uint64_t len, uint64_t pos, shape *t) {
  if (pos % 4 != 0 || pos + 4 > len) return false;
  const int64_t vt = (int64_t)pos - (int64_t)qv_fb_load_i32(buf + pos);
  if (vt < 0 || (uint64_t)vt + 4 > len || vt % 2 != 0) return false;
  const uint32_t vt_size = qv_fb_load_u16(buf + vt);
  t->pos = pos;
  t->size = qv_fb_load_u16(buf + vt + 2);
  if (vt_size < 4 || vt_size % 2 != 0 || (uint64_t)vt + vt_size > len) return false;
  if (t->size < 4 || pos + t->size > len) return false;
  const unsigned n = (vt_size - 4u) / 2u;
  if (n > KNOWN_SLOTS) return false;
  for (unsigned i = 0; i < KNOWN_SLOTS; i++) {
    const uint32_t off = i < n ? qv_fb_load_u16(buf + vt + 4 + 2 * i) : 0;
    if (off != 0 && (off < 4 || off >= t->size)) return false;
    t->entry[i] = off;
  }
  return true;
}

/* A present scalar of `size` bytes fits the table and is aligned. */
static bool scalar_ok(const shape *t, unsigned slot, uint32_t size) {
  const uint32_t off = t->entry[slot];
  return off == 0 || (off + size <= t->size && (t->pos + off) % size == 0);
}

/* A present uoffset_t slot: inside the table, 4-aligned, pointing forward
 * to a byte inside the buffer. *target is 0 when the slot is absent. */
static bool offset_ok(const uint8_t *buf, uint64_t len, const shape *t, unsigned slot, uint64_t *target) {
  *target = 0;
  const uint32_t off = t->entry[slot];
  if (off == 0) return true;
  const uint64_t at = t->pos + off;
  if (off + 4 > t->size || at % 4 != 0) return false;
  const uint32_t u = qv_fb_load_u32(buf + at);
  if (u == 0 || u > QV_FB_MAX_BUFFER_SIZE || at + u >= len) return false;
  *target = at + u;
  return true;
}

/* A vector of n elements of elem_size bytes, aligned to elem_align, inside
 * the buffer (absent slots pass). */
static bool vector_ok(const uint8_t *buf, uint64_t len, const shape *t, unsigned slot, uint32_t elem_size,
                      uint32_t elem_align) {
  uint64_t at;
  if (!offset_ok(buf, len, t, slot, &at)) return false;
  if (at == 0) return true;
  if (at % 4 != 0 || at + 4 > len) return false;
  const uint32_t n = qv_fb_load_u32(buf + at);
  const uint64_t data = at + 4;
  if (n != 0 && data % elem_align != 0) return false;
  return (uint64_t)n * elem_size <= len - data;
}

bool qv__fb_batch_message_plain(const uint8_t *buf, size_t len) {
  if (buf == NULL || len < 4 || len > QV_FB_MAX_BUFFER_SIZE) return false;
  const uint32_t root = qv_fb_load_u32(buf);
  if (root == 0 || (uint64_t)root + 4 > len) return false;
  shape m, b;
  if (!table_ok(buf, len, root, &m)) return false;
  /* Message: version (short), header_type (ubyte) = RecordBatch with its
   * header present, header, bodyLength (long), no custom_metadata. */
  const uint32_t tag_off = m.entry[FB_MESSAGE_HEADER_TYPE];
  if (tag_off == 0 || tag_off + 1 > m.size || buf[m.pos + tag_off] != FB_HEADER_RECORD_BATCH) return false;
  if (!scalar_ok(&m, FB_MESSAGE_VERSION, 2) || !scalar_ok(&m, FB_MESSAGE_BODY_LENGTH, 8)) return false;
  if (m.entry[FB_MESSAGE_CUSTOM_METADATA] != 0) return false;
  uint64_t header;
  if (!offset_ok(buf, len, &m, FB_MESSAGE_HEADER, &header) || header == 0) return false;
  /* RecordBatch: length (long), nodes and buffers (16-byte structs; the
   * verifier asks 4-byte alignment of them, see fb_verify.c),
   * variadicBufferCounts (longs), no compression. */
  if (!table_ok(buf, len, header, &b)) return false;
  if (!scalar_ok(&b, FB_RECORD_BATCH_LENGTH, 8)) return false;
  if (b.entry[FB_RECORD_BATCH_COMPRESSION] != 0) return false;
  return vector_ok(buf, len, &b, FB_RECORD_BATCH_NODES, FB_FIELD_NODE_SIZE, 4) &&
         vector_ok(buf, len, &b, FB_RECORD_BATCH_BUFFERS, FB_BUFFER_SIZE, 4) &&
         vector_ok(buf, len, &b, FB_RECORD_BATCH_VARIADIC_BUFFER_COUNTS, 8, 8);
}
