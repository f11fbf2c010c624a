/* berth_main.c — the berth program: subcommands and help.
 *
 *   berth host ...   a berth host on a TAP/TUN device with built-in services
 *   berth udp ...    a berth host that sends UDP datagrams (interop tests)
 *   berth tcp ...    a berth host that opens a TCP connection (interop tests)
 *
 * docs/berth-host.md is the manual page. */
#include <stdio.h>
#include <string.h>

#include "berth_tool.h"

void usage_common(FILE *f)
{
    fprintf(f, "Device and addresses:\n"
               "  --tap NAME            attach to the TAP device NAME (Ethernet, ARP)\n"
               "  --tun NAME            attach to the TUN device NAME instead (raw IP)\n"
               "  --create              create the device if it does not exist\n"
               "  --addr A.B.C.D/LEN    an IPv4 address on it (repeatable; required)\n"
               "  --route DEST via GW   a route; DEST is 'default' or A.B.C.D/LEN (repeatable)\n"
               "  --mac XX:XX:XX:XX:XX:XX  berth's MAC address (default: random, local)\n"
               "  --mtu N               default: the device's MTU\n"
               "  --pcap FILE           capture what berth sends and receives (pcap)\n"
               "Faults at berth's driver (the vlink model; default: none):\n"
               "  --loss P              drop a frame with probability P (0.02 or 2%%)\n"
               "  --dup P               deliver a frame twice\n"
               "  --reorder P           hold a frame back by --reorder-delay (default 10 ms)\n"
               "  --delay MS, --jitter MS, --reorder-delay MS\n"
               "  --bandwidth BITS/S, --queue FRAMES   a bandwidth limit and its queue\n"
               "  --faults in|out|both  which direction (default both)\n"
               "  --seed N              seed of the fault generator (default random)\n"
               "Output:\n"
               "  --trace               print the stack's trace lines on stderr\n"
               "  -q, --quiet           no summary at exit\n"
               "\n"
               "Exit status: 0 ok, 1 failure, 2 bad command line.\n");
}

void usage_main(FILE *f)
{
    fprintf(f, "usage: berth COMMAND [options]\n"
               "\n"
               "berth runs a userspace TCP/IP stack (berth) as a host on a Linux TAP or TUN\n"
               "device, so the kernel's own stack and tools (ping, nc, socat, curl) can talk\n"
               "to it.\n"
               "\n"
               "Commands:\n"
               "  host   run a berth host with built-in services until SIGINT/SIGTERM\n"
               "  udp    send UDP datagrams from a berth host (and check echoes)\n"
               "  tcp    open a TCP connection from a berth host, send and receive\n"
               "\n"
               "  berth COMMAND --help   options of a command\n"
               "  berth --version\n"
               "\n"
               "Example (as root):\n"
               "  ip netns add demo\n"
               "  ip -n demo tuntap add dev tap0 mode tap\n"
               "  ip -n demo addr add 192.0.2.1/24 dev tap0; ip -n demo link set tap0 up\n"
               "  ip netns exec demo berth host --tap tap0 --addr 192.0.2.2/24 \\\n"
               "      --serve echo:7 --serve http:80 &\n"
               "  ip netns exec demo ping -c 3 192.0.2.2\n"
               "  ip netns exec demo curl http://192.0.2.2/\n"
               "\n"
               "See docs/berth-host.md.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage_main(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        if (argc > 2 && !strcmp(argv[2], "host"))
            usage_host(stdout);
        else if (argc > 2 && !strcmp(argv[2], "udp"))
            usage_udp(stdout);
        else if (argc > 2 && !strcmp(argv[2], "tcp"))
            usage_tcp(stdout);
        else
            usage_main(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("berth 0.1.0\n");
        return 0;
    }
    if (!strcmp(cmd, "host"))
        return cmd_host(argc - 2, argv + 2);
    if (!strcmp(cmd, "udp"))
        return cmd_udp(argc - 2, argv + 2);
    if (!strcmp(cmd, "tcp"))
        return cmd_tcp(argc - 2, argv + 2);
    fprintf(stderr, "berth: unknown command '%s' (berth --help)\n", cmd);
    return EXIT_USAGE;
}
