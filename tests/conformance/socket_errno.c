/* socket(): every errno AF_INET socket creation can give without limits. */
#include "conf.h"

int main(void)
{
    /* EAFNOSUPPORT: domains that do not exist. */
    CHECK(socket(12345, SOCK_DGRAM, 0));
    CHECK(socket(-1, SOCK_DGRAM, 0));
    CHECK(socket(AF_MAX, SOCK_DGRAM, 0));

    /* EINVAL: type out of range, or unknown flag bits in type. */
    CHECK(socket(AF_INET, 12345, 0));
    CHECK(socket(AF_INET, -1, 0));
    CHECK(socket(AF_INET, SOCK_DGRAM | 0x40000000, 0));
    CHECK(socket(AF_INET, SOCK_DGRAM | 0x100, 0));

    /* A valid type that AF_INET has no protocol for. */
    CHECK(socket(AF_INET, SOCK_RDM, 0));
    CHECK(socket(AF_INET, SOCK_RDM, IPPROTO_UDP));

    /* EPROTONOSUPPORT: protocol does not match the type. */
    CHECK(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP));
    CHECK(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
    CHECK(socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
    CHECK(socket(AF_INET, SOCK_STREAM, 200));

    /* EINVAL: protocol number out of range. */
    CHECK(socket(AF_INET, SOCK_DGRAM, -1));
    CHECK(socket(AF_INET, SOCK_DGRAM, 9999));
    CHECK(socket(AF_INET, SOCK_DGRAM, IPPROTO_MAX));
    return 0;
}
