/* http-private.h: the HTTP server's entry points for tests and fuzz
 * targets: a server that does not listen, and one connection served on
 * any flow (the fuzz target's flows read from memory). */
#ifndef MIRAGE_HTTP_PRIVATE_H
#define MIRAGE_HTTP_PRIVATE_H

#include "mirage/http.h"

/* A server with no listener (free it with mirage_http_server_free). */
mirage_http_server *mirage_http__server_new_unbound (void);
/* Serves @flow in the calling task until it closes; @flow is closed. */
void mirage_http__serve_flow (mirage_http_server *s, mirage_http_handler handler, void *data,
                              mirage_flow *flow);

#endif /* MIRAGE_HTTP_PRIVATE_H */
