/* quiver IPC: the file format's magic bytes. Internal header. */
#ifndef QV_IPC_FILE_MAGIC_H
#define QV_IPC_FILE_MAGIC_H

/* The file format's magic: "ARROW1" then two padding bytes at the start,
 * "ARROW1" alone at the end. */
#define QV_IPC_MAGIC "ARROW1"
#define QV_IPC_MAGIC_LEN 6

#endif
