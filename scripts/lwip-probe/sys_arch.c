/* sys_arch.c — a one-thread stand-in for an RTOS port of lwIP (semaphores
 * as counters, a mailbox of one message, no threads): the code an OS port
 * costs at least, so lwIP's socket API can be linked and measured. */
#include "lwip/sys.h"

static u32_t ticks;
u32_t sys_now(void) { return ticks++; }
void sys_init(void) {}
sys_prot_t sys_arch_protect(void) { return 0; }
void sys_arch_unprotect(sys_prot_t p) { (void)p; }
err_t sys_sem_new(sys_sem_t *s, u8_t c)
{
    *s = c + 1;
    return ERR_OK;
}
void sys_sem_signal(sys_sem_t *s) { (*s)++; }
u32_t sys_arch_sem_wait(sys_sem_t *s, u32_t t)
{
    (void)t;
    if (*s > 1) {
        (*s)--;
        return 0;
    }
    return SYS_ARCH_TIMEOUT;
}
void sys_sem_free(sys_sem_t *s) { *s = 0; }
err_t sys_mutex_new(sys_mutex_t *m)
{
    *m = 1;
    return ERR_OK;
}
void sys_mutex_lock(sys_mutex_t *m) { (void)m; }
void sys_mutex_unlock(sys_mutex_t *m) { (void)m; }
void sys_mutex_free(sys_mutex_t *m) { *m = 0; }
err_t sys_mbox_new(sys_mbox_t *m, int size)
{
    (void)size;
    m->msg = NULL;
    m->valid = 1;
    return ERR_OK;
}
void sys_mbox_post(sys_mbox_t *m, void *msg) { m->msg = msg; }
err_t sys_mbox_trypost(sys_mbox_t *m, void *msg)
{
    if (m->msg)
        return ERR_MEM;
    m->msg = msg;
    return ERR_OK;
}
err_t sys_mbox_trypost_fromisr(sys_mbox_t *m, void *msg) { return sys_mbox_trypost(m, msg); }
u32_t sys_arch_mbox_fetch(sys_mbox_t *m, void **msg, u32_t t)
{
    (void)t;
    if (!m->msg)
        return SYS_ARCH_TIMEOUT;
    if (msg)
        *msg = m->msg;
    m->msg = NULL;
    return 0;
}
u32_t sys_arch_mbox_tryfetch(sys_mbox_t *m, void **msg) { return sys_arch_mbox_fetch(m, msg, 0); }
void sys_mbox_free(sys_mbox_t *m) { m->valid = 0; }
sys_thread_t sys_thread_new(const char *n, lwip_thread_fn f, void *a, int s, int p)
{
    (void)n, (void)f, (void)a, (void)s, (void)p;
    return 1;
}
