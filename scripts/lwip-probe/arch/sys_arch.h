/* arch/sys_arch.h — the smallest OS port lwIP's socket API links against
 * (scripts/size-lwip.sh measures code size; this port is not run). */
#ifndef LWIP_ARCH_SYS_ARCH_H
#define LWIP_ARCH_SYS_ARCH_H
typedef int sys_sem_t;
typedef int sys_mutex_t;
typedef struct {
    void *msg;
    int valid;
} sys_mbox_t;
typedef int sys_thread_t;
typedef int sys_prot_t;
#define sys_sem_valid(s) (*(s) != 0)
#define sys_sem_set_invalid(s) (*(s) = 0)
#define sys_mutex_valid(m) (*(m) != 0)
#define sys_mutex_set_invalid(m) (*(m) = 0)
#define sys_mbox_valid(m) ((m)->valid)
#define sys_mbox_set_invalid(m) ((m)->valid = 0)
#endif
