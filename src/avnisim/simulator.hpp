#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <expected>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "avnisim/auth.hpp"
#include "avnisim/entity_store.hpp"
#include "avnisim/metadata.hpp"
#include "avnisim/sim_options.hpp"
#include "common/error.hpp"
#include "common/time.hpp"
#include "simsupport/faults.hpp"

namespace avni::cognito {
class CognitoIdpServer;
}

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace avni::sim {

// An in-process stand-in for avni-server's external API: auth (idp none, Keycloak, Cognito
// tokens), the paged reads of every resource, single reads and writes, faithful to its
// watermark contract, paging envelope and errors, plus /_sim endpoints for tests (faults,
// auth options, metadata, inspection). Owns its HTTP server and listening thread; all public
// members are thread-safe.
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

  // The HTTP server, for mounting more routes before Start.
  httplib::Server& HttpServer() { return *server_; }

  // Where the simulated Cognito user pool answers (idp "cognito"): set a client's Cognito
  // endpoint to http://127.0.0.1:<port> + this. Its users are the simulator's.
  static constexpr const char* kCognitoPath = "/cognito/";
  cognito::CognitoIdpServer& CognitoPool() { return *cognito_; }

  // Regenerates all data with these subject options (child counts stay as configured).
  void Generate(std::int64_t count, std::uint64_t seed, std::int64_t same_time);
  std::expected<void, Error> AddSubject(nlohmann::json subject);
  // Adds or replaces an entity of a kind named as /_sim/entities/{kind} names it.
  std::expected<void, Error> AddEntity(const std::string& kind, nlohmann::json entity);
  std::expected<void, Error> Touch(const std::string& id, Timestamp when);

  // A token for `user` (the Cognito mount calls this), timed by the real system clock.
  std::string IssueToken(const std::string& user);

  // Freezes the server clock (avni-server's `now` default is this minus 10 s; writes stamp it).
  void SetNow(Timestamp now);
  Timestamp Now() const;

  // Requests seen per route, /_sim ones aside (e.g. "/api/subjects", "/api/subject/{id}",
  // "POST /api/subject", "/idp-details").
  std::map<std::string, std::int64_t> Stats() const;

 private:
  using Handler = void (Simulator::*)(const httplib::Request&, httplib::Response&);

  void Route();
  void RouteControl();
  void RouteReads();
  void RouteWrites();
  // Runs before every /api handler: draws faults, then authenticates; true when it answered.
  bool BeforeApi(const httplib::Request& req, httplib::Response& res);
  void Record(const httplib::Request& req, const httplib::Response& res);
  // Waits up to `ms`, returning early when the simulator stops.
  void Hang(int ms);
  // A successful /api answer, cut short when the malformed-JSON fault fires.
  std::string MaybeMalformed(std::string body);

  // Read handlers (read_routes.cpp).
  void GetSubjects(const httplib::Request& req, httplib::Response& res);
  void GetEncounters(const httplib::Request& req, httplib::Response& res);
  void GetEnrolments(const httplib::Request& req, httplib::Response& res);
  void GetProgramEncounters(const httplib::Request& req, httplib::Response& res);
  void GetGroupSubjects(const httplib::Request& req, httplib::Response& res);
  void GetLocations(const httplib::Request& req, httplib::Response& res);
  void GetTasks(const httplib::Request& req, httplib::Response& res);
  void GetOne(EntityStore Stores::*store, const httplib::Request& req, httplib::Response& res);
  void GetVisits(EntityStore Stores::*store, const char* parent_param, const char* parent_key,
                 const httplib::Request& req, httplib::Response& res);

  // Write handlers (write_routes.cpp); `kind` is "subject", "encounter", "programEnrolment"
  // or "programEncounter".
  void Write(const std::string& kind, const httplib::Request& req, httplib::Response& res);
  void Delete(const std::string& kind, const httplib::Request& req, httplib::Response& res);

  SimOptions options_;
  simsupport::FaultInjector faults_;
  Authenticator auth_;
  std::unique_ptr<httplib::Server> server_;
  std::unique_ptr<cognito::CognitoIdpServer> cognito_;
  std::thread listener_;

  mutable std::mutex data_mutex_;
  Stores stores_;      // guarded by data_mutex_
  Metadata metadata_;  // guarded by data_mutex_

  mutable std::mutex mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;                         // guarded by mutex_
  std::optional<Timestamp> fixed_now_;            // guarded by mutex_
  std::map<std::string, std::int64_t> requests_;  // guarded by mutex_
  std::deque<nlohmann::json> log_;                // guarded by mutex_; newest last
  std::uint64_t writes_ = 0;                      // guarded by data_mutex_; numbers new IDs
};

}  // namespace avni::sim
