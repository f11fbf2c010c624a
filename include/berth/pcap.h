/* berth/pcap.h — write what an interface sends and receives to a pcap file.
 *
 * Each record is what crossed the driver boundary: one raw IP packet
 * (LINKTYPE_RAW, 101) or, on an Ethernet interface, one Ethernet frame
 * (LINKTYPE_ETHERNET, 1), time-stamped with the stack's platform clock
 * (virtual time in a simulation, so captures are reproducible). Wireshark
 * and tshark read the files as they are.
 */
#ifndef BERTH_PCAP_H
#define BERTH_PCAP_H

#include "netif.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Start capturing on ifp into path (truncated). 0, or -1 with errno. */
int berth_pcap_open(berth_netif *ifp, const char *path);
/* Stop capturing and close the file (also done when the netif is removed). */
void berth_pcap_close(berth_netif *ifp);

#ifdef __cplusplus
}
#endif
#endif
