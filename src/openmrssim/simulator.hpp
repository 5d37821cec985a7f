#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "openmrssim/metadata.hpp"
#include "openmrssim/services.hpp"
#include "openmrssim/sessions.hpp"
#include "openmrssim/sim_options.hpp"
#include "simsupport/faults.hpp"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace avni::openmrssim {

struct RenderContext;

// An in-process stand-in for OpenMRS/Bahmni as the Bahmni integration reaches it: the session
// login (JSESSIONID cookies, Basic on any call, idle expiry), the REST resources under
// /openmrs/ws/rest/v1 with webservices.rest's representations, paging, searches, validation
// and error bodies, and the Atom feeds under /openmrs/ws/atomfeed written from its own changes
// as ICT4H atomfeed writes them; plus /_sim endpoints for tests (faults, session expiry,
// metadata, inspection, direct writes as Bahmni would make them). Owns its HTTP server and
// listening thread; all public members are thread-safe.
class Simulator {
 public:
  explicit Simulator(SimOptions options);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Listens on 127.0.0.1:port (0: any free port) in a background thread; returns the port,
  // or -1 when it cannot bind. Requests are accepted as soon as this returns.
  int Start(int port = 0);
  // Stops listening (releasing held "hang" requests) and waits for the thread; safe twice.
  void Stop();

  httplib::Server& HttpServer() { return *server_; }
  const Metadata& GetMetadata() const { return metadata_; }

  // Regenerates all data (patients, their visits and encounters, the feeds).
  void Generate(std::int64_t patients, int encounters_per_patient, std::uint64_t seed);

  // Freezes the server clock (writes, validation against "now", feed times, session expiry).
  void SetNow(Timestamp now);
  Timestamp Now() const;

  // Publishes an encounter feed entry of another `title` (Bahmni publishes more than
  // "Encounter" events there) whose content is `contents`.
  void PublishOtherEncounterEvent(std::string title, std::string contents);

  // Every session expires now: the next request with its cookie gets 401 "Session timed out".
  void ExpireSessions();

  // Requests seen per route, /_sim ones aside (e.g. "GET /openmrs/ws/rest/v1/patient",
  // "POST /openmrs/ws/rest/v1/encounter/{uuid}", "GET /openmrs/ws/atomfeed/patient/{n}").
  std::map<std::string, std::int64_t> Stats() const;
  // Services::CreationCounts: patients per identifier, encounters and visits per Avni uuid.
  nlohmann::json CreationCounts() const;

 private:
  void Route();
  void RouteControl();
  void RouteRest();
  void RouteFeeds();
  // Runs before every /openmrs request: draws faults, then finds the session and signs in
  // with Basic credentials. True when it answered the request itself.
  bool BeforeOpenmrs(const httplib::Request& req, httplib::Response& res);
  void Hang(int ms);
  // A successful answer, cut short when the malformed-body fault fires.
  std::string MaybeMalformed(std::string body);

  // REST handlers (rest_routes.cpp, rest_writes.cpp).
  void GetSession(const httplib::Request& req, httplib::Response& res);
  void DeleteSession(const httplib::Request& req, httplib::Response& res);
  void GetCollection(const httplib::Request& req, httplib::Response& res);
  void GetOne(const httplib::Request& req, httplib::Response& res);
  void PostCollection(const httplib::Request& req, httplib::Response& res);
  void PostOne(const httplib::Request& req, httplib::Response& res);
  void DeleteOne(const httplib::Request& req, httplib::Response& res);
  void GetFeed(const httplib::Request& req, httplib::Response& res);
  // Answers `error` as webservices.rest does (JSON, WWW-Authenticate on a 401).
  void SendError(httplib::Response& res, const RestError& error);
  void SendJson(httplib::Response& res, int status, const nlohmann::ordered_json& body);
  // The absolute REST root as the request's Host names the server.
  static std::string RestBase(const httplib::Request& req);

  SimOptions options_;
  const Metadata metadata_;
  simsupport::FaultInjector faults_;
  SessionStore sessions_;
  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;

  mutable std::mutex data_mutex_;
  Services services_;  // guarded by data_mutex_

  mutable std::mutex mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;                         // guarded by mutex_
  std::optional<Timestamp> fixed_now_;            // guarded by mutex_
  std::map<std::string, std::int64_t> requests_;  // guarded by mutex_
};

}  // namespace avni::openmrssim
