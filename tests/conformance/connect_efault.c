/* connect(): EFAULT for an address pointer outside the process. */
#include "conf.h"

int main(void)
{
    int s;
    MUST(s = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(connect(s, CONF_BADPTR, sizeof(struct sockaddr_in)));
    CHECK(connect(s, NULL, sizeof(struct sockaddr_in)));
    CHECK(connect(s, CONF_BADPTR, 0));
    CHECK(connect(s, CONF_BADPTR, 129));
    SOCKNAME("after", s, 0);
    PEERNAME("after", s, 0);
    return 0;
}
