// Writes of avni-server's external API: POST (External ID upsert), PUT, PATCH and DELETE
// (voiding) of subjects, encounters, enrolments and program encounters, and POST /api/task.
// Each is checked completely before anything is stored: a refused write changes nothing.

#include <fmt/format.h>
#include <httplib.h>

#include "avnisim/http_util.hpp"
#include "avnisim/simulator.hpp"
#include "avnisim/write_support.hpp"

namespace avni::sim {
namespace {

using nlohmann::json;

std::string OrNull(const std::string& text) { return text.empty() ? "null" : text; }

json Value(const json& body, const char* key) { return body.value(key, json(nullptr)); }

// The parent a body names by ID or by External ID.
const json* FindParent(const EntityStore& store, const json& body, const char* id_key,
                       const char* external_key) {
  const std::string id = StringAt(body, id_key);
  const json* found = id.empty() ? nullptr : store.FindById(id);
  const std::string external = StringAt(body, external_key);
  if (found == nullptr && !external.empty()) found = store.FindByExternalId(external);
  return found;
}

// The entity's subject, as the body names it by "Subject ID" or "Subject external ID".
std::expected<void, WriteError> LinkSubject(const Stores& stores, const json& body, json& e) {
  const json* subject = FindParent(stores.subjects, body, "Subject ID", "Subject external ID");
  if (subject == nullptr) {
    return std::unexpected(IllegalArgument(fmt::format(
        "Individual not found with UUID '{}' or External ID '{}'",
        OrNull(StringAt(body, "Subject ID")), OrNull(StringAt(body, "Subject external ID")))));
  }
  e["Subject ID"] = (*subject)["ID"];
  e["Subject external ID"] = (*subject)["External ID"];
  e["Subject type"] = (*subject)["Subject type"];
  return {};
}

Built BuildEncounter(const Metadata& metadata, const Stores& stores, json e, const json& body,
                     bool patch, bool program) {
  const auto has = [&](const char* key) { return !patch || body.contains(key); };
  const bool is_new = !e.contains("Encounter type");
  if (program &&
      (is_new || body.contains("Enrolment ID") || body.contains("Enrolment external ID"))) {
    const json* enrolment =
        FindParent(stores.enrolments, body, "Enrolment ID", "Enrolment external ID");
    if (enrolment == nullptr) {
      return std::unexpected(IllegalArgument(
          fmt::format("ProgramEnrolment not found with UUID '{}' or External ID '{}'",
                      OrNull(StringAt(body, "Enrolment ID")),
                      OrNull(StringAt(body, "Enrolment external ID")))));
    }
    e["Enrolment ID"] = (*enrolment)["ID"];
    e["Enrolment external ID"] = (*enrolment)["External ID"];
    e["Program"] = (*enrolment)["Program"];
    const json* subject = stores.subjects.FindById((*enrolment)["Subject ID"]);
    e["Subject ID"] = (*enrolment)["Subject ID"];
    e["Subject external ID"] = subject ? (*subject)["External ID"] : json(nullptr);
    e["Subject type"] = (*enrolment)["Subject type"];
  } else if (!program &&
             (is_new || body.contains("Subject ID") || body.contains("Subject external ID"))) {
    if (auto linked = LinkSubject(stores, body, e); !linked) return std::unexpected(linked.error());
  }
  if (has("Encounter type")) {
    const std::string type = StringAt(body, "Encounter type");
    if (!metadata.Has(metadata.encounter_types, type)) {
      return std::unexpected(
          IllegalArgument(fmt::format("Encounter type not found with name '{}'", type)));
    }
    e["Encounter type"] = type;
  }
  const std::string external_id = StringAt(body, "External ID");
  if (!external_id.empty()) e["External ID"] = external_id;
  if (!e.contains("External ID")) e["External ID"] = nullptr;
  for (const auto& [request_key, key] :
       {std::pair{"Encounter date time", "Encounter date time"},
        std::pair{"Earliest scheduled date", "Earliest scheduled date"},
        std::pair{"Max scheduled date", "Max scheduled date"},
        std::pair{"Cancel date time", "Cancel date time"},
        std::pair{"Encounter location", "Encounter Coordinates"},
        std::pair{"Cancel location", "Cancel location"}}) {
    if (has(request_key)) e[key] = Value(body, request_key);
  }
  for (const char* key : {"observations", "cancelObservations"}) {
    json obs = e.value(key, json::object());
    if (has(key)) {
      const auto applied = ApplyObservations(metadata, body.value(key, json::object()), obs, patch);
      if (!applied) return std::unexpected(applied.error());
    }
    e[key] = std::move(obs);
  }
  if (has("Voided")) e["Voided"] = body.value("Voided", false);
  if (!e.contains("Voided")) e["Voided"] = false;
  if (e["Encounter date time"].is_null() && e["Earliest scheduled date"].is_null()) {
    return std::unexpected(
        ValidationError("Both encounter datetime and earliest visit datetime cannot be null"));
  }
  return e;
}

Built BuildEnrolment(const Metadata& metadata, const Stores& stores, json e, const json& body) {
  const bool is_new = !e.contains("Program");
  if (is_new || body.contains("Subject ID") || body.contains("Subject external ID")) {
    if (auto linked = LinkSubject(stores, body, e); !linked) return std::unexpected(linked.error());
  }
  const std::string program = StringAt(body, "Program");
  if (!metadata.Has(metadata.programs, program)) {
    return std::unexpected(
        IllegalArgument(fmt::format("Program not found with name '{}'", program)));
  }
  e["Program"] = program;
  const std::string external_id = StringAt(body, "External ID");
  if (!external_id.empty()) e["External ID"] = external_id;
  if (!e.contains("External ID")) e["External ID"] = nullptr;
  e["Enrolment datetime"] = Value(body, "Enrolment datetime");
  e["Exit datetime"] = Value(body, "Exit datetime");
  e["Enrolment Coordinates"] = Value(body, "Enrolment location");
  e["Exit location"] = Value(body, "Exit location");
  for (const char* key : {"observations", "exitObservations"}) {
    json obs = json::object();
    const auto applied = ApplyObservations(metadata, body.value(key, json::object()), obs, false);
    if (!applied) return std::unexpected(applied.error());
    e[key] = std::move(obs);
  }
  e["Voided"] = body.value("Voided", false);
  if (!e.contains("encounters")) e["encounters"] = json::array();
  return e;
}

Built BuildTask(const Metadata& metadata, const Stores& stores, json t, const json& body) {
  const std::string type = StringAt(body, "Task type");
  if (!metadata.Has(metadata.task_types, type)) {
    return std::unexpected(
        IllegalArgument(fmt::format("Task type not found with name '{}'", type)));
  }
  const std::string status = StringAt(body, "Task status");
  if (!metadata.Has(metadata.task_statuses, status)) {
    return std::unexpected(
        IllegalArgument(fmt::format("Task status not found with name '{}'", status)));
  }
  const json* subject = FindParent(stores.subjects, body, "Subject ID", "Subject external ID");
  t["Task type"] = type;
  t["Task status"] = status;
  t["Subject ID"] = subject ? (*subject)["ID"] : json(nullptr);
  t["Subject external ID"] = subject ? (*subject)["External ID"] : json(nullptr);
  for (const char* key : {"Name", "Scheduled on", "Completed on", "Assigned to"}) {
    t[key] = Value(body, key);
  }
  const std::string external_id = StringAt(body, "External ID");
  t["External ID"] =
      external_id.empty() ? t.value("External ID", json(nullptr)) : json(external_id);
  for (const char* key : {"metadata", "observations"}) {
    json obs = json::object();
    const auto applied = ApplyObservations(metadata, body.value(key, json::object()), obs, false);
    if (!applied) return std::unexpected(applied.error());
    t[key] = std::move(obs);
  }
  t["Voided"] = body.value("Voided", false);
  return t;
}

void Send(httplib::Response& res, const WriteError& error) {
  res.status = error.status;
  res.set_content(error.body, error.content_type);
}

}  // namespace

void Simulator::RouteWrites() {
  for (const std::string kind : {"subject", "encounter", "programEnrolment", "programEncounter"}) {
    const std::string one = "/api/" + kind + "/([^/]+)";
    const auto write = [this, kind](const httplib::Request& req, httplib::Response& res) {
      Write(kind, req, res);
    };
    server_->Post("/api/" + kind, write);
    server_->Put(one, write);
    server_->Delete(one, [this, kind](const httplib::Request& req, httplib::Response& res) {
      Delete(kind, req, res);
    });
    if (kind == "subject" || kind == "encounter") {
      server_->Patch(one, write);
    } else {
      // No @PatchMapping in their controllers: Spring answers 405.
      server_->Patch(one, [](const httplib::Request& req, httplib::Response& res) {
        SendProblem(res, "Method 'PATCH' is not supported.", req.path);
        res.status = 405;
      });
    }
  }
  server_->Post("/api/task", [this](const httplib::Request& req, httplib::Response& res) {
    Write("task", req, res);
  });
}

void Simulator::Write(const std::string& kind, const httplib::Request& req,
                      httplib::Response& res) {
  const json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) {
    SendProblem(res, "Failed to read request", req.path);
    return;
  }
  const bool post = req.method == "POST";
  const bool patch = req.method == "PATCH";
  int version = 1;
  if (const auto text = TextParam(req, "version")) version = std::atoi(text->c_str());
  const std::string timestamp = FormatIso8601(Now());

  std::lock_guard lock(data_mutex_);
  EntityStore& store = kind == "subject"            ? stores_.subjects
                       : kind == "encounter"        ? stores_.encounters
                       : kind == "programEnrolment" ? stores_.enrolments
                       : kind == "task"             ? stores_.tasks
                                                    : stores_.program_encounters;
  const std::string external_id = StringAt(body, "External ID");
  const json* existing = nullptr;
  if (post) {
    // The upsert: a POST with an External ID updates the entity that has it.
    if (!external_id.empty()) existing = store.FindByExternalId(external_id);
  } else {
    existing = store.FindById(req.matches[1].str());
    if (existing == nullptr && !external_id.empty()) existing = store.FindByExternalId(external_id);
    if (existing == nullptr) {
      const std::string what = kind == "subject"            ? "Subject"
                               : kind == "programEnrolment" ? "ProgramEnrolment"
                                                            : "Encounter";
      Send(res, IllegalArgument(fmt::format("{} not found with id '{}' or External ID '{}'", what,
                                            req.matches[1].str(), OrNull(external_id))));
      return;
    }
  }
  json base = existing
                  ? *existing
                  : json{{"ID", fmt::format("5e5e0000-0000-4000-8000-{:012x}", ++writes_)},
                         {"audit", {{"Created at", timestamp}, {"Created by", CurrentUser()}}}};
  Built built =
      kind == "subject" ? BuildSubject(metadata_, stores_, std::move(base), body, patch, version)
      : kind == "programEnrolment" ? BuildEnrolment(metadata_, stores_, std::move(base), body)
      : kind == "task"             ? BuildTask(metadata_, stores_, std::move(base), body)
                       : BuildEncounter(metadata_, stores_, std::move(base), body, patch,
                                        kind == "programEncounter");
  if (!built) return Send(res, built.error());
  json& entity = *built;
  // The unique (legacy_id, organisation) index: another entity of the kind owns this External ID.
  if (entity["External ID"].is_string()) {
    const json* owner = store.FindByExternalId(entity["External ID"]);
    if (owner != nullptr && (*owner)["ID"] != entity["ID"]) {
      Send(res, {409, fmt::format("Entity create or update failed due to constraint violation: "
                                  "duplicate key value violates unique constraint; Key "
                                  "(legacy_id)=({}) already exists.",
                                  entity["External ID"].get<std::string>())});
      return;
    }
  }
  entity["audit"]["Last modified at"] = timestamp;
  entity["audit"]["Last modified by"] = CurrentUser();
  const std::string id = entity["ID"];
  if (!existing) {
    // A new child is listed by its parent (which keeps its own last-modified time).
    const auto list = [&id](EntityStore& parents, const json& parent_id, const char* field) {
      if (parent_id.is_string()) {
        parents.Amend(parent_id, [&](json& parent) { parent[field].push_back(id); });
      }
    };
    if (kind == "encounter") list(stores_.subjects, entity["Subject ID"], "encounters");
    if (kind == "programEnrolment") list(stores_.subjects, entity["Subject ID"], "enrolments");
    if (kind == "programEncounter") list(stores_.enrolments, entity["Enrolment ID"], "encounters");
  }
  const std::string answer = entity.dump();
  (void)store.Put(std::move(entity));
  res.set_content(answer, kJson);
}

void Simulator::Delete(const std::string& kind, const httplib::Request& req,
                       httplib::Response& res) {
  std::lock_guard lock(data_mutex_);
  EntityStore& store = kind == "subject"            ? stores_.subjects
                       : kind == "encounter"        ? stores_.encounters
                       : kind == "programEnrolment" ? stores_.enrolments
                                                    : stores_.program_encounters;
  const json* found = store.Find(req.matches[1].str());
  if (found == nullptr) {
    res.status = 404;
    return;
  }
  json entity = *found;
  entity["Voided"] = true;
  entity["audit"]["Last modified at"] = FormatIso8601(Now());
  entity["audit"]["Last modified by"] = CurrentUser();
  const std::string answer = entity.dump();
  (void)store.Put(std::move(entity));
  res.set_content(answer, kJson);
}

}  // namespace avni::sim
