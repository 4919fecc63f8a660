/* Internal to src/compute: bitmaps read and written a 64-bit word at a
 * time, whatever their bit offset (filter and take's fast paths).
 */
#ifndef QUIVER_SRC_COMPUTE_BIT_WORDS_H
#define QUIVER_SRC_COMPUTE_BIT_WORDS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Bits [bit0, bit0 + len) of a bitmap as words (len >= 0): word j holds
 * bits bit0 + 64j.., the bits of the last word past len are zero; with
 * and_into, each word is ANDed into words[j] instead of stored. Reads only
 * the bytes those bits live in. */
void qv__bitmap_words(const uint8_t *bits, int64_t bit0, int64_t len, uint64_t *words, bool and_into);

/* Appends bits to a bitmap from bit `first` on, a word at a time. The word
 * that holds bit `first` is not stored but kept in `head` (with the bits
 * appended to it), for the caller to OR in once every writer is done: so
 * writers that start mid-word never store to the same byte, and each can
 * run on its own thread. The bitmap must be zeroed. */
typedef struct qv__bit_writer {
  uint8_t *bits;
  int64_t word;   /* index of the word acc holds */
  uint64_t acc;   /* its bits so far */
  int n;          /* how many bits of acc are in use (0..63) */
  bool head_done; /* the first word has been completed */
  uint64_t head;  /* the first word, once complete (or at finish) */
  int64_t ones;   /* set bits appended */
} qv__bit_writer;

static inline void qv__bit_writer_init(qv__bit_writer *w, uint8_t *bits, int64_t first) {
  *w = (qv__bit_writer){bits, first / 64, 0, (int)(first % 64), false, 0, 0};
}

/* Stores a whole word at word index `word` of a bitmap, little-endian. */
static inline void qv__bitmap_store_word(uint8_t *bits, int64_t word, uint64_t w) {
  uint8_t le[8];
  for (int k = 0; k < 8; k++) le[k] = (uint8_t)(w >> (8 * k));
  memcpy(bits + 8 * word, le, 8);
}

static inline void qv__bit_writer_emit(qv__bit_writer *w, uint64_t word) {
  if (!w->head_done) {
    w->head = word;
    w->head_done = true;
  } else {
    qv__bitmap_store_word(w->bits, w->word, word);
  }
  w->word++;
}

/* Appends the low cnt (0..64) bits of `bits`; the bits above cnt are zero. */
static inline void qv__bit_writer_put(qv__bit_writer *w, uint64_t bits, int cnt) {
  int total = w->n + cnt;
  w->acc |= bits << w->n;
  w->ones += __builtin_popcountll(bits);
  if (total >= 64) {
    qv__bit_writer_emit(w, w->acc);
    w->acc = w->n != 0 ? bits >> (64 - w->n) : 0;
    total -= 64;
  }
  w->n = total;
}

/* Stores the last partial word (its bytes in use only). The head word, if
 * the writer never completed it, becomes `head` instead. */
static inline void qv__bit_writer_finish(qv__bit_writer *w) {
  if (!w->head_done) {
    w->head = w->acc;
    return;
  }
  for (int k = 0; k < (w->n + 7) / 8; k++) w->bits[8 * w->word + k] = (uint8_t)(w->acc >> (8 * k));
}

/* ORs a writer's head word into a bitmap of `bytes` bytes (bytes within it
 * only); call after every writer of the bitmap has finished. */
static inline void qv__bit_writer_join(const qv__bit_writer *w, uint8_t *bits, int64_t first, int64_t bytes) {
  const int64_t at = first / 64 * 8;
  for (int64_t k = 0; k < 8 && at + k < bytes; k++) bits[at + k] |= (uint8_t)(w->head >> (8 * k));
}

#endif
