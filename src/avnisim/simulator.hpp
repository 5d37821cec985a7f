#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "avnisim/faults.hpp"
#include "avnisim/subject_store.hpp"
#include "common/error.hpp"
#include "common/time.hpp"

namespace httplib {
class Server;
}

namespace avni::sim {

struct SimOptions {
  std::int64_t subjects = 0;  // generated at construction
  std::uint64_t seed = 1;     // data and fault draws
  std::int64_t same_time = 1;
  int observations = 5;  // "Concept k" values per subject, besides the personal four
};

// An in-process stand-in for avni-server's read API (this slice: subjects), faithful to its
// watermark contract, paging envelope and errors, plus /_sim endpoints for tests.
// Owns its HTTP server and listening thread; all public members are thread-safe.
class Simulator {
 public:
  explicit Simulator(SimOptions options);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Listens on 127.0.0.1:port (0: any free port) in a background thread; returns the port,
  // or -1 when it cannot bind. Requests are accepted as soon as this returns.
  int Start(int port = 0);
  // Stops listening and waits for the thread; safe to call twice.
  void Stop();

  void Generate(std::int64_t count, std::uint64_t seed, std::int64_t same_time);
  std::expected<void, Error> AddSubject(nlohmann::json subject);
  std::expected<void, Error> Touch(const std::string& id, Timestamp when);

  // Freezes the server clock (avni-server's `now` default is this minus 10 s).
  void SetNow(Timestamp now);
  Timestamp Now() const;

  // Requests seen per route (e.g. "/api/subjects", "/api/subject/{id}").
  std::map<std::string, std::int64_t> Stats() const;

 private:
  void Route();
  // A successful /api answer, cut short when the malformed-JSON fault fires.
  std::string MaybeMalformed(std::string body);

  SimOptions options_;
  SubjectStore subjects_;
  FaultInjector faults_;
  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;

  mutable std::mutex mutex_;
  std::optional<Timestamp> fixed_now_;            // guarded by mutex_
  std::map<std::string, std::int64_t> requests_;  // guarded by mutex_
};

}  // namespace avni::sim
