/* <poll.h> for a C library that has none: berth's layout-identical
 * definitions with Linux's numbers (berth/netdefs.h, docs/porting.md). */
#ifndef BERTH_COMPAT_POLL_H
#define BERTH_COMPAT_POLL_H
#include <berth/netdefs.h>
#endif
