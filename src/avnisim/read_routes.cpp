// The paged reads and single reads of avni-server's external API (its *ApiController GETs).

#include <chrono>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <httplib.h>

#include "avnisim/http_util.hpp"
#include "avnisim/simulator.hpp"

namespace avni::sim {
namespace {

using nlohmann::json;
using ConceptValues = std::map<std::string, std::string>;

// avni-server's default `now`: records changed in the last 10 s are left for the next read,
// so that transactions still committing are not skipped.
constexpr auto kNowLag = std::chrono::seconds(10);
constexpr const char* kBadRequestError = "org.avni.server.util.BadRequestError";

// ConceptService.readConceptsFromJsonObject: a JSON object of concept name -> value; an
// unknown name or a body that is not such an object is a BadRequestError (400).
std::optional<ConceptValues> ReadConcepts(const Metadata& metadata,
                                          const std::optional<std::string>& text,
                                          httplib::Response& res) {
  ConceptValues values;
  if (!text) return values;
  const json parsed = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) {
    SendTrace(res, 400, kBadRequestError,
              "Bad Request: concepts parameter is not a valid json object");
    return std::nullopt;
  }
  for (const auto& [name, value] : parsed.items()) {
    if (metadata.Concept(name) == nullptr) {
      SendTrace(res, 400, kBadRequestError,
                fmt::format("Bad Request: One of the specified concept({}) does not exist", name));
      return std::nullopt;
    }
    values[name] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  return values;
}

// Matched against the raw stored value, as avni-server's SQL compares observations->>uuid: a
// coded answer is stored as the answer concept's UUID, so an answer name never matches.
bool MatchesConcepts(const Metadata& metadata, const json& entity, const ConceptValues& values,
                     const char* field = "observations") {
  for (const auto& [name, value] : values) {
    const ConceptDef* concept_def = metadata.Concept(name);
    if (concept_def == nullptr || concept_def->data_type == "Coded") return false;
    const auto obs = entity.find(field);
    if (obs == entity.end() || !obs->contains(name)) return false;
    const json& stored = (*obs)[name];
    if ((stored.is_string() ? stored.get<std::string>() : stored.dump()) != value) return false;
  }
  return true;
}

bool Equals(const json& entity, const char* key, const std::optional<std::string>& wanted) {
  if (!wanted) return true;
  const auto it = entity.find(key);
  return it != entity.end() && it->is_string() && it->get<std::string>() == *wanted;
}

// A required @RequestParam that is missing: Spring's MissingServletRequestParameterException.
bool RequireParam(const httplib::Request& req, httplib::Response& res, const char* name) {
  if (req.has_param(name)) return true;
  SendProblem(res, fmt::format("Required parameter '{}' is not present.", name), req.path);
  return false;
}

}  // namespace

// The window parameters of one read; false when a 400 has been sent.
static bool ReadWindow(const httplib::Request& req, httplib::Response& res,
                       std::optional<Timestamp>& since, std::optional<Timestamp>& now) {
  const auto parsed_since = ParseTimeParam(req, "lastModifiedDateTime");
  const auto parsed_now = ParseTimeParam(req, "now");
  for (const auto* parsed : {&parsed_since, &parsed_now}) {
    if (!parsed->has_value()) {
      res.status = 400;
      res.set_content(parsed->error(), kText);
      return false;
    }
  }
  since = *parsed_since;
  now = *parsed_now;
  return true;
}

void Simulator::RouteReads() {
  const auto bind = [this](Handler handler) {
    return [this, handler](const httplib::Request& req, httplib::Response& res) {
      (this->*handler)(req, res);
    };
  };
  server_->Get("/api/subjects", bind(&Simulator::GetSubjects));
  server_->Get("/api/encounters", bind(&Simulator::GetEncounters));
  server_->Get("/api/programEnrolments", bind(&Simulator::GetEnrolments));
  server_->Get("/api/programEncounters", bind(&Simulator::GetProgramEncounters));
  server_->Get("/api/groupSubjects", bind(&Simulator::GetGroupSubjects));
  server_->Get("/api/locations", bind(&Simulator::GetLocations));
  server_->Get("/api/tasks", bind(&Simulator::GetTasks));
  for (const auto& [path, store] :
       {std::pair{R"(/api/subject/([^/]+))", &Stores::subjects},
        std::pair{R"(/api/encounter/([^/]+))", &Stores::encounters},
        std::pair{R"(/api/programEnrolment/([^/]+))", &Stores::enrolments},
        std::pair{R"(/api/programEncounter/([^/]+))", &Stores::program_encounters}}) {
    server_->Get(path, [this, store](const httplib::Request& req, httplib::Response& res) {
      GetOne(store, req, res);
    });
  }
}

void Simulator::GetOne(EntityStore Stores::*store, const httplib::Request& req,
                       httplib::Response& res) {
  std::string body;
  {
    std::lock_guard lock(data_mutex_);
    const json* entity = (stores_.*store).Find(req.matches[1].str());
    if (entity == nullptr) {
      res.status = 404;  // ResponseEntity(NOT_FOUND): no body
      return;
    }
    body = entity->dump();
  }
  res.set_content(MaybeMalformed(std::move(body)), kJson);
}

void Simulator::GetSubjects(const httplib::Request& req, httplib::Response& res) {
  std::optional<Timestamp> since, now;
  if (!ReadWindow(req, res, since, now)) return;
  // The slice's contract, kept: the window always applies, from the epoch when not sent.
  const Window window{since.value_or(Timestamp{}), now.value_or(Now() - kNowLag), false};
  // avni-server binds only `subjectType` (a `subjectTypeName` is ignored, as here).
  const auto subject_type = TextParam(req, "subjectType");
  const PageRequest paging = ParsePaging(req);
  std::string body;
  {
    std::lock_guard lock(data_mutex_);
    const auto concepts = ReadConcepts(metadata_, TextParam(req, "concepts"), res);
    if (!concepts) return;
    // locationIds with their descendants; ids that match no location add nothing, and an
    // empty set filters nothing (IndividualRepository.findSubjects).
    std::set<std::string> locations;
    if (const auto ids = TextParam(req, "locationIds")) {
      std::set<std::string> wanted;
      std::stringstream stream(*ids);
      for (std::string id; std::getline(stream, id, ',');) wanted.insert(id);
      for (const json& location : stores_.locations.All()) {
        for (const json* at = &location; at->is_object(); at = &(*at)["Parent"]) {
          if (wanted.contains(at->value("ID", ""))) {
            locations.insert(location["ID"].get<std::string>());
            break;
          }
          if (!at->contains("Parent")) break;
        }
      }
    }
    const auto filter = [&](const json& s) {
      return Equals(s, "Subject type", subject_type) &&
             (locations.empty() || locations.contains(s.value("Location ID", ""))) &&
             MatchesConcepts(metadata_, s, *concepts);
    };
    // A concept search goes through the index of its first concept (an identifier search
    // must not cost the whole store); the filter still checks every condition.
    body = Envelope(
        concepts->empty()
            ? stores_.subjects.Query(window, filter, paging.page, paging.size)
            : stores_.subjects.QueryObservation(concepts->begin()->first, concepts->begin()->second,
                                                window, filter, paging.page, paging.size),
        paging);
  }
  res.set_content(MaybeMalformed(std::move(body)), kJson);
}

void Simulator::GetEncounters(const httplib::Request& req, httplib::Response& res) {
  GetVisits(&Stores::encounters, "subjectId", "Subject ID", req, res);
}

void Simulator::GetProgramEncounters(const httplib::Request& req, httplib::Response& res) {
  GetVisits(&Stores::program_encounters, "programEnrolmentId", "Enrolment ID", req, res);
}

// General and program encounters are read alike: a window, the encounter type, the parent's id
// and concept values.
void Simulator::GetVisits(EntityStore Stores::*store, const char* parent_param,
                          const char* parent_key, const httplib::Request& req,
                          httplib::Response& res) {
  std::optional<Timestamp> since, now;
  if (!RequireParam(req, res, "now") || !ReadWindow(req, res, since, now)) return;
  const auto type = TextParam(req, "encounterType");
  const auto parent = TextParam(req, parent_param);
  const PageRequest paging = ParsePaging(req);
  std::string body;
  {
    std::lock_guard lock(data_mutex_);
    const auto concepts = ReadConcepts(metadata_, TextParam(req, "concepts"), res);
    if (!concepts) return;
    const auto filter = [&](const json& e) {
      return Equals(e, "Encounter type", type) && Equals(e, parent_key, parent) &&
             MatchesConcepts(metadata_, e, *concepts);
    };
    const EntityStore& entities = stores_.*store;
    const Window window{since, now, false};
    body = Envelope(concepts->empty() ? entities.Query(window, filter, paging.page, paging.size)
                                      : entities.QueryObservation(concepts->begin()->first,
                                                                  concepts->begin()->second, window,
                                                                  filter, paging.page, paging.size),
                    paging);
  }
  res.set_content(MaybeMalformed(std::move(body)), kJson);
}

void Simulator::GetEnrolments(const httplib::Request& req, httplib::Response& res) {
  std::optional<Timestamp> since, now;
  if (!RequireParam(req, res, "now") || !ReadWindow(req, res, since, now)) return;
  const auto program = TextParam(req, "program");
  const auto subject = TextParam(req, "subject");
  // ProgramEnrolmentApiController: lmdt alone, lmdt + program, or program + subject (then no
  // window at all); anything else is a bare 400.
  const bool by_parent = program && subject;
  if (!by_parent && !(since && !subject)) {
    res.status = 400;
    return;
  }
  const Window window = by_parent ? Window{} : Window{since, now, false};
  const std::optional<std::string>& by_program = program;
  const std::optional<std::string> by_subject = by_parent ? subject : std::nullopt;
  const PageRequest paging = ParsePaging(req);
  std::string body;
  {
    std::lock_guard lock(data_mutex_);
    const auto filter = [&](const json& e) {
      return Equals(e, "Program", by_program) && Equals(e, "Subject ID", by_subject);
    };
    body = Envelope(stores_.enrolments.Query(window, filter, paging.page, paging.size), paging);
  }
  res.set_content(MaybeMalformed(std::move(body)), kJson);
}

void Simulator::GetGroupSubjects(const httplib::Request& req, httplib::Response& res) {
  std::optional<Timestamp> since, now;
  if (!RequireParam(req, res, "now") || !ReadWindow(req, res, since, now)) return;
  const auto group = TextParam(req, "groupSubjectId");
  const auto member = TextParam(req, "memberSubjectId");
  // GroupSubjectApiController: a group or member id without lmdt (no window), else lmdt with
  // an inclusive window (a derived IsBetween query); else a bare 400.
  Window window;
  std::function<bool(const json&)> filter;
  const auto subject_id = [](const json& g, const char* role) {
    const auto it = g.find(role);
    return it != g.end() && it->is_object() ? it->value("ID", "") : std::string();
  };
  if (group && !since) {
    filter = [&](const json& g) { return subject_id(g, "Group subject") == *group; };
  } else if (member && !since) {
    filter = [&](const json& g) { return subject_id(g, "Member subject") == *member; };
  } else if (since) {
    window = Window{since, now, true};
  } else {
    res.status = 400;
    return;
  }
  const PageRequest paging = ParsePaging(req);
  std::string body;
  {
    std::lock_guard lock(data_mutex_);
    body = Envelope(stores_.group_subjects.Query(window, filter, paging.page, paging.size), paging);
  }
  res.set_content(MaybeMalformed(std::move(body)), kJson);
}

void Simulator::GetLocations(const httplib::Request& req, httplib::Response& res) {
  std::optional<Timestamp> since, now;
  if (!ReadWindow(req, res, since, now)) return;
  // LocationApiController: lmdt defaults to a really old date; the window is an inclusive
  // IsBetween. Without `now` the query compares with NULL and finds nothing.
  const PageRequest paging = ParsePaging(req);
  std::string body;
  {
    std::lock_guard lock(data_mutex_);
    EntityPage page;
    if (now) {
      page = stores_.locations.Query({since.value_or(Timestamp{}), now, true}, nullptr, paging.page,
                                     paging.size);
    }
    body = Envelope(std::move(page), paging);
  }
  res.set_content(MaybeMalformed(std::move(body)), kJson);
}

void Simulator::GetTasks(const httplib::Request& req, httplib::Response& res) {
  for (const char* name : {"type", "isTerminalStatus", "metadata"}) {
    if (!RequireParam(req, res, name)) return;
  }
  const std::string terminal = req.get_param_value("isTerminalStatus");
  if (terminal != "true" && terminal != "false") {
    SendProblem(res, "Failed to convert 'isTerminalStatus' with value: '" + terminal + "'",
                req.path);
    return;
  }
  const std::string type = req.get_param_value("type");
  const PageRequest paging = ParsePaging(req);
  std::string body;
  {
    std::lock_guard lock(data_mutex_);
    const auto metadata = ReadConcepts(metadata_, req.get_param_value("metadata"), res);
    if (!metadata) return;
    const auto filter = [&](const json& t) {
      const std::string status = t.value("Task status", "");
      const bool is_terminal = status == "Completed" || status == "Cancelled";
      return t.value("Task type", "") == type && is_terminal == (terminal == "true") &&
             MatchesConcepts(metadata_, t, *metadata, "metadata");
    };
    body = Envelope(stores_.tasks.Query({}, filter, paging.page, paging.size), paging);
  }
  res.set_content(MaybeMalformed(std::move(body)), kJson);
}

}  // namespace avni::sim
