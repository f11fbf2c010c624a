/* bind(): EFAULT for an address pointer outside the process. The fd and
 * length checks come first. Kept in its own program: a library that
 * dereferences the pointer crashes here and nowhere else. */
#include "conf.h"

int main(void)
{
    int s;
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(bind(s, CONF_BADPTR, sizeof(struct sockaddr_in)));
    CHECK(bind(s, NULL, sizeof(struct sockaddr_in)));
    CHECK(bind(s, CONF_BADPTR, 0));
    CHECK(bind(s, CONF_BADPTR, 129));
    CHECK(bind(-1, CONF_BADPTR, sizeof(struct sockaddr_in)));
    SOCKNAME("after", s, 0);
    return 0;
}
