/* The replay stub.  `rewind replay` execs this tiny static program and then,
 * before any of its instructions run, replaces its whole address space with the
 * recorded program's (see replay/addrspace.c).  It exists so that replay never
 * depends on the recorded binary, its dynamic loader or its path still being
 * present on this machine.  Should it ever run, it stops itself. */
    .globl _start
    .text
_start:
    int3
    mov $60, %eax       /* exit(1) */
    mov $1, %edi
    syscall
    .section .note.GNU-stack,"",@progbits
