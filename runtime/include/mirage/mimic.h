/* mirage/mimic.h: a context that opens TCP connections by name, as
 * Mirage's mimic_happy_eyeballs: protocol code (Git, HTTP clients) asks
 * for "host:port" and gets a flow, without knowing the stack. It is a
 * stack, a happy-eyeballs device and the DNS client that injected
 * itself into it, packed together; connections go through happy
 * eyeballs. No library: in the runtime's own archive.
 */
#ifndef MIRAGE_MIMIC_H
#define MIRAGE_MIMIC_H

#include <stdint.h>

#include "mirage/happy_eyeballs.h"
#include "mirage/stack.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The public head of the implementation's object: its stack. */
typedef struct mirage_mimic { mirage_stack *stack; } mirage_mimic;
struct mirage_dns_client;

/* @dns may be NULL (then only IP literals, unless another client
 * injected itself into @he). */
int mirage_mimic_happy_eyeballs (mirage_stack *stack, mirage_happy_eyeballs *he,
                                 struct mirage_dns_client *dns, mirage_mimic **out);
int mirage_mimic_connect (mirage_mimic *m, const char *host, uint16_t port, mirage_flow **out);
mirage_stack *mirage_mimic_stack (mirage_mimic *m);
void mirage_mimic_free (mirage_mimic *m);

#ifdef __cplusplus
}
#endif

#endif /* MIRAGE_MIMIC_H */
