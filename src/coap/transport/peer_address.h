// Peer ⇄ socket address. An IPv4 device reaching a dual-stack IPv6 socket shows up as a
// v4-mapped address (::ffff:a.b.c.d); it becomes an IPv4 Peer, so a device has one
// identity (and one steering hash) whichever socket family it reached.
#pragma once

#include <sys/socket.h>

#include <optional>

#include "coap/coap.h"

namespace custos::coap::transport {

// The peer a datagram came from; nullopt for a family other than AF_INET and AF_INET6.
std::optional<Peer> PeerFromSockaddr(const sockaddr_storage& address);

// A socket address for sending to `peer` from a socket of `family` (AF_INET or AF_INET6):
// an IPv4 peer on an IPv6 socket is written v4-mapped. Returns its length, or 0 when the
// peer cannot be reached from that family (an IPv6 peer from an IPv4 socket).
socklen_t ToSockaddr(const Peer& peer, int family, sockaddr_storage& out);

// The address family of a socket that listens on `address`.
inline int FamilyOf(const Peer& address) { return address.address_size == 4 ? AF_INET : AF_INET6; }

}  // namespace custos::coap::transport
