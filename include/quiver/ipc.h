/* quiver: Arrow IPC streaming and file formats.
 *
 * The stream format is a Schema message, then DictionaryBatch and
 * RecordBatch messages, then an end-of-stream marker (0xFFFFFFFF 00000000).
 * The file format ("Feather V2", `.arrow`) wraps a stream between the magic
 * `ARROW1` and a footer that indexes every batch for random access.
 *
 * Reading is zero-copy wherever the bytes already sit in memory: batches
 * read from a qv_buffer (or a file, which is mmap'd) hold views of that
 * buffer, which therefore stays alive as long as any array read from it.
 * Bytes fed to the push decoder by pointer, and bytes read from a pipe or
 * socket, are copied once, into aligned buffers. Input is untrusted: every
 * size, offset and count is checked (docs/robustness.md lists every class of bad input and its error), and
 * loaded arrays are validated structurally (validate.h) before they are
 * returned.
 *
 * Three ways in, from the simplest:
 *   1. one call: qv_ipc_read_path, qv_ipc_read_buffer, qv_ipc_write_path...
 *   2. incremental objects: qv_ipc_stream_reader (next batch), qv_ipc_file_reader
 *      (batch i), qv_ipc_writer (write_batch, close);
 *   3. the push decoder (qv_ipc_decoder): bytes in, schema and batches out,
 *      no IO inside, for event loops and network transports.
 *
 * Example:
 *   qv_table *t = NULL;
 *   qv_error err;
 *   if (qv_ipc_read_path("data.arrow", NULL, &t, &err) != QV_OK) puts(err.message);
 *   qv_ipc_write_options o = QV_IPC_WRITE_OPTIONS_DEFAULT;
 *   o.compression = QV_IPC_COMPRESSION_ZSTD;
 *   qv_ipc_write_path("copy.arrows", QV_IPC_FORMAT_STREAM, t, &o, &err);
 *   qv_table_release(t);
 */
#ifndef QUIVER_IPC_H
#define QUIVER_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "quiver/batch.h"
#include "quiver/memory.h"
#include "quiver/schema.h"
#include "quiver/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Options                                                              */
/* ------------------------------------------------------------------ */

typedef enum qv_ipc_format {
  QV_IPC_FORMAT_STREAM = 0, /* `.arrows`: messages then EOS */
  QV_IPC_FORMAT_FILE = 1    /* `.arrow`: ARROW1, stream, footer, ARROW1 */
} qv_ipc_format;

typedef enum qv_ipc_compression {
  QV_IPC_COMPRESSION_NONE = 0,
  QV_IPC_COMPRESSION_LZ4_FRAME = 1,
  QV_IPC_COMPRESSION_ZSTD = 2
} qv_ipc_compression;

/* Default cap on the bytes one message may decompress to (4 GiB). */
#define QV_IPC_DEFAULT_MAX_DECOMPRESSED ((int64_t)4 << 30)
/* Default cap on one message's metadata flatbuffer (256 MiB). */
#define QV_IPC_DEFAULT_MAX_METADATA ((int64_t)256 << 20)
/* Default cap on the bytes one reader may decompress over its whole input
 * (64 GiB): bounds the work a small compressed input can cause. */
#define QV_IPC_DEFAULT_MAX_TOTAL_DECOMPRESSED ((int64_t)64 << 30)

/* Reading options. A zeroed struct (or NULL) means the defaults. */
typedef struct qv_ipc_read_options {
  /* Streams: a stream that ends at a message boundary without the EOS
   * marker is an error (QV_ERR_TRUNCATED) instead of a clean end. */
  bool require_eos;
  /* Skip the structural validation of loaded arrays (trusted input only:
   * unvalidated arrays may make later readers go out of bounds). */
  bool skip_validation;
  /* Run full (O(values)) validation on every loaded array: UTF-8, offsets,
   * dictionary indices, union ids... (validate.h QV_VALIDATE_FULL). */
  bool full_validation;
  /* Per message: most bytes body decompression may produce; checked before
   * allocating. 0 = QV_IPC_DEFAULT_MAX_DECOMPRESSED. */
  int64_t max_decompressed_size;
  /* Per message: largest metadata flatbuffer accepted (QV_ERR_LIMIT above).
   * 0 = QV_IPC_DEFAULT_MAX_METADATA. */
  int64_t max_metadata_size;
  /* Per reader: most bytes decompression may produce over all messages
   * read (QV_ERR_LIMIT above, checked before allocating). 0 =
   * QV_IPC_DEFAULT_MAX_TOTAL_DECOMPRESSED; negative = no total cap (the
   * per-message cap still applies). */
  int64_t max_total_decompressed_size;
} qv_ipc_read_options;

#define QV_IPC_READ_OPTIONS_DEFAULT {false, false, false, 0, 0, 0}

/* Writing options. A zeroed struct (or NULL) means the defaults. */
typedef struct qv_ipc_write_options {
  /* Alignment and padding of body buffers and messages: 8 or 64
   * (0 = 64, the spec's recommendation). */
  int32_t alignment;
  /* Body compression (every buffer with the same codec, per the spec;
   * buffers that do not shrink are stored raw behind a -1 prefix). */
  qv_ipc_compression compression;
  /* Codec level; 0 = the codec's default (LZ4 fast, ZSTD 1). */
  int32_t compression_level;
  /* Streams: when a dictionary changes, always send a replacement instead
   * of a delta when the new dictionary extends the old one. (Files never
   * allow replacements: a changed dictionary that is not an extension is
   * an error there.) */
  bool disable_dictionary_deltas;
  /* Write the pre-0.15 framing (no 0xFFFFFFFF continuation marker, EOS =
   * 4 zero bytes), for very old readers. Streams only. */
  bool legacy_framing;
} qv_ipc_write_options;

#define QV_IPC_WRITE_OPTIONS_DEFAULT {64, QV_IPC_COMPRESSION_NONE, 0, false, false}

/* ------------------------------------------------------------------ */
/* One-call API                                                         */
/* ------------------------------------------------------------------ */

/* Reads a whole stream or file into a table (caller owns *out). The format
 * is detected from the first bytes (`ARROW1` = file). The _buffer variants
 * are zero-copy (the table's arrays view `buf`, which they retain); paths
 * are mmap'd (zero-copy too); fds are mmap'd when they are regular files and
 * read to their end otherwise (pipes, sockets, stdin). opts may be NULL.
 * Errors: QV_ERR_IO / QV_ERR_NOT_FOUND (open, read), QV_ERR_TRUNCATED (input
 * ends inside a message), QV_ERR_INVALID_DATA, QV_ERR_LIMIT,
 * QV_ERR_UNSUPPORTED, QV_ERR_NO_MEMORY; the message says what and where
 * (byte offset, message number, field path). */
QV_API qv_status qv_ipc_read_buffer(qv_buffer *buf, const qv_ipc_read_options *opts, qv_table **out,
                                    qv_error *err);
QV_API qv_status qv_ipc_read_path(const char *path, const qv_ipc_read_options *opts, qv_table **out,
                                  qv_error *err);
QV_API qv_status qv_ipc_read_fd(int fd, const qv_ipc_read_options *opts, qv_table **out, qv_error *err);

/* The same with the format fixed (no detection). */
QV_API qv_status qv_ipc_read_stream_buffer(qv_buffer *buf, const qv_ipc_read_options *opts, qv_table **out,
                                           qv_error *err);
QV_API qv_status qv_ipc_read_stream_path(const char *path, const qv_ipc_read_options *opts, qv_table **out,
                                         qv_error *err);
QV_API qv_status qv_ipc_read_stream_fd(int fd, const qv_ipc_read_options *opts, qv_table **out,
                                       qv_error *err);
QV_API qv_status qv_ipc_read_file_buffer(qv_buffer *buf, const qv_ipc_read_options *opts, qv_table **out,
                                         qv_error *err);
QV_API qv_status qv_ipc_read_file_path(const char *path, const qv_ipc_read_options *opts, qv_table **out,
                                       qv_error *err);

/* Writes `table` (schema, every batch, EOS; plus magic and footer for
 * files). opts may be NULL.
 *  - _path: atomic: written to a sibling temporary file, fsync'd, renamed
 *    over `path`, and the directory fsync'd; on any error the temporary is
 *    removed and `path` is left untouched.
 *  - _fd: writes at the fd's position with writev (buffers are not copied);
 *    the fd stays open.
 *  - _buffer: *out (caller owns) holds the whole stream or file. */
QV_API qv_status qv_ipc_write_path(const char *path, qv_ipc_format format, const qv_table *table,
                                   const qv_ipc_write_options *opts, qv_error *err);
QV_API qv_status qv_ipc_write_fd(int fd, qv_ipc_format format, const qv_table *table,
                                 const qv_ipc_write_options *opts, qv_error *err);
QV_API qv_status qv_ipc_write_buffer(qv_ipc_format format, const qv_table *table,
                                     const qv_ipc_write_options *opts, qv_buffer **out, qv_error *err);

/* Shorthands for the two formats. */
QV_API qv_status qv_ipc_write_stream_fd(int fd, const qv_table *table, const qv_ipc_write_options *opts,
                                        qv_error *err);
QV_API qv_status qv_ipc_write_stream_buffer(const qv_table *table, const qv_ipc_write_options *opts,
                                            qv_buffer **out, qv_error *err);
QV_API qv_status qv_ipc_write_stream_path(const char *path, const qv_table *table,
                                          const qv_ipc_write_options *opts, qv_error *err);
QV_API qv_status qv_ipc_write_file_path(const char *path, const qv_table *table,
                                        const qv_ipc_write_options *opts, qv_error *err);
QV_API qv_status qv_ipc_write_file_buffer(const qv_table *table, const qv_ipc_write_options *opts,
                                          qv_buffer **out, qv_error *err);

/* Names the format of bytes that are not Arrow IPC but another known
 * format, from their first n bytes: "a Parquet file" (PAR1), "a Feather v1
 * file" (FEA1), "gzip-compressed data", "text (CSV, JSON or other)"
 * (printable characters), else NULL. Readers use it to word the error for
 * such inputs (QV_ERR_INVALID_DATA "... is not Arrow IPC: it looks like a
 * Parquet file") instead of reporting an absurd metadata length. The
 * returned string is static. */
QV_API const char *qv_ipc_foreign_format(const void *data, size_t n);

/* ------------------------------------------------------------------ */
/* Writer (streams and files)                                           */
/* ------------------------------------------------------------------ */

typedef struct qv_ipc_writer qv_ipc_writer;

/* User output callback: write all n bytes or return an error status. */
typedef qv_status (*qv_ipc_write_fn)(void *ctx, const void *data, size_t n, qv_error *err);

/* Opens a writer; the Schema message (and, for files, the magic) is
 * written at once. The writer retains `schema`; every batch written must
 * have an equal schema (metadata aside). Caller frees *out with
 * qv_ipc_writer_free (after qv_ipc_writer_close, or to abandon it). */
QV_API qv_status qv_ipc_writer_open_fd(int fd, qv_ipc_format format, qv_schema *schema,
                                       const qv_ipc_write_options *opts, qv_ipc_writer **out, qv_error *err);
/* In-memory output; fetch it with qv_ipc_writer_take_buffer after close. */
QV_API qv_status qv_ipc_writer_open_memory(qv_ipc_format format, qv_schema *schema,
                                           const qv_ipc_write_options *opts, qv_ipc_writer **out,
                                           qv_error *err);
/* Atomic file output (see qv_ipc_write_path): nothing appears at `path`
 * until qv_ipc_writer_close succeeds. */
QV_API qv_status qv_ipc_writer_open_path(const char *path, qv_ipc_format format, qv_schema *schema,
                                         const qv_ipc_write_options *opts, qv_ipc_writer **out,
                                         qv_error *err);
QV_API qv_status qv_ipc_writer_open_callback(qv_ipc_write_fn fn, void *ctx, qv_ipc_format format,
                                             qv_schema *schema, const qv_ipc_write_options *opts,
                                             qv_ipc_writer **out, qv_error *err);

/* Writes one batch, preceded by the DictionaryBatch messages its
 * dictionary-encoded columns need (first use: the dictionary; later: a
 * delta when the new dictionary extends the one sent, else a replacement
 * in streams and QV_ERR_INVALID_ARGUMENT in files). The batch's metadata
 * becomes the message's custom_metadata. The batch is not retained. */
QV_API qv_status qv_ipc_writer_write_batch(qv_ipc_writer *w, const qv_batch *batch, qv_error *err);
/* Writes every batch of `table`. */
QV_API qv_status qv_ipc_writer_write_table(qv_ipc_writer *w, const qv_table *table, qv_error *err);
/* Writes EOS (and the footer and trailing magic for files); for paths,
 * syncs and renames into place. After a failed write the writer is broken:
 * close returns the first error and writes nothing more (no footer after a
 * lost write). */
QV_API qv_status qv_ipc_writer_close(qv_ipc_writer *w, qv_error *err);
/* ---- Output as pieces (zero-copy hand-off) ----
 *
 * A pieces writer does not copy message bodies: it collects its output as
 * a list of (pointer, length) pieces, the bodies' pieces pointing into the
 * arrays' own buffers (which the pieces retain), the rest (prefixes,
 * metadata, padding, and any buffer the writer had to rewrite: sliced
 * offsets, shifted bitmaps, compressed bytes) copied into memory the pieces
 * own. For callers that send messages on with writev, sendmsg or as gRPC
 * slices. The pieces stay valid until qv_ipc_pieces_free, whatever becomes
 * of the writer and the arrays; their bytes, concatenated, are exactly
 * what qv_ipc_writer_open_memory would have written.
 *
 *     qv_ipc_writer *w;  qv_ipc_pieces *p;
 *     qv_ipc_writer_open_pieces(QV_IPC_FORMAT_STREAM, schema, NULL, &w, &err);
 *     qv_ipc_writer_write_batch(w, batch, &err);
 *     qv_ipc_writer_take_pieces(w, &p, &err);  // the Schema message and the batch's
 *     writev(fd, (const struct iovec *)qv_ipc_pieces_items(p),  // qv_ipc_piece has
 *            (int)qv_ipc_pieces_count(p));     // struct iovec's layout; loop on short writes
 *     qv_ipc_pieces_free(p);                    // the batch may be released before or after
 *     qv_ipc_writer_close(w, &err);
 *     qv_ipc_writer_take_pieces(w, &p, &err);  // the end-of-stream marker; send, free
 *     qv_ipc_writer_free(w);
 *
 * (tests/ipc/test_ipc_pieces.c runs this example over a pipe.) */
typedef struct qv_ipc_piece {
  const void *data; /* never NULL when len > 0 */
  size_t len;       /* > 0 */
} qv_ipc_piece;
typedef struct qv_ipc_pieces qv_ipc_pieces;

QV_API qv_status qv_ipc_writer_open_pieces(qv_ipc_format format, qv_schema *schema,
                                           const qv_ipc_write_options *opts, qv_ipc_writer **out,
                                           qv_error *err);
/* What the writer produced since the last take (or since open): caller
 * owns *out (free with qv_ipc_pieces_free); an object with no piece when
 * nothing was written. Any time, including after close. */
QV_API qv_status qv_ipc_writer_take_pieces(qv_ipc_writer *w, qv_ipc_pieces **out, qv_error *err);
QV_API size_t qv_ipc_pieces_count(const qv_ipc_pieces *p);
/* The pieces, in output order (qv_ipc_pieces_count of them; borrowed). */
QV_API const qv_ipc_piece *qv_ipc_pieces_items(const qv_ipc_pieces *p);
/* Total bytes of the pieces. */
QV_API int64_t qv_ipc_pieces_size(const qv_ipc_pieces *p);
/* Releases the pieces' memory and their references. Accepts NULL. */
QV_API void qv_ipc_pieces_free(qv_ipc_pieces *p);

/* Memory writers, after close: the output (caller owns *out). */
QV_API qv_status qv_ipc_writer_take_buffer(qv_ipc_writer *w, qv_buffer **out, qv_error *err);
/* Bytes written so far. */
QV_API int64_t qv_ipc_writer_position(const qv_ipc_writer *w);
/* Frees the writer; an unclosed path writer removes its temporary file.
 * Accepts NULL. */
QV_API void qv_ipc_writer_free(qv_ipc_writer *w);

/* ------------------------------------------------------------------ */
/* Stream reader (pull)                                                 */
/* ------------------------------------------------------------------ */

typedef struct qv_ipc_stream_reader qv_ipc_stream_reader;

/* Opens a stream and reads its Schema message. _buffer retains `buf` and
 * reads zero-copy; _path mmaps; _fd reads incrementally (message by
 * message, exactly the bytes each needs, so a socket or pipe may carry more
 * data after the stream; a legacy pre-0.15 stream, whose EOS is 4 bytes,
 * may be read up to 4 bytes too far) and does not close the fd. */
QV_API qv_status qv_ipc_stream_reader_open_buffer(qv_buffer *buf, const qv_ipc_read_options *opts,
                                                  qv_ipc_stream_reader **out, qv_error *err);
QV_API qv_status qv_ipc_stream_reader_open_path(const char *path, const qv_ipc_read_options *opts,
                                                qv_ipc_stream_reader **out, qv_error *err);
QV_API qv_status qv_ipc_stream_reader_open_fd(int fd, const qv_ipc_read_options *opts,
                                              qv_ipc_stream_reader **out, qv_error *err);
/* The stream's schema (borrowed; valid until the reader is freed). */
QV_API qv_schema *qv_ipc_stream_reader_schema(const qv_ipc_stream_reader *r);
/* Next batch (caller owns it), or *out = NULL at the end of the stream. */
QV_API qv_status qv_ipc_stream_reader_next(qv_ipc_stream_reader *r, qv_batch **out, qv_error *err);
/* After qv_ipc_stream_reader_next reported the end (*out = NULL): true
 * when the stream stopped at a message boundary without its end-of-stream
 * marker, which the spec allows but which is also what a producer that died
 * between two messages leaves (require_eos turns it into an error). False
 * before the end and when the marker was read. */
QV_API bool qv_ipc_stream_reader_eos_missing(const qv_ipc_stream_reader *r);
/* Bytes of the stream consumed so far (at the end: the stream's length,
 * counted from the first message). */
QV_API int64_t qv_ipc_stream_reader_position(const qv_ipc_stream_reader *r);
/* The remaining batches as a table. */
QV_API qv_status qv_ipc_stream_reader_read_all(qv_ipc_stream_reader *r, qv_table **out, qv_error *err);
/* Accepts NULL. */
QV_API void qv_ipc_stream_reader_free(qv_ipc_stream_reader *r);

/* ------------------------------------------------------------------ */
/* File reader (random access)                                          */
/* ------------------------------------------------------------------ */

typedef struct qv_ipc_file_reader qv_ipc_file_reader;

/* Opens a file: checks both magics, decodes the footer and reads every
 * dictionary block. _buffer retains `buf`; _path and _fd mmap the file
 * (the fd is not closed). Batches reference the buffer/mapping, which
 * stays alive while any of their buffers does, even after the reader is
 * freed. */
QV_API qv_status qv_ipc_file_reader_open_buffer(qv_buffer *buf, const qv_ipc_read_options *opts,
                                                qv_ipc_file_reader **out, qv_error *err);
QV_API qv_status qv_ipc_file_reader_open_path(const char *path, const qv_ipc_read_options *opts,
                                              qv_ipc_file_reader **out, qv_error *err);
QV_API qv_status qv_ipc_file_reader_open_fd(int fd, const qv_ipc_read_options *opts,
                                            qv_ipc_file_reader **out, qv_error *err);
QV_API qv_schema *qv_ipc_file_reader_schema(const qv_ipc_file_reader *r); /* borrowed */
QV_API int64_t qv_ipc_file_reader_num_batches(const qv_ipc_file_reader *r);
/* Batch i (0-based; caller owns it). QV_ERR_OUT_OF_RANGE past the end. */
QV_API qv_status qv_ipc_file_reader_read_batch(qv_ipc_file_reader *r, int64_t i, qv_batch **out,
                                               qv_error *err);
QV_API qv_status qv_ipc_file_reader_read_all(qv_ipc_file_reader *r, qv_table **out, qv_error *err);
QV_API void qv_ipc_file_reader_free(qv_ipc_file_reader *r); /* accepts NULL */

/* ------------------------------------------------------------------ */
/* Push decoder (no IO)                                                 */
/* ------------------------------------------------------------------ */

typedef struct qv_ipc_decoder qv_ipc_decoder;

typedef enum qv_ipc_event_kind {
  QV_IPC_EVENT_NONE = 0,       /* nothing decoded yet: feed more bytes */
  QV_IPC_EVENT_SCHEMA = 1,     /* the Schema message: qv_ipc_decoder_schema() is set */
  QV_IPC_EVENT_DICTIONARY = 2, /* a DictionaryBatch was applied (informational) */
  QV_IPC_EVENT_BATCH = 3,      /* a RecordBatch: `batch` (caller owns it) */
  QV_IPC_EVENT_EOS = 4         /* the end-of-stream marker */
} qv_ipc_event_kind;

typedef struct qv_ipc_event {
  qv_ipc_event_kind kind;
  qv_batch *batch;        /* BATCH: owned by the caller, who releases it */
  int64_t dictionary_id;  /* DICTIONARY: its id */
  bool dictionary_delta;  /* DICTIONARY: a delta (true) or a new/replacement dictionary */
  int64_t offset;         /* stream byte offset where the message started */
} qv_ipc_event;

QV_API qv_status qv_ipc_decoder_new(const qv_ipc_read_options *opts, qv_ipc_decoder **out, qv_error *err);
/* Feeds bytes (copied once). Decodes every message the bytes complete and
 * queues its event. After an error the decoder is failed: every later call
 * returns the same error. Bytes after the EOS marker are ignored. */
QV_API qv_status qv_ipc_decoder_feed(qv_ipc_decoder *dec, const void *data, size_t n, qv_error *err);
/* Feeds a buffer zero-copy: messages lying entirely inside `buf` are decoded
 * in place and their arrays view `buf` (retained as needed). */
QV_API qv_status qv_ipc_decoder_feed_buffer(qv_ipc_decoder *dec, qv_buffer *buf, qv_error *err);
/* Pops the next event (kind NONE when none is queued). */
QV_API qv_status qv_ipc_decoder_next(qv_ipc_decoder *dec, qv_ipc_event *ev, qv_error *err);
/* Declares the end of the input: QV_ERR_TRUNCATED if it ends inside a
 * message (or before the Schema, or, with require_eos, without the EOS
 * marker); QV_OK for a clean end. */
QV_API qv_status qv_ipc_decoder_finish(qv_ipc_decoder *dec, qv_error *err);
/* The schema once decoded, else NULL (borrowed). */
QV_API qv_schema *qv_ipc_decoder_schema(const qv_ipc_decoder *dec);
/* Bytes the decoder needs before it can decode anything more (>= 1 unless
 * the stream has ended), a good read size for callers doing their own IO. */
QV_API int64_t qv_ipc_decoder_bytes_needed(const qv_ipc_decoder *dec);
/* Total bytes consumed (fed and not ignored). */
QV_API int64_t qv_ipc_decoder_position(const qv_ipc_decoder *dec);
/* True once the EOS marker was decoded. */
QV_API bool qv_ipc_decoder_done(const qv_ipc_decoder *dec);
/* Frees the decoder and any queued event's batch. Accepts NULL. */
QV_API void qv_ipc_decoder_free(qv_ipc_decoder *dec);

#ifdef __cplusplus
}
#endif
#endif
