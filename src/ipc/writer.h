/* quiver IPC: the writer object shared by stream_writer.c (messages,
 * dictionaries, framing) and writer_api.c (magic, footer, atomic paths,
 * one-call writes). Internal header.
 */
#ifndef QV_IPC_WRITER_H
#define QV_IPC_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "core/atomic_file.h"
#include "ipc/body.h"
#include "ipc/compression.h"
#include "ipc/dictionary_memo.h"
#include "ipc/flatbuf/fb_builder.h"
#include "ipc/io.h"
#include "ipc/metadata.h"
#include "ipc/pieces.h"
#include "quiver/ipc.h"

typedef struct qv_block_list {
  qv_ipc_block *items;
  uint32_t n, cap;
} qv_block_list;

struct qv_ipc_writer {
  qv_ipc_format format;
  qv_ipc_write_options opts; /* normalized */
  qv_schema *schema;         /* retained */
  int32_t n_dicts;           /* dictionary slots (ids 0..n-1, pre-order) */
  qv_io_sink sink;
  qv_fb_builder fb;          /* reset per message, memory reused */
  qv_body_plan plan;         /* reset per message, memory reused */
  qv_codec_ctx codec;
  qv_dict_memo memo;
  struct iovec *iov;         /* scratch: prefix, metadata, padding, body */
  int cap_iov;
  uint8_t prefix[8];
  qv_buffer_index body_buffers; /* pieces writers: the buffers a body may reference */
  qv_block_list dict_blocks; /* files */
  qv_block_list batch_blocks;
  int64_t n_batches;
  bool closed;
  qv__sticky failed;         /* the first failure: nothing more is written after it */
  /* path writers: the atomic output (core/atomic_file.h); file.fd is -1
   * for other writers and once the output is committed or discarded */
  qv__atomic_file file;
};

/* Compresses the buffers planned since the last qv__body_plan_reset and lays
 * out the body (iovecs, Buffer offsets, body_length); a no-op without
 * compression. Call after the last qv__body_plan_add and before
 * qv__body_plan_desc. Implemented in body_write.c (declared here because
 * only the writer uses it). */
qv_status qv__body_plan_compress(qv_body_plan *p, qv_error *err);

/* Creates the writer around an initialised sink and writes the header
 * (file magic, Schema message). On failure the writer is freed (the sink
 * too for memory sinks). */
qv_status qv__writer_start(qv_ipc_writer *w, qv_ipc_format format, qv_schema *schema,
                          const qv_ipc_write_options *opts, qv_error *err);

/* Writes EOS, and for files the footer and trailing magic. */
qv_status qv__writer_finish_stream(qv_ipc_writer *w, qv_error *err);

/* Marks the writer failed with err's message (sticky). */
qv_status qv__writer_fail(qv_ipc_writer *w, qv_status st, qv_error *err);

#endif
