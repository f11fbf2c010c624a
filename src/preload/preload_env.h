/* preload_env.h — configure the default stack from the environment. */
#ifndef BERTH_PRELOAD_ENV_H
#define BERTH_PRELOAD_ENV_H

#include "berth/stack.h"

/* posix_os.configure: attach BERTH_TAP if set, start the pump. Exits with a
 * message if the environment asks for something that cannot be done. */
void preload_configure(berth_stack *st);

/* At exit (after the connections drained): close the capture cleanly. */
void preload_env_exit(void);

#endif
