/* fuzz-conn.h: a TCP connection whose reads come from memory, shared by
 * the fuzz targets of the HTTP server and client (fuzz-http,
 * fuzz-http2, fuzz-http-client). The input is the peer's byte stream,
 * handed out in reads of at most a size the input chooses, so that
 * every parser on the path is cut at every place; an optional prefix
 * (HTTP/2's client preface, which the fuzzer need not find) is read
 * first. Writes are dropped and the peer is 0.0.0.0:0. Reads never
 * suspend, so a target runs with or without an event loop. */
#ifndef FUZZ_CONN_H
#define FUZZ_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "mirage/stack.h"

typedef struct {
  mirage_flow head;             /* first: what the code under test holds */
  const char *prefix;           /* read before data, or NULL */
  size_t prefix_off;
  const uint8_t *data;
  size_t len, off, piece;
} fuzz_conn;

/* @c reads @prefix (or nothing), then the @len bytes of @data, at most
 * @piece (at least 1) bytes a read, then end of stream. */
void fuzz_conn_init (fuzz_conn *c, const char *prefix, const uint8_t *data, size_t len,
                     size_t piece);

#endif
