#include "coap/transport/steering.h"

#include <linux/filter.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace custos::coap::transport {
namespace {

constexpr std::uint32_t kGolden = 0x9E3779B1u;

std::uint32_t Word(const Peer& peer, std::size_t at) {
  const auto& a = peer.address;
  return (std::uint32_t{a[at]} << 24) | (std::uint32_t{a[at + 1]} << 16) |
         (std::uint32_t{a[at + 2]} << 8) | std::uint32_t{a[at + 3]};
}

// Offsets from the network header; classic BPF reaches below the payload through this base.
constexpr std::uint32_t Net(int offset) { return static_cast<std::uint32_t>(SKF_NET_OFF + offset); }

}  // namespace

std::uint32_t SteeringHash(const Peer& peer) {
  std::uint32_t address = Word(peer, 0);
  if (peer.address_size == 16) address ^= Word(peer, 4) ^ Word(peer, 8) ^ Word(peer, 12);
  std::uint32_t hash = address ^ peer.port;
  hash *= kGolden;
  hash ^= hash >> 16;
  return hash;
}

core::Result<void> AttachSteering(int fd, std::size_t threads) {
  if (threads < 1 || threads > 0xffff) {
    return core::MakeError(core::ErrorCode::kInvalidArgument, "bad thread count for steering");
  }
  // A = port, X = address on both paths; then the mix of SteeringHash and A % threads.
  // clang-format off
  sock_filter program[] = {
      /* 0 */ BPF_STMT(BPF_LD | BPF_B | BPF_ABS, Net(0)),  // version and IHL
      /* 1 */ BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 4),
      /* 2 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 6, 6, 0),  // IPv6: to 9
      // IPv4
      /* 3 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, Net(12)),  // source address
      /* 4 */ BPF_STMT(BPF_ST, 0),
      /* 5 */ BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, Net(0)),  // X = 4 * IHL
      /* 6 */ BPF_STMT(BPF_LD | BPF_H | BPF_IND, Net(0)),   // UDP source port
      /* 7 */ BPF_STMT(BPF_LDX | BPF_MEM, 0),
      /* 8 */ BPF_STMT(BPF_JMP | BPF_JA, 12),  // to 21
      // IPv6
      /* 9 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, Net(8)),
      /* 10 */ BPF_STMT(BPF_MISC | BPF_TAX, 0),
      /* 11 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, Net(12)),
      /* 12 */ BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
      /* 13 */ BPF_STMT(BPF_MISC | BPF_TAX, 0),
      /* 14 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, Net(16)),
      /* 15 */ BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
      /* 16 */ BPF_STMT(BPF_MISC | BPF_TAX, 0),
      /* 17 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, Net(20)),
      /* 18 */ BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
      /* 19 */ BPF_STMT(BPF_MISC | BPF_TAX, 0),
      /* 20 */ BPF_STMT(BPF_LD | BPF_H | BPF_ABS, Net(40)),
      // Mix
      /* 21 */ BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
      /* 22 */ BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, kGolden),
      /* 23 */ BPF_STMT(BPF_MISC | BPF_TAX, 0),
      /* 24 */ BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 16),
      /* 25 */ BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
      /* 26 */ BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, static_cast<std::uint32_t>(threads)),
      /* 27 */ BPF_STMT(BPF_RET | BPF_A, 0),
  };
  // clang-format on
  sock_fprog fprog{static_cast<unsigned short>(sizeof program / sizeof program[0]), program};
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &fprog, sizeof fprog) != 0) {
    return core::MakeError(core::ErrorCode::kUnavailable,
                           std::string("SO_ATTACH_REUSEPORT_CBPF: ") + std::strerror(errno));
  }
  return {};
}

}  // namespace custos::coap::transport
