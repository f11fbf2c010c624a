/* arch/cc.h — lwIP's compiler/platform header for arm-none-eabi + newlib
 * (scripts/size-lwip.sh). */
#ifndef LWIP_ARCH_CC_H
#define LWIP_ARCH_CC_H
#include <stdlib.h>
#include <sys/time.h> /* struct timeval: LWIP_TIMEVAL_PRIVATE 0 */
#define BYTE_ORDER LITTLE_ENDIAN
#define LWIP_PLATFORM_DIAG(x)
#define LWIP_PLATFORM_ASSERT(x) abort()
#define LWIP_RAND() ((u32_t)rand())
#endif
