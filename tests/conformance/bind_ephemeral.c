/* bind(port 0): an ephemeral port from 32768..60999. TCP bind(0) picks odd
 * ports (connect() prefers even ones); UDP parity is random, not printed. */
#include "conf.h"

int main(void)
{
    struct sockaddr_in a = conf_sin("127.0.0.1", 0);
    int s[8];
    unsigned p[8];
    for (int i = 0; i < 4; i++) {
        MUST(s[i] = socket(AF_INET, SOCK_DGRAM, 0));
        CHECK(bind(s[i], SA(&a), sizeof a));
        SOCKNAME("udp bind 127.0.0.1:0", s[i], CONF_PORT_EPH);
        p[i] = conf_local_port(s[i]);
    }
    for (int i = 4; i < 8; i++) {
        MUST(s[i] = socket(AF_INET, SOCK_STREAM, 0));
        CHECK(bind(s[i], SA(&a), sizeof a));
        SOCKNAME("tcp bind 127.0.0.1:0", s[i], CONF_PORT_EPH | CONF_PORT_PARITY);
        p[i] = conf_local_port(s[i]);
    }
    int distinct = 1;
    for (int i = 0; i < 4; i++)
        for (int j = i + 1; j < 4; j++)
            if (p[i] == p[j])
                distinct = 0;
    conf_printf("udp ports distinct = %d\n", distinct);

    /* Wildcard bind(0). */
    int w;
    a = conf_sin("0.0.0.0", 0);
    MUST(w = socket(AF_INET, SOCK_DGRAM, 0));
    CHECK(bind(w, SA(&a), sizeof a));
    SOCKNAME("udp bind 0.0.0.0:0", w, CONF_PORT_EPH);
    return 0;
}
