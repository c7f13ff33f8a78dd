/* server — the GDB remote serial protocol server behind `rewind debug` and
 * `rewind serve`: turns gdb's packets into calls on a dbg_target (target.h).
 *
 * Contract:
 *  - One client, all-stop mode, plain or extended remote (`target remote` or
 *    `target extended-remote`).  Thread ids are the recorded ones, shown as
 *    pPID.TID when the client speaks multiprocess.
 *  - The replay is read-only: memory and register writes (M, X, G, P) are
 *    refused with an error reply; breakpoints go through Z/z packets.
 *  - Forward and reverse execution: c, s, vCont (client signals are ignored:
 *    the recording decides which signals happen), bc, bs.  While the target
 *    runs, the socket is its interrupt_fd so ^C stops it.
 *  - `monitor` commands go to the target; their output is shown in gdb.  gdb
 *    expects no stop reply after a monitor command, so one that moves the
 *    replay (goto, restart) just answers OK, with a line telling the user
 *    that gdb keeps showing its cached registers and frame until
 *    `maintenance flush register-cache`; after it `frame` and `info
 *    registers` show where the replay is now.  Thread choices stay as gdb
 *    made them (gdb does not resend Hg), and after every stop the stopped
 *    thread is the one g/p read, as gdb assumes.
 *  - Error replies: "E01", except that refused register writes say why in
 *    gdb 13's "E.message" form, which it prints for P/G failures.
 *  - Hostile input gets an error or empty reply, never a crash or an
 *    allocation larger than the packet limit (rsp.h). */
#ifndef REWIND_GDB_SERVER_H
#define REWIND_GDB_SERVER_H
#include "target.h"

/* Serves the client on connected fd until it detaches, kills (in plain
 * remote) or disconnects.  0 when the session ended that way, -1 when the
 * connection failed (an I/O error, a client that never acks).  fd stays the
 * caller's to close. */
int gdb_serve(int fd, struct dbg_target *t);

#endif
