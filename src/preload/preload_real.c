/* preload_real.c — dlsym(RTLD_NEXT) for every call the preload library
 * shadows. A symbol libc lacks (close_range on an old glibc) stays NULL and
 * the wrapper answers ENOSYS as the system call would. */
#include "preload_real.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

struct preload_real R;

#define NEXT(name)                                                                                 \
    do {                                                                                           \
        *(void **)&R.name = dlsym(RTLD_NEXT, #name);                                               \
    } while (0)

void preload_real_init(void)
{
    if (R.close)
        return;
    NEXT(socket);
    NEXT(connect);
    NEXT(accept4);
    NEXT(send);
    NEXT(sendmsg);
    NEXT(recv);
    NEXT(recvmsg);
    NEXT(sendmmsg);
    NEXT(recvmmsg);
    NEXT(read);
    NEXT(write);
    NEXT(readv);
    NEXT(writev);
    NEXT(close_range);
    NEXT(shutdown);
    NEXT(getsockopt);
    NEXT(setsockopt);
    NEXT(getsockname);
    NEXT(getpeername);
    NEXT(bind);
    NEXT(listen);
    NEXT(fcntl);
    NEXT(ioctl);
    NEXT(dup);
    NEXT(dup2);
    NEXT(dup3);
    NEXT(poll);
    NEXT(close); /* last: R.close set means everything is */
    if (!R.close || !R.fcntl || !R.read || !R.write || !R.socket) {
        fputs("berth-preload: cannot find libc's socket calls (dlsym RTLD_NEXT)\n", stderr);
        abort();
    }
}
