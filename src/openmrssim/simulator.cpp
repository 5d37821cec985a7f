#include "openmrssim/simulator.hpp"

#include <chrono>

#include <fmt/format.h>
#include <httplib.h>

#include "openmrssim/examples.hpp"
#include "openmrssim/generator.hpp"
#include "openmrssim/http_support.hpp"
#include "openmrssim/representation.hpp"

namespace avni::openmrssim {
namespace {

// Whether this thread's request is to lose its answer once handled (a fault drawn before it).
bool& LostAnswer() {
  thread_local bool lost = false;
  return lost;
}

// Promises a long body, sends its start, then fails: httplib closes the connection.
void CutShort(httplib::Response& res, bool feed) {
  res.body.clear();
  res.set_content_provider(
      4096, feed ? kAtomType : kJsonType,
      [feed](std::size_t offset, std::size_t, httplib::DataSink& sink) {
        if (offset == 0) {
          const std::string_view start =
              feed ? std::string_view("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed")
                   : std::string_view(R"({"results":[{"uuid":")");
          sink.write(start.data(), start.size());
          return true;
        }
        return false;
      });
}

using nlohmann::json;

constexpr std::string_view kRestRoot = "/openmrs/ws/rest/v1/";
constexpr std::string_view kFeedRoot = "/openmrs/ws/atomfeed/";

// Stats group paths by route: "GET /openmrs/ws/rest/v1/patient/{uuid}".
std::string RouteName(const httplib::Request& req) {
  std::string route = req.path;
  if (req.path.starts_with(kRestRoot)) {
    const std::string rest = req.path.substr(kRestRoot.size());
    const std::size_t slash = rest.find('/');
    if (slash != std::string::npos && rest.substr(0, slash) != "bahmnicore") {
      route = std::string(kRestRoot) + rest.substr(0, slash) + "/{uuid}";
    }
  } else if (req.path.starts_with(kFeedRoot) && !req.path.ends_with("/recent")) {
    const std::size_t slash = req.path.rfind('/');
    if (slash > kFeedRoot.size()) route = req.path.substr(0, slash) + "/{n}";
  }
  return req.method + " " + route;
}

}  // namespace

Simulator::Simulator(SimOptions options)
    : options_(std::move(options)),
      metadata_(Metadata::Defaults(options_.text_concepts)),
      faults_(options_.seed, "/openmrs"),
      sessions_(options_.seed, options_.session_idle),
      server_(std::make_unique<httplib::Server>()),
      services_(metadata_, options_) {
  GenerateData(options_, metadata_, services_);
  // As Tomcat does: without it, a page written in two parts waits for the client's delayed ACK.
  server_->set_tcp_nodelay(true);
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
  listener_ = std::thread([this] { server_->listen_after_bind(); });
  // httplib's stop() is a no-op until the loop runs: wait for it, so an immediate Stop works.
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

void Simulator::Generate(std::int64_t patients, int encounters_per_patient, std::uint64_t seed) {
  std::lock_guard lock(data_mutex_);
  options_.patients = patients;
  options_.encounters_per_patient = encounters_per_patient;
  options_.seed = seed;
  GenerateData(options_, metadata_, services_);
}

void Simulator::PublishOtherEncounterEvent(std::string title, std::string contents) {
  const Timestamp now = Now();
  std::lock_guard lock(data_mutex_);
  services_.PublishOtherEncounterEvent(std::move(title), std::move(contents), now);
}

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

void Simulator::ExpireSessions() { sessions_.ExpireAll(); }

std::map<std::string, std::int64_t> Simulator::Stats() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

json Simulator::CreationCounts() const {
  std::lock_guard lock(data_mutex_);
  return services_.CreationCounts();
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

std::string Simulator::RestBase(const httplib::Request& req) {
  const std::string host = req.get_header_value("Host");
  return fmt::format("http://{}/openmrs/ws/rest/v1", host.empty() ? "localhost" : host);
}

void Simulator::SendJson(httplib::Response& res, int status, const nlohmann::ordered_json& body) {
  res.status = status;
  res.set_content(MaybeMalformed(body.dump()), kJsonType);
}

void Simulator::SendError(httplib::Response& res, const RestError& error) {
  if (error.www_authenticate) {
    res.set_header("WWW-Authenticate", "Basic realm=\"OpenMRS at /ws/rest\"");
  }
  res.status = error.status;
  res.set_content(error.body.dump(), kJsonType);
}

bool Simulator::BeforeOpenmrs(const httplib::Request& req, httplib::Response& res) {
  const simsupport::FaultDecision fault = faults_.Draw(req.path);
  if (fault.latency_ms > 0) Hang(fault.latency_ms);
  if (fault.hang_ms > 0) Hang(fault.hang_ms);
  if (fault.drop) {
    CutShort(res, req.path.starts_with(kFeedRoot));
    return true;
  }
  // Cut short after the handler ran (Route's post-routing handler).
  LostAnswer() = fault.lose_answer;
  if (fault.status != 0) {
    res.status = fault.status;
    res.set_content(TomcatErrorPage(fault.status, "simulated fault", "simulated fault"), kHtmlType);
    return true;
  }

  const Timestamp now = Now();
  const bool rest = req.path.starts_with(kRestRoot);
  const std::string cookie = CookieValue(req, "JSESSIONID");
  const SessionStore::Found found = sessions_.Touch(cookie, now);
  // webservices.rest's AuthorizationFilter: a cookie naming a session that is gone is refused
  // before anything else, even with Basic credentials (a client re-logs in without it).
  if (found.lookup == SessionStore::Lookup::kExpired && rest) {
    res.status = 401;
    res.set_content(TomcatErrorPage(401, "Unauthorized", "Session timed out"), kHtmlType);
    return true;
  }
  RequestAuth& auth = CurrentAuth();
  auth.user = found.user;
  auth.session = found.lookup == SessionStore::Lookup::kValid ? cookie : "";
  if (auth.session.empty()) {
    auth.session = sessions_.Create("", now);
    res.set_header("Set-Cookie",
                   fmt::format("JSESSIONID={}; Path=/openmrs; HttpOnly", auth.session));
  }
  const std::string authorization = req.get_header_value("Authorization");
  if (auth.user.empty() && authorization.starts_with("Basic")) {
    const std::string encoded = authorization.size() > 6 ? authorization.substr(6) : "";
    const std::string decoded = DecodeBase64(encoded);
    if (encoded.find_first_not_of(' ') == std::string::npos ||
        decoded.find(':') == std::string::npos) {
      res.status = 400;
      res.set_content(TomcatErrorPage(400, "Bad Request", "Invalid credentials provided"),
                      kHtmlType);
      return true;
    }
    const std::string user = decoded.substr(0, decoded.find(':'));
    const std::string password = decoded.substr(decoded.find(':') + 1);
    const auto known = options_.users.find(user);
    // A failed sign-in is not an answer: the request goes on unauthenticated.
    if (known != options_.users.end() && known->second == password) {
      sessions_.SignIn(auth.session, user);
      auth.user = user;
    }
  }
  return false;
}

void Simulator::Route() {
  server_->set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    LostAnswer() = false;
    if (!req.path.starts_with("/_sim/")) {
      std::lock_guard lock(mutex_);
      ++requests_[RouteName(req)];
    }
    if (!req.path.starts_with("/openmrs/")) return httplib::Server::HandlerResponse::Unhandled;
    return BeforeOpenmrs(req, res) ? httplib::Server::HandlerResponse::Handled
                                   : httplib::Server::HandlerResponse::Unhandled;
  });
  server_->set_post_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!LostAnswer()) return;
    LostAnswer() = false;
    CutShort(res, req.path.starts_with(kFeedRoot));
  });
  RouteControl();
  RouteRest();
  RouteFeeds();
}

void Simulator::RouteControl() {
  const auto bad_request = [](httplib::Response& res, const std::string& field,
                              const std::string& message) {
    res.status = 400;
    res.set_content(fmt::format("{}: {}", field, message), "text/plain; charset=utf-8");
  };
  server_->Get("/_sim/stats", [this](const httplib::Request&, httplib::Response& res) {
    json entities;
    json feeds;
    {
      std::lock_guard lock(data_mutex_);
      const Data& d = services_.data();
      entities = {{"patients", d.patients.size()},
                  {"persons", d.persons.size()},
                  {"encounters", d.encounters.size()},
                  {"obs", d.obs.size()},
                  {"visits", d.visits.size()}};
      feeds = {{"patient", services_.PatientFeed().Size()},
               {"encounter", services_.EncounterFeed().Size()}};
    }
    const json body = {{"requests", Stats()},
                       {"entities", std::move(entities)},
                       {"feeds", std::move(feeds)},
                       {"faults", faults_.Describe()},
                       {"sessions", sessions_.Describe(Now())}};
    res.set_content(body.dump(), "application/json");
  });
  server_->Post(
      "/_sim/faults", [this, bad_request](const httplib::Request& req, httplib::Response& res) {
        const json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
        if (!body.is_object()) return bad_request(res, "body", "send a JSON object of faults");
        const auto expire = body.find("expire_sessions");
        if (expire != body.end() && !expire->is_boolean()) {
          return bad_request(res, "expire_sessions", "give true or false");
        }
        const auto idle = body.find("session_idle_seconds");
        if (idle != body.end() && (!idle->is_number_integer() || idle->get<std::int64_t>() < 1)) {
          return bad_request(res, "session_idle_seconds", "give a number of seconds, 1 or more");
        }
        json faults = body;
        faults.erase("expire_sessions");
        faults.erase("session_idle_seconds");
        if (const auto configured = faults_.Configure(faults); !configured) {
          return bad_request(res, configured.error().field, configured.error().message);
        }
        if (idle != body.end()) sessions_.SetIdle(std::chrono::seconds(idle->get<std::int64_t>()));
        if (expire != body.end() && expire->get<bool>()) sessions_.ExpireAll();
        res.set_content(faults_.Describe().dump(), "application/json");
      });
  server_->Delete("/_sim/faults", [this](const httplib::Request&, httplib::Response& res) {
    faults_.Clear();
    res.set_content(faults_.Describe().dump(), "application/json");
  });
  server_->Get("/_sim/metadata", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metadata_.ToJson().dump(), "application/json");
  });
  server_->Get("/_sim/examples/mappings.csv",
               [this](const httplib::Request&, httplib::Response& res) {
                 res.set_content(MappingCsv(metadata_), "text/csv; charset=utf-8");
               });
  server_->Get("/_sim/examples/config.json",
               [this](const httplib::Request&, httplib::Response& res) {
                 res.set_content(ConfigJson(metadata_, options_), "application/json");
               });
  server_->Get("/_sim/created", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(CreationCounts().dump(), "application/json");
  });
  // Every entity of a kind in its v=full representation, voided ones too; encounters may be
  // limited to those that carried an Avni uuid (?avniUuid=).
  server_->Get(R"(/_sim/entities/([a-z]+))", [this](const httplib::Request& req,
                                                    httplib::Response& res) {
    const std::string kind = req.matches[1].str();
    std::lock_guard lock(data_mutex_);
    const RenderContext ctx{metadata_, services_.data(), RestBase(req), Now()};
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    const Data& d = services_.data();
    if (kind == "patients") {
      for (const auto& uuid : d.patient_order)
        list.push_back(RenderPatient(ctx, d.patients.at(uuid), Rep::kFull));
    } else if (kind == "encounters") {
      // ?avniUuid=: only those that carried it (rendering every encounter takes a while).
      const std::vector<std::string> carrying =
          req.has_param("avniUuid") ? services_.EncountersCarrying(req.get_param_value("avniUuid"))
                                    : d.encounter_order;
      for (const auto& uuid : carrying) {
        list.push_back(RenderEncounter(ctx, d.encounters.at(uuid), Rep::kFull));
      }
    } else if (kind == "visits") {
      for (const auto& uuid : d.visit_order)
        list.push_back(RenderVisit(ctx, d.visits.at(uuid), Rep::kFull));
    } else {
      res.status = 404;
      res.set_content("no such kind; use patients, encounters or visits", "text/plain");
      return;
    }
    res.set_content(nlohmann::ordered_json{{"entities", std::move(list)}}.dump(),
                    "application/json");
  });
  // Writes as Bahmni makes them (its UI, the Java service): the body of a REST create, with an
  // optional "uuid" for the new entity; an existing encounter uuid updates it. Always publishes.
  // An encounter may carry "drugOrders" ([{"drug", "dose", "doseUnits", "duration",
  // "durationUnits"}]), written with it as Bahmni's order entry does.
  const auto direct = [this, bad_request](const httplib::Request& req, httplib::Response& res,
                                          bool patient) {
    json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    std::vector<DrugOrder> orders;
    if (!patient && body.is_object() && body.contains("drugOrders")) {
      const json list = body["drugOrders"];
      body.erase("drugOrders");
      for (const json& o : list.is_array() ? list : json::array()) {
        if (!o.is_object() || !o.value("drug", json()).is_string() ||
            !o.value("dose", json()).is_number() || !o.value("duration", json()).is_number()) {
          return bad_request(res, "drugOrders",
                             "each is {drug, dose, doseUnits, duration, durationUnits}");
        }
        DrugOrder order;
        order.drug = o["drug"];
        order.dose = o["dose"];
        order.dose_units = o.value("doseUnits", "Tablet(s)");
        order.duration = o["duration"];
        order.duration_units = o.value("durationUnits", "Day(s)");
        orders.push_back(std::move(order));
      }
    }
    std::lock_guard lock(data_mutex_);
    auto written = patient ? services_.CreatePatient(body, Now(), Writer::kBahmni)
                           : services_.CreateEncounter(body, Now(), Writer::kBahmni);
    if (!written) return SendError(res, written.error());
    for (DrugOrder& order : orders) {
      order.scheduled = Now();
      services_.AddDrugOrder(*written, std::move(order));
    }
    res.status = 201;
    res.set_content(json{{"uuid", *written}}.dump(), "application/json");
  };
  server_->Post("/_sim/patients", [direct](const httplib::Request& req, httplib::Response& res) {
    direct(req, res, true);
  });
  server_->Post("/_sim/encounters", [direct](const httplib::Request& req, httplib::Response& res) {
    direct(req, res, false);
  });
  // Purges: the entity is gone (404), its feed entries stay.
  server_->Delete(R"(/_sim/(patients|encounters)/([^/]+))",
                  [this](const httplib::Request& req, httplib::Response& res) {
                    std::lock_guard lock(data_mutex_);
                    const bool purged = req.matches[1].str() == "patients"
                                            ? services_.PurgePatient(req.matches[2].str())
                                            : services_.PurgeEncounter(req.matches[2].str());
                    res.status = purged ? 204 : 404;
                  });
  server_->Post(
      "/_sim/generate", [this, bad_request](const httplib::Request& req, httplib::Response& res) {
        const json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
        if (!body.is_object()) return bad_request(res, "body", "send {\"patients\": N}");
        for (const char* key : {"patients", "encounters_per_patient", "seed"}) {
          if (body.contains(key) &&
              (!body[key].is_number_integer() || body[key].get<std::int64_t>() < 0)) {
            return bad_request(res, key, "give a non-negative integer");
          }
        }
        Generate(body.value("patients", std::int64_t{0}), body.value("encounters_per_patient", 0),
                 body.value("seed", options_.seed));
        res.set_content(json{{"patients", body.value("patients", 0)}}.dump(), "application/json");
      });
}

}  // namespace avni::openmrssim
