/* printer — the live strace-style engine behind `rewind trace`: prints every
 * syscall (decoded by the syscall table), signal, exec and exit of the traced
 * program as it happens.  It never changes what the program sees. */
#ifndef REWIND_PRINTER_H
#define REWIND_PRINTER_H
#include <stdio.h>
#include "engine.h"

struct printer;
struct printer *printer_new(FILE *out);
void printer_free(struct printer *p);
extern const struct engine_ops printer_ops;

#endif
