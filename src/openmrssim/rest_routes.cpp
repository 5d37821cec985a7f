// The REST routes of the simulator, the session, single reads and the Atom feeds, as
// webservices.rest and the atomfeed module answer them (searches: rest_search.cpp).

#include <fmt/format.h>
#include <httplib.h>

#include "openmrssim/http_support.hpp"
#include "openmrssim/representation.hpp"
#include "openmrssim/rest_support.hpp"
#include "openmrssim/rest_time.hpp"
#include "openmrssim/simulator.hpp"
#include "openmrssim/uuids.hpp"

namespace avni::openmrssim {

using nlohmann::json;
using nlohmann::ordered_json;

void Simulator::RouteRest() {
  server_->Get(
      "/openmrs/ws/rest/v1/session",
      [this](const httplib::Request& req, httplib::Response& res) { GetSession(req, res); });
  server_->Post(
      "/openmrs/ws/rest/v1/session",
      [this](const httplib::Request& req, httplib::Response& res) { GetSession(req, res); });
  server_->Delete(
      "/openmrs/ws/rest/v1/session",
      [this](const httplib::Request& req, httplib::Response& res) { DeleteSession(req, res); });
  // bahmni-core's BahmniEncounterTransaction is not simulated: an encounter feed entry's URL is
  // read as /openmrs/ws/rest/v1/encounter/{uuid}?v=full, as the Java service did.
  server_->Get(R"(/openmrs/ws/rest/v1/bahmnicore/.*)", [this](const httplib::Request&,
                                                              httplib::Response& res) {
    SendError(res, WrapError(404, "Not simulated",
                             "bahmnicore's encounter transaction is not simulated; read "
                             "/openmrs/ws/rest/v1/encounter/{uuid}?v=full instead",
                             "simulator"));
  });
  server_->Get(
      R"(/openmrs/ws/rest/v1/([a-z]+))",
      [this](const httplib::Request& req, httplib::Response& res) { GetCollection(req, res); });
  server_->Get(R"(/openmrs/ws/rest/v1/([a-z]+)/([^/]+))",
               [this](const httplib::Request& req, httplib::Response& res) { GetOne(req, res); });
  server_->Post(
      R"(/openmrs/ws/rest/v1/([a-z]+))",
      [this](const httplib::Request& req, httplib::Response& res) { PostCollection(req, res); });
  server_->Post(R"(/openmrs/ws/rest/v1/([a-z]+)/([^/]+))",
                [this](const httplib::Request& req, httplib::Response& res) { PostOne(req, res); });
  server_->Delete(
      R"(/openmrs/ws/rest/v1/([a-z]+)/([^/]+))",
      [this](const httplib::Request& req, httplib::Response& res) { DeleteOne(req, res); });
}

void Simulator::GetSession(const httplib::Request& req, httplib::Response& res) {
  const RequestAuth& auth = CurrentAuth();
  ordered_json body;
  // sessionId as webservices.rest sent it before 2.38 (RESTWS-903 dropped it): clients should
  // rely on the JSESSIONID cookie, not on this.
  body["sessionId"] = auth.session;
  body["authenticated"] = !auth.user.empty();
  body["locale"] = "en_GB";
  body["allowedLocales"] = {"en", "en_GB"};
  if (!auth.user.empty()) {
    const std::string base = RestBase(req);
    const std::string user_uuid = StableUuid("user", auth.user);
    const std::string person_uuid = StableUuid("person", auth.user);
    body["user"] = {{"uuid", user_uuid},
                    {"display", auth.user},
                    {"username", auth.user},
                    {"systemId", auth.user},
                    {"userProperties", json::object()},
                    {"person", {{"uuid", person_uuid}, {"display", "Super Man"}}},
                    {"privileges", json::array()},
                    {"roles", json::array({{{"uuid", StableUuid("role", "System Developer")},
                                            {"display", "System Developer"},
                                            {"name", "System Developer"}}})},
                    {"links", json::array({{{"rel", "self"},
                                            {"uri", base + "/user/" + user_uuid},
                                            {"resourceAlias", "user"}}})}};
    body["sessionLocation"] = nullptr;
    body["currentProvider"] = nullptr;
  }
  SendJson(res, 200, body);
}

void Simulator::DeleteSession(const httplib::Request&, httplib::Response& res) {
  sessions_.Invalidate(CurrentAuth().session);
  res.status = 204;
}

void Simulator::GetOne(const httplib::Request& req, httplib::Response& res) {
  const std::string resource = req.matches[1].str();
  const std::string uuid = req.matches[2].str();
  if (CurrentAuth().user.empty()) return SendError(res, NotLoggedIn(ReadPrivilege(resource)));
  const auto rep = ReadRep(req, Rep::kDefault);
  if (!rep) return SendError(res, rep.error());
  std::lock_guard lock(data_mutex_);
  const Data& d = services_.data();
  const RenderContext ctx{metadata_, d, RestBase(req), Now()};
  ordered_json body;
  if (resource == "patient") {
    const auto it = d.patients.find(uuid);
    if (it != d.patients.end()) body = RenderPatient(ctx, it->second, *rep);
  } else if (resource == "person") {
    const auto it = d.persons.find(uuid);
    if (it != d.persons.end()) body = RenderPerson(ctx, it->second, *rep);
  } else if (resource == "encounter") {
    const auto it = d.encounters.find(uuid);
    if (it != d.encounters.end()) body = RenderEncounter(ctx, it->second, *rep);
  } else if (resource == "obs") {
    const auto it = d.obs.find(uuid);
    if (it != d.obs.end()) body = RenderObs(ctx, it->second, *rep);
  } else if (resource == "visit") {
    const auto it = d.visits.find(uuid);
    if (it != d.visits.end()) body = RenderVisit(ctx, it->second, *rep);
  } else if (resource == "concept") {
    const ConceptDef* c = metadata_.Concept(uuid);
    if (c != nullptr) body = RenderConcept(ctx, *c, *rep);
  } else if (IsMetaResource(resource)) {
    const MetaDef* def = metadata_.Find(resource, uuid);
    if (def != nullptr) body = RenderMeta(ctx, resource, *def, *rep);
  } else {
    return SendError(res, WrapError(404, "", "Unknown resource: v1/" + resource,
                                    "org.openmrs.module.webservices.rest.web.api.impl."
                                    "RestServiceImpl:246"));
  }
  if (body.is_null()) return SendError(res, NotFound());
  SendJson(res, 200, body);
}

void Simulator::RouteFeeds() {
  server_->Get(R"(/openmrs/ws/atomfeed/([A-Za-z]+)/([^/]+))",
               [this](const httplib::Request& req, httplib::Response& res) { GetFeed(req, res); });
}

void Simulator::GetFeed(const httplib::Request& req, httplib::Response& res) {
  if (CurrentAuth().user.empty()) {
    res.status = 401;
    res.set_content(TomcatErrorPage(401, "Unauthorized", "sign in first (session or Basic)"),
                    kHtmlType);
    return;
  }
  const std::string category = Lower(req.matches[1].str());
  const std::string which = req.matches[2].str();
  std::optional<std::int64_t> n;
  if (which != "recent") {
    if (which.empty() || which.find_first_not_of("-0123456789") != std::string::npos) {
      res.status = 400;
      res.set_content(
          TomcatErrorPage(
              400, "Bad Request",
              "Failed to convert value of type 'java.lang.String' to required type 'int'"),
          kHtmlType);
      return;
    }
    n = std::stoll(which);
  }
  // UrlUtil: scheme://host:port + the request's path (and query); links go from its folder.
  const std::string host = req.get_header_value("Host");
  std::string self = "http://" + host + req.path;
  std::string query;
  for (const auto& [name, value] : req.params)
    query += (query.empty() ? "?" : "&") + name + "=" + value;
  self += query;
  const std::string service_base = "http://" + host + req.path.substr(0, req.path.rfind('/'));
  std::optional<std::string> xml;
  {
    std::lock_guard lock(data_mutex_);
    static const FeedLog kEmpty("", "");
    const FeedLog& log = category == "patient"     ? services_.PatientFeed()
                         : category == "encounter" ? services_.EncounterFeed()
                                                   : kEmpty;
    xml = log.Page(n, options_.feed_page_size, self, service_base, Now());
  }
  if (!xml) {
    res.status = 500;
    res.set_content(
        TomcatErrorPage(500, "Internal Server Error",
                        n && *n > 0 ? "feed does not exist"
                                    : "feedId must not be null and must be greater than 0"),
        kHtmlType);
    return;
  }
  res.status = 200;
  res.set_content(MaybeMalformed(std::move(*xml)), kAtomType);
}

}  // namespace avni::openmrssim
