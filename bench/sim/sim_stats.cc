#include "sim_stats.h"

#include <fmt/format.h>

#include <boost/json.hpp>

namespace custos::sim {
namespace {

boost::json::object ToJson(const Lwm2mStats& s) {
  return {{"devices", s.devices},
          {"registered", s.registered},
          {"sleeping", s.sleeping},
          {"offline", s.offline},
          {"registers_sent", s.registers_sent},
          {"registrations", s.registrations},
          {"register_failures", s.register_failures},
          {"updates_sent", s.updates_sent},
          {"updates", s.updates},
          {"update_failures", s.update_failures},
          {"requests",
           {{"read", s.reads},
            {"write", s.writes},
            {"execute", s.executes},
            {"discover", s.discovers},
            {"observe", s.observes},
            {"cancel_observe", s.cancels},
            {"write_attributes", s.write_attributes},
            {"refused", s.other_requests},
            {"duplicates", s.duplicates}}},
          {"notifications", s.notifications},
          {"firmware",
           {{"downloads_started", s.downloads_started},
            {"downloads_done", s.downloads_done},
            {"downloads_failed", s.downloads_failed},
            {"updates_done", s.firmware_updates},
            {"updates_failed", s.firmware_failures}}},
          {"reboots", s.reboots},
          {"retransmissions", s.retransmissions},
          {"timeouts", s.timeouts},
          {"datagrams_in", s.datagrams_in},
          {"datagrams_out", s.datagrams_out},
          {"lost", s.lost},
          {"errors", s.errors},
          {"dtls", {{"handshakes", s.handshakes}, {"failures", s.handshake_failures}}}};
}

}  // namespace

std::string FormatLine(const Lwm2mStats& s, double elapsed_s) {
  return fmt::format(
      "t={:.1f}s registered={}/{} sleeping={} offline={} registrations={} updates={} "
      "requests read={} write={} exec={} discover={} observe={} cancel={} refused={} dup={} "
      "notifications={} fw downloads={}/{} failed={} updates={} failed={} reboots={} "
      "retransmissions={} timeouts={} lost={} errors={} dtls handshakes={} failed={}",
      elapsed_s, s.registered, s.devices, s.sleeping, s.offline, s.registrations, s.updates,
      s.reads, s.writes, s.executes, s.discovers, s.observes, s.cancels, s.other_requests,
      s.duplicates, s.notifications, s.downloads_done, s.downloads_started, s.downloads_failed,
      s.firmware_updates, s.firmware_failures, s.reboots, s.retransmissions, s.timeouts, s.lost,
      s.errors, s.handshakes, s.handshake_failures);
}

std::string FormatJson(const Lwm2mStats& stats, double elapsed_s, std::size_t bytes_per_device) {
  boost::json::object json = ToJson(stats);
  json["elapsed_s"] = elapsed_s;
  json["bytes_per_device"] = bytes_per_device;
  return boost::json::serialize(json);
}

}  // namespace custos::sim
