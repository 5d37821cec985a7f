#include "avnisim/simulator.hpp"

#include "cognito/idp_server.hpp"

#include <chrono>

#include <fmt/format.h>
#include <httplib.h>

#include "avnisim/generator.hpp"
#include "avnisim/http_util.hpp"

namespace avni::sim {
namespace {

// Whether this thread's request is to lose its answer once handled (a fault drawn before it).
bool& LostAnswer() {
  thread_local bool lost = false;
  return lost;
}

// Promises a long body, sends its start, then fails: httplib closes the connection.
void CutShort(httplib::Response& res) {
  res.body.clear();
  res.set_content_provider(4096, kJson,
                           [](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                             if (offset == 0) {
                               static constexpr std::string_view kStart = R"({"content":[{"ID":")";
                               sink.write(kStart.data(), kStart.size());
                               return true;
                             }
                             return false;
                           });
}

using nlohmann::json;

constexpr std::size_t kLogCapacity = 1000;

// Stats group paths by route, so each entity looked up does not get its own counter. Reads
// keep their bare path (the first slice's keys); other methods are prefixed by the method.
std::string RouteName(const httplib::Request& req) {
  std::string route = req.path;
  for (const std::string_view prefix :
       {"/api/subject/", "/api/encounter/", "/api/programEnrolment/", "/api/programEncounter/"}) {
    if (req.path.starts_with(prefix) && req.path.size() > prefix.size()) {
      route = std::string(prefix) + "{id}";
    }
  }
  return req.method == "GET" ? route : req.method + " " + route;
}

}  // namespace

Simulator::Simulator(SimOptions options)
    : options_(std::move(options)),
      faults_(options_.seed, "/api"),
      auth_(options_.auth),
      server_(std::make_unique<httplib::Server>()),
      metadata_(Metadata::Defaults(options_.observations)) {
  // Options come from code or the command line; a bad metadata body there is a programming
  // error the defaults survive, and /_sim/metadata reports the same problem to a test.
  (void)metadata_.Merge(options_.metadata);
  GenerateData(options_, stores_);
  // As Tomcat does: without it, a page written in two parts waits for the client's delayed
  // ACK (~40 ms a page on a kept-alive connection).
  server_->set_tcp_nodelay(true);
  // The Cognito user pool of idp "cognito", with the same users; its tokens are ours.
  cognito_ = std::make_unique<cognito::CognitoIdpServer>(cognito::CognitoIdpOptions{
      .pool_id = options_.auth.cognito_pool_id,
      .client_id = options_.auth.cognito_client_id,
      .token_issuer = [this](const std::string& user) { return auth_.IssueToken(user); },
      .expires_in_seconds = static_cast<int>(options_.auth.token_ttl_seconds)});
  for (const auto& [user, password] : options_.auth.users) cognito_->AddUser(user, password);
  cognito_->Mount(*server_, kCognitoPath);
  Route();
}

Simulator::~Simulator() { Stop(); }

int Simulator::Start(int port) {
  int bound = -1;
  if (port == 0) {
    bound = server_->bind_to_any_port("127.0.0.1");
  } else if (server_->bind_to_port("127.0.0.1", port)) {
    bound = port;
  }
  if (bound < 0) return -1;
  auth_.SetPort(bound);
  listener_ = std::thread([this] { server_->listen_after_bind(); });
  // httplib's stop() is a no-op until the loop runs: a Stop right after Start would otherwise
  // leave the listener running and its join waiting forever.
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return bound;
}

void Simulator::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  server_->stop();
  if (listener_.joinable()) listener_.join();
}

void Simulator::Generate(std::int64_t count, std::uint64_t seed, std::int64_t same_time) {
  std::lock_guard lock(data_mutex_);
  options_.subjects = count;
  options_.seed = seed;
  options_.same_time = same_time;
  GenerateData(options_, stores_);
}

std::expected<void, Error> Simulator::AddSubject(json subject) {
  return AddEntity("subjects", std::move(subject));
}

std::expected<void, Error> Simulator::AddEntity(const std::string& kind, json entity) {
  std::lock_guard lock(data_mutex_);
  EntityStore* store = stores_.ByKind(kind);
  if (store == nullptr) {
    return std::unexpected(Error::InvalidArgument("kind", fmt::format("no kind '{}'", kind)));
  }
  return store->Put(std::move(entity));
}

std::expected<void, Error> Simulator::Touch(const std::string& id, Timestamp when) {
  std::lock_guard lock(data_mutex_);
  const json* found = stores_.subjects.FindById(id);
  if (found == nullptr) {
    return std::unexpected(Error::NotFound(fmt::format("no subject with ID '{}'", id)));
  }
  json subject = *found;
  subject["audit"]["Last modified at"] = FormatIso8601(when);
  return stores_.subjects.Put(std::move(subject));
}

std::string Simulator::IssueToken(const std::string& user) { return auth_.IssueToken(user); }

void Simulator::SetNow(Timestamp now) {
  std::lock_guard lock(mutex_);
  fixed_now_ = now;
}

Timestamp Simulator::Now() const {
  {
    std::lock_guard lock(mutex_);
    if (fixed_now_) return *fixed_now_;
  }
  return SystemClock().Now();
}

std::map<std::string, std::int64_t> Simulator::Stats() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::string Simulator::MaybeMalformed(std::string body) {
  // Cut mid-document: what a client sees when a proxy or the server dies mid-answer.
  if (faults_.DrawMalformedJson()) body.resize(body.size() / 2);
  return body;
}

void Simulator::Hang(int ms) {
  std::unique_lock lock(mutex_);
  stop_cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
}

bool Simulator::BeforeApi(const httplib::Request& req, httplib::Response& res) {
  const simsupport::FaultDecision fault = faults_.Draw(req.path);
  if (fault.latency_ms > 0) Hang(fault.latency_ms);
  if (fault.hang_ms > 0) Hang(fault.hang_ms);
  if (fault.drop) {
    CutShort(res);
    return true;
  }
  // Cut short after the handler ran (Route's post-routing handler).
  LostAnswer() = fault.lose_answer;
  if (fault.status != 0) {
    res.status = fault.status;
    res.set_content(fmt::format("simulated fault: HTTP {}", fault.status), kText);
    return true;
  }
  const AuthOutcome outcome = auth_.Authenticate(req);
  CurrentUser() = outcome.user;
  if (outcome.status != 0) {
    res.status = outcome.status;
    res.set_content(outcome.body, kJson);
    return true;
  }
  return false;
}

void Simulator::Record(const httplib::Request& req, const httplib::Response& res) {
  if (req.path.starts_with("/_sim/")) return;
  json params = json::object();
  for (const auto& [name, value] : req.params) params[name] = value;
  json headers = json::array();
  for (const auto& [name, value] : req.headers) headers.push_back(name);
  json entry = {{"method", req.method},
                {"path", req.path},
                {"params", std::move(params)},
                {"headers", std::move(headers)},
                {"userName", req.has_header("USER-NAME") ? json(req.get_header_value("USER-NAME"))
                                                         : json(nullptr)},
                {"authToken", req.has_header("AUTH-TOKEN")},
                {"body", req.body},
                {"status", res.status}};
  std::lock_guard lock(mutex_);
  log_.push_back(std::move(entry));
  if (log_.size() > kLogCapacity) log_.pop_front();
}

void Simulator::Route() {
  // Every request but the /_sim controls is counted; faults and auth apply to /api only.
  server_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    LostAnswer() = false;
    if (!req.path.starts_with("/_sim/")) {
      std::lock_guard lock(mutex_);
      ++requests_[RouteName(req)];
    }
    if (!req.path.starts_with("/api/")) return httplib::Server::HandlerResponse::Unhandled;
    return BeforeApi(req, res) ? httplib::Server::HandlerResponse::Handled
                               : httplib::Server::HandlerResponse::Unhandled;
  });
  server_->set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    Record(req, res);
    if (!LostAnswer()) return;
    LostAnswer() = false;
    CutShort(res);
  });

  server_->Get("/idp-details", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(auth_.IdpDetails().dump(), kJson);
  });
  server_->Post(R"(/auth/realms/([^/]+)/protocol/openid-connect/token)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  const auto [status, body] = auth_.KeycloakToken(req.matches[1].str(), req);
                  res.status = status;
                  res.set_content(body.dump(), kJson);
                });
  RouteControl();
  RouteReads();
  RouteWrites();
}

void Simulator::RouteControl() {
  const auto bad_request = [](httplib::Response& res, const Error& error) {
    res.status = 400;
    res.set_content(fmt::format("{}: {}", error.field, error.message), kText);
  };
  server_->Get("/_sim/stats", [this](const httplib::Request&, httplib::Response& res) {
    json entities = json::object();
    std::size_t subjects = 0;
    {
      std::lock_guard lock(data_mutex_);
      for (const char* kind : {"subjects", "encounters", "programEnrolments", "programEncounters",
                               "groupSubjects", "locations", "tasks"}) {
        entities[kind] = stores_.ByKind(kind)->Size();
      }
      subjects = stores_.subjects.Size();
    }
    const json body = {{"requests", Stats()},
                       {"subjects", subjects},
                       {"entities", entities},
                       {"faults", faults_.Describe()},
                       {"auth", auth_.Describe()}};
    res.set_content(body.dump(), kJson);
  });
  server_->Post(
      "/_sim/faults", [this, bad_request](const httplib::Request& req, httplib::Response& res) {
        const json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
        const auto expire = body.is_object() ? body.find("expire_tokens") : body.end();
        if (body.is_object() && expire != body.end() && !expire->is_boolean()) {
          return bad_request(res, Error::InvalidArgument("expire_tokens", "give true or false"));
        }
        const auto configured = faults_.Configure(body);
        if (!configured) return bad_request(res, configured.error());
        if (expire != body.end() && expire->get<bool>()) auth_.ExpireIssuedTokens();
        res.set_content(faults_.Describe().dump(), kJson);
      });
  server_->Delete("/_sim/faults", [this](const httplib::Request&, httplib::Response& res) {
    faults_.Clear();
    res.set_content(faults_.Describe().dump(), kJson);
  });
  server_->Get("/_sim/auth", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(auth_.Describe().dump(), kJson);
  });
  server_->Post("/_sim/auth",
                [this, bad_request](const httplib::Request& req, httplib::Response& res) {
                  const json body = json::parse(req.body, nullptr, false);
                  const auto configured = auth_.Configure(body);
                  if (!configured) return bad_request(res, configured.error());
                  if (body.contains("users")) {
                    for (const auto& [user, password] : body["users"].items()) {
                      cognito_->AddUser(user, password.get<std::string>());
                    }
                  }
                  res.set_content(auth_.Describe().dump(), kJson);
                });
  server_->Get("/_sim/metadata", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard lock(data_mutex_);
    res.set_content(metadata_.ToJson().dump(), kJson);
  });
  server_->Post("/_sim/metadata",
                [this, bad_request](const httplib::Request& req, httplib::Response& res) {
                  std::lock_guard lock(data_mutex_);
                  const auto merged = metadata_.Merge(json::parse(req.body, nullptr, false));
                  if (!merged) return bad_request(res, merged.error());
                  res.set_content(metadata_.ToJson().dump(), kJson);
                });
  server_->Get("/_sim/requests", [this](const httplib::Request& req, httplib::Response& res) {
    const std::int64_t limit = ParsePageParam(req, "limit", 100, kLogCapacity);
    json requests = json::array();
    {
      std::lock_guard lock(mutex_);
      const std::size_t skip =
          log_.size() > static_cast<std::size_t>(limit) ? log_.size() - limit : 0;
      for (std::size_t i = skip; i < log_.size(); ++i) requests.push_back(log_[i]);
    }
    res.set_content(json{{"requests", std::move(requests)}}.dump(), kJson);
  });
  server_->Delete("/_sim/requests", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard lock(mutex_);
    log_.clear();
    res.set_content(R"({"requests":[]})", kJson);
  });
  // Adds or replaces entities as they are read (e.g. group subjects, tasks, more locations):
  // one JSON object or an array of them. All or nothing: a bad one stores none.
  server_->Post(R"(/_sim/entities/([A-Za-z]+))", [this, bad_request](const httplib::Request& req,
                                                                     httplib::Response& res) {
    json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_object()) body = json::array({std::move(body)});
    if (!body.is_array()) {
      return bad_request(res, Error::InvalidArgument("body", "send an entity or a list of them"));
    }
    std::lock_guard lock(data_mutex_);
    EntityStore* store = stores_.ByKind(req.matches[1].str());
    if (store == nullptr) {
      return bad_request(res, Error::InvalidArgument("kind", "no such kind of entity"));
    }
    EntityStore trial;
    for (const json& entity : body) {
      const auto put = trial.Put(entity);
      if (!put) return bad_request(res, put.error());
    }
    for (json& entity : body) (void)store->Put(std::move(entity));
    res.set_content(json{{"stored", body.size()}}.dump(), kJson);
  });
  server_->Get(R"(/_sim/entities/([A-Za-z]+))",
               [this](const httplib::Request& req, httplib::Response& res) {
                 std::lock_guard lock(data_mutex_);
                 EntityStore* store = stores_.ByKind(req.matches[1].str());
                 if (store == nullptr) {
                   res.status = 404;
                   res.set_content(
                       "no such kind; use subjects, encounters, programEnrolments, "
                       "programEncounters, groupSubjects, locations or tasks",
                       kText);
                   return;
                 }
                 res.set_content(json{{"entities", store->All()}}.dump(), kJson);
               });
}

}  // namespace avni::sim
