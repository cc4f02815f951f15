// One I/O thread of the endpoint: its socket, its timer and its share of the message layer
// (RFC 7252 §4, §5) for the peers that steer to it. Each worker has its own io_context run
// by one thread; everything but the public members runs on that thread, so none of this
// state is locked.
//
// The receive path is HandleDatagram and the send path is SendDatagram: with DTLS, the
// records go through DtlsSessions between them and the socket (worker_dtls.cc).
// Requests reach the application in DispatchRequest and responses are matched to requests
// in Complete: block-wise transfer (worker_blockwise.cc, worker_transfer.cc) and Observe
// slot in there.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "coap/coap.h"
#include "coap/transport/client_exchanges.h"
#include "coap/transport/client_observations.h"
#include "coap/transport/client_transfer.h"
#include "coap/transport/counters.h"
#include "coap/transport/datagram_batch.h"
#include "coap/transport/dtls_sessions.h"
#include "coap/transport/endpoint.h"
#include "coap/transport/peer_table.h"
#include "coap/transport/random_source.h"
#include "coap/transport/responder_state.h"
#include "coap/transport/response_bodies.h"
#include "coap/transport/server_observations.h"

namespace custos::coap::transport {

struct WorkerConfig {
  EndpointOptions options;
  std::size_t index = 0;
  std::size_t max_peers = 1;  // this thread's share of options.max_peers
  std::shared_ptr<const RequestHandler> handler;
};

class Worker : public std::enable_shared_from_this<Worker> {
 public:
  explicit Worker(WorkerConfig config);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Opens a UDP socket (with SO_REUSEPORT when `shared`, so that the endpoint's other
  // workers can join its port) and binds it to `address`; returns the bound port.
  // kUnavailable when the system refuses. Called before Run.
  core::Result<std::uint16_t> Bind(const Peer& address, bool shared);
  int native_handle() { return socket_.native_handle(); }
  // Puts DTLS (options.dtls) between the socket and the message layer. kInvalidArgument
  // for settings the DTLS layer refuses. Called before Run.
  core::Result<void> OpenDtls();
  // Serves until a posted shutdown has run. Called once, on the worker's own thread.
  void Run();

  // The members below may be called from any thread.

  // Sends `request` when NSTART allows and calls its `done` on this thread.
  void PostRequest(OutgoingRequest request);
  // A Responder's answer, its body in `body` when given (else in the payload): kept for
  // the ACK when given on this thread while the handler runs, otherwise sent as a
  // separate response (RFC 7252 §5.2.2). A large body is served block-wise.
  void Answer(const std::shared_ptr<Responder::State>& state, Message response,
              std::shared_ptr<const BodySource> body);
  // Sends `response` as a separate response to a request of `peer` with `token`.
  void PostSeparateResponse(const Peer& peer, Type request_type, std::vector<std::uint8_t> token,
                            Message response);
  // Runs `task` on this worker's thread.
  void Post(std::function<void()> task);
  // Ends this thread's DTLS sessions bound to `identity`, sending close_notify.
  void PostCloseSessions(std::string identity);
  // Registers observation `id` (Endpoint::Observe) and sends its GET.
  void PostObserve(ObservationId id, const Peer& peer, Message request,
                   NotificationCallback notify);
  // Takes over observation `id` of `registration`, already answered (Endpoint::Adopt).
  void PostAdopt(ObservationId id, const Peer& peer, Message registration,
                 NotificationCallback notify);
  // Cancels observation `id` if this thread holds it (Endpoint::CancelObservation).
  void PostCancelObservation(ObservationId id, bool active);
  // Serves the observation `state` (Responder::AcceptObservation) from now on.
  void PostAcceptObservation(std::shared_ptr<Notifier::State> state);
  // Sends a notification of `state` (Notifier::Notify) and calls `sent` on this thread.
  void PostNotification(std::shared_ptr<Notifier::State> state, Message notification,
                        bool confirmable, NotificationSent sent);
  // Ends the observation `state` with `error` (Notifier::End, an answer that is not 2.xx).
  void PostEndObservation(std::shared_ptr<Notifier::State> state, core::Error error);
  // Fails every pending and waiting request with kUnavailable, closes the socket and lets
  // Run return.
  void PostShutdown();
  const Counters& counters() const { return counters_; }

  // The index of the worker whose thread is calling, or nullopt on any other thread.
  static std::optional<std::size_t> CurrentIndex();

 private:
  // worker.cc: the loop, the receive and send paths, the timer and the peer table.
  void ArmReceive();
  void OnReadable();
  void HandleDatagram(const Peer& peer, std::span<const std::uint8_t> bytes, bool truncated);
  void HandlePlaintext(const Peer& peer, std::span<const std::uint8_t> bytes);
  void HandleMessage(const Peer& peer, Message message);
  // A CoAP message to `peer`, sealed in a record when DTLS is on.
  void SendDatagram(const Peer& peer, std::span<const std::uint8_t> bytes);
  void SendRaw(const Peer& peer, std::span<const std::uint8_t> bytes);
  void SendEmpty(const Peer& peer, Type type, std::uint16_t message_id, bool remember);
  void Flush();
  // Ends every event: sends what it queued and sets the timer to the earliest deadline.
  void Finish();
  void ArmTimer();
  void OnTimer();
  bool AdmitPeer(const Peer& peer);
  void EvictIdlePeers();
  std::uint16_t NextMessageId(const Peer& peer);
  void Shutdown();

  // worker_server.cc: requests from peers.
  void OnRequest(const Peer& peer, Message request);
  void OnOversizedDatagram(const Peer& peer, std::span<const std::uint8_t> bytes);
  void DispatchRequest(const Peer& peer, Message request);
  void AnswerAtOnce(const Peer& peer, Type request_type, std::uint16_t request_id,
                    const std::vector<std::uint8_t>& token, Message response);
  void SendSeparateResponse(const Peer& peer, Type request_type,
                            const std::vector<std::uint8_t>& token, Message response);
  Message FinishResponse(Message response, Type type, std::uint16_t message_id,
                         const std::vector<std::uint8_t>& token) const;

  // worker_blockwise.cc: the server side of RFC 7959.
  Block1Assembler MakeAssembler() const;
  // Answers a request for a later block of a body kept from an earlier request; false
  // when there is none (the handler is asked).
  bool ServeFromCache(const Peer& peer, const Message& request);
  // Feeds a Block1 request to the assembler: true with `request` to hand to the handler
  // (the whole body once assembled, `last_block` set), false when answered already.
  bool AssembleBlock1(const Peer& peer, Message& request, std::optional<Block>& last_block);
  // The handler's answer as it goes on the wire: one block of a large body (the body kept
  // for the next requests), Block1 echoed for an assembled upload.
  Message ShapeResponse(const Responder::State& state, Message response,
                        std::shared_ptr<const BodySource> body);

  // worker_transfer.cc: the client side of RFC 7959.
  // The largest SZX whose block fits in one message with a head of `head_size` bytes.
  std::uint8_t SzxFitting(std::size_t head_size) const;
  bool NeedsUpload(const OutgoingRequest& request) const;
  bool NeedsDownload(const Exchange& exchange, const Message& response) const;
  ClientTransfer::Limits TransferLimits(const Message& request) const;
  void StartUpload(OutgoingRequest request);
  void StartDownload(Exchange exchange, Message response);
  void SendStep(const std::shared_ptr<ClientTransfer>& transfer, Message request);
  void ContinueTransfer(const std::shared_ptr<ClientTransfer>& transfer,
                        core::Result<Message> result);

  // worker_observe.cc: the client side of RFC 7641.
  void StartObservation(ObservationId id, const Peer& peer, Message request,
                        NotificationCallback notify);
  void CancelObservation(ObservationId id, bool active);
  void AdoptObservation(ObservationId id, const Peer& peer, Message registration,
                        NotificationCallback notify);
  // The answer to the registration or to the active cancel.
  void OnObservationAnswer(ObservationId id, core::Result<Message> result);
  // A response with the observation's token: judged, then handed over if fresh.
  void OnNotification(ObservationId id, Message response);
  void FetchNotification(ObservationId id, Message first, bool last);
  void Notify(ObservationId id, core::Result<Message> notification, bool last);
  void EndObservation(ObservationId id, core::Error error);

  // worker_notify.cc: the server side of RFC 7641.
  void SendNotification(const std::shared_ptr<Notifier::State>& state, Message notification,
                        bool confirmable, NotificationSent sent);
  void EndServedObservation(const std::shared_ptr<Notifier::State>& state, core::Error error);
  // A GET or FETCH with Observe 1 ends the observation with its token (§3.6).
  void CheckDeregistration(const Peer& peer, const Message& request);
  // An ACK, an RST or a transmit timeout of a message we sent with no exchange: true when
  // it was a notification's.
  bool OnNotificationAcknowledged(const Peer& peer, std::uint16_t message_id);
  bool OnNotificationReset(const Peer& peer, std::uint16_t message_id);
  bool OnNotificationTimeout(const Peer& peer, std::uint16_t message_id);

  // worker_client.cc: our requests and their answers.
  void StartRequest(OutgoingRequest request);
  void Transmit(OutgoingRequest request);
  void StartWaiting(const Peer& peer);
  void OnAcknowledgement(const Peer& peer, Message ack);
  void OnReset(const Peer& peer, const Message& reset);
  void OnResponse(const Peer& peer, Message response);
  void OnTransmitTimeout(const ExchangeKey& key);
  void Complete(ClientExchanges::Id id, core::Result<Message> result);
  std::vector<std::uint8_t> NewToken(const Peer& peer);

  // worker_dtls.cc: DTLS between the socket and the message layer.
  void ReceiveRecords(const Peer& peer, std::span<const std::uint8_t> bytes, bool truncated);
  // Sends the output's datagrams, acts on its events, then hands its plaintexts to the
  // message layer.
  void ApplyDtls(dtls::Output out);
  void OnDtlsEvent(const dtls::Event& event);
  // Whether `request` may go out now (DTLS off, or a session with its peer is
  // established). Otherwise it is moved out: parked until a handshake ends (one is
  // started in the client role when there is none), or failed.
  bool EnsureSession(OutgoingRequest& request);
  void ResumeAfterHandshake(const Peer& peer);
  void FailAwaitingHandshake(const Peer& peer, const core::Error& error);
  void CloseSessionsOf(const std::string& identity);
  // Copies the DTLS counters into counters_, which other threads may read.
  void SyncDtlsCounters();
  // The identity of the DTLS session with `peer`; empty without one.
  std::string IdentityOf(const Peer& peer) const;

  WorkerConfig config_;
  // Declared first so that it is destroyed last: the handlers it still holds refer to
  // this worker only by pointer and are destroyed, not run.
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::ip::udp::socket socket_;
  boost::asio::steady_timer timer_;
  std::optional<TimePoint> timer_deadline_;
  int family_ = 0;
  TimePoint now_;
  bool stopping_ = false;

  ReceiveBatch receive_;
  SendQueue send_;
  RandomSource random_;
  PeerTable peers_;
  Deduplicator deduplicator_;
  RetransmissionQueue retransmissions_;
  MessageIdSource message_ids_;
  TokenSource tokens_;
  ClientExchanges exchanges_;
  TimePoint next_sweep_;
  Counters counters_;
  // The largest CoAP message sent: max_datagram, or less so that it fits one DTLS record.
  std::size_t max_message_;
  Block1Assembler assembler_;
  ResponseBodies bodies_;
  ClientObservations observations_;
  ServerObservations served_;           // observations of us, by peer and token
  std::unique_ptr<DtlsSessions> dtls_;  // null on plain UDP
  // Requests waiting for a DTLS handshake with their peer, in order.
  std::unordered_map<Peer, std::vector<OutgoingRequest>> awaiting_handshake_;
};

}  // namespace custos::coap::transport
