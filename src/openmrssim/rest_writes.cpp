// The REST writes of the simulator: creates (201), updates (POST to the uuid, 200) and voids
// (DELETE, 204), as webservices.rest's MainResourceController answers them.

#include <fmt/format.h>
#include <httplib.h>

#include "openmrssim/http_support.hpp"
#include "openmrssim/representation.hpp"
#include "openmrssim/simulator.hpp"

namespace avni::openmrssim {
namespace {

using nlohmann::json;

std::string WritePrivilege(const std::string& verb, const std::string& resource) {
  if (resource == "person") return verb + " People";
  if (resource == "obs") return verb + " Observations";
  return fmt::format(
      "{} {}s", verb,
      std::string(1, static_cast<char>(std::toupper(resource[0]))) + resource.substr(1));
}

// The body as Jackson reads it: anything but JSON is HttpMessageNotReadableException (400).
std::expected<json, RestError> ReadBody(const httplib::Request& req) {
  json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) {
    return std::unexpected(WrapError(
        400, "", "Could not read JSON: the body must be a JSON object",
        "org.springframework.http.converter.json.MappingJackson2HttpMessageConverter:406"));
  }
  return body;
}

RestError ReadOnly(const std::string& resource) {
  return WrapError(400, "",
                   "the simulator's metadata is read-only: " + resource +
                       " (its rows come from the simulator's metadata set)",
                   "simulator");
}

}  // namespace

void Simulator::PostCollection(const httplib::Request& req, httplib::Response& res) {
  const std::string resource = req.matches[1].str();
  if (CurrentAuth().user.empty())
    return SendError(res, NotLoggedIn(WritePrivilege("Add", resource)));
  const auto body = ReadBody(req);
  if (!body) return SendError(res, body.error());
  std::lock_guard lock(data_mutex_);
  const Timestamp now = Now();
  RestResult<std::string> created = std::unexpected(ReadOnly(resource));
  if (resource == "person") {
    created = services_.CreatePerson(*body, now);
  } else if (resource == "patient") {
    created = services_.CreatePatient(*body, now);
  } else if (resource == "encounter") {
    created = services_.CreateEncounter(*body, now);
  } else if (resource == "visit") {
    created = services_.CreateVisit(*body, now);
  }
  if (!created) return SendError(res, created.error());
  const Data& d = services_.data();
  const RenderContext ctx{metadata_, d, RestBase(req), now};
  const Rep rep = ParseRep(req.get_param_value("v")).value_or(Rep::kDefault);
  nlohmann::ordered_json answer;
  if (resource == "person") answer = RenderPerson(ctx, d.persons.at(*created), rep);
  if (resource == "patient") answer = RenderPatient(ctx, d.patients.at(*created), rep);
  if (resource == "encounter") answer = RenderEncounter(ctx, d.encounters.at(*created), rep);
  if (resource == "visit") answer = RenderVisit(ctx, d.visits.at(*created), rep);
  SendJson(res, 201, answer);
}

void Simulator::PostOne(const httplib::Request& req, httplib::Response& res) {
  const std::string resource = req.matches[1].str();
  const std::string uuid = req.matches[2].str();
  if (CurrentAuth().user.empty())
    return SendError(res, NotLoggedIn(WritePrivilege("Edit", resource)));
  const auto body = ReadBody(req);
  if (!body) return SendError(res, body.error());
  std::lock_guard lock(data_mutex_);
  const Timestamp now = Now();
  RestResult<std::string> updated = std::unexpected(ReadOnly(resource));
  if (resource == "person") {
    updated = services_.UpdatePerson(uuid, *body, now);
  } else if (resource == "patient") {
    updated = services_.UpdatePatient(uuid, *body, now);
  } else if (resource == "encounter") {
    updated = services_.UpdateEncounter(uuid, *body, now);
  } else if (resource == "visit") {
    updated = services_.UpdateVisit(uuid, *body, now);
  }
  if (!updated) return SendError(res, updated.error());
  const Data& d = services_.data();
  const RenderContext ctx{metadata_, d, RestBase(req), now};
  const Rep rep = ParseRep(req.get_param_value("v")).value_or(Rep::kDefault);
  nlohmann::ordered_json answer;
  if (resource == "person") answer = RenderPerson(ctx, d.persons.at(*updated), rep);
  if (resource == "patient") answer = RenderPatient(ctx, d.patients.at(*updated), rep);
  if (resource == "encounter") answer = RenderEncounter(ctx, d.encounters.at(*updated), rep);
  if (resource == "visit") answer = RenderVisit(ctx, d.visits.at(*updated), rep);
  SendJson(res, 200, answer);
}

void Simulator::DeleteOne(const httplib::Request& req, httplib::Response& res) {
  const std::string resource = req.matches[1].str();
  const std::string uuid = req.matches[2].str();
  if (CurrentAuth().user.empty()) {
    return SendError(res, NotLoggedIn(WritePrivilege("Delete", resource)));
  }
  std::lock_guard lock(data_mutex_);
  const Timestamp now = Now();
  RestResult<void> voided = std::unexpected(ReadOnly(resource));
  if (resource == "patient") {
    voided = services_.VoidPatient(uuid, now);
  } else if (resource == "encounter") {
    voided = services_.VoidEncounter(uuid, now);
  } else if (resource == "visit") {
    voided = services_.VoidVisit(uuid, now);
  } else if (resource == "obs") {
    voided = services_.VoidObs(uuid, now);
  }
  if (!voided) return SendError(res, voided.error());
  res.status = 204;
}

}  // namespace avni::openmrssim
