/* Parquet: page decompression (internal).
 *
 * The page header announces the decompressed size; the caller checks it
 * against its limit, allocates exactly that, and this function fills it,
 * failing unless the codec produces exactly that many bytes (a codec may
 * never write past dst_len). */
#ifndef QV_PARQUET_CODEC_H
#define QV_PARQUET_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "quiver/status.h"

/* codec: a qv__pq_codec value. QV_ERR_UNSUPPORTED for LZO and unknown
 * codecs, QV_ERR_INVALID_DATA for corrupt input or a size mismatch. */
qv_status qv__pq_decompress(int32_t codec, const uint8_t *src, size_t src_len, uint8_t *dst, size_t dst_len,
                            qv_error *err);

/* Name of a codec for messages ("SNAPPY", "codec 42"). buf needs 16 bytes. */
const char *qv__pq_codec_name(int32_t codec, char buf[16]);

#endif
