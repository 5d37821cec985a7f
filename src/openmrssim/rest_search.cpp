// The REST searches and lists of the simulator, with webservices.rest's paging: the search
// handlers a request's parameters select (PatientByIdentifier, EncounterSearchHandler1_9's
// byObs and 2_0's default, VisitResource's search, ConceptResource's word search).

#include <algorithm>
#include <cctype>
#include <climits>

#include <fmt/format.h>
#include <httplib.h>

#include "openmrssim/http_support.hpp"
#include "openmrssim/representation.hpp"
#include "openmrssim/rest_support.hpp"
#include "openmrssim/rest_time.hpp"
#include "openmrssim/simulator.hpp"

namespace avni::openmrssim {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// webservices.rest.maxResultsDefault and maxResultsAbsolute.
constexpr int kDefaultLimit = 50;
constexpr int kAbsoluteLimit = 100;

// ConceptService word search: every word of the query starts a word of the name.
bool WordsMatch(const std::string& name, const std::string& query) {
  const auto words = [](const std::string& text) {
    std::vector<std::string> out;
    std::string word;
    for (const char c : Lower(text)) {
      if (std::isspace(static_cast<unsigned char>(c))) {
        if (!word.empty()) out.push_back(std::move(word));
        word.clear();
      } else {
        word += c;
      }
    }
    if (!word.empty()) out.push_back(std::move(word));
    return out;
  };
  const auto name_words = words(name);
  const auto query_words = words(query);
  if (query_words.empty()) return false;
  for (const auto& q : query_words) {
    const bool found = std::any_of(name_words.begin(), name_words.end(),
                                   [&q](const std::string& w) { return w.starts_with(q); });
    if (!found) return false;
  }
  return true;
}

// The request parameters webservices.rest treats as controls, not search parameters.
bool IsSpecialParameter(const std::string& name) {
  return name == "v" || name == "limit" || name == "startIndex" || name == "includeAll" ||
         name == "totalCount" || name == "s" || name == "t";
}

// A list answer: one page of `all` with next/prev links as NeedsPaging makes them.
struct Paging {
  int limit = kDefaultLimit;
  int start = 0;
};

std::expected<Paging, RestError> ReadPaging(const httplib::Request& req) {
  Paging paging;
  const auto integer = [&req](const char* name) -> std::optional<int> {
    if (!req.has_param(name)) return std::nullopt;
    const std::string text = req.get_param_value(name);
    try {
      std::size_t used = 0;
      const long value = std::stol(text, &used);
      if (used != text.size() || value > INT32_MAX || value < INT32_MIN) return std::nullopt;
      return static_cast<int>(value);
    } catch (const std::exception&) {
      return std::nullopt;  // RestUtil.getIntegerParam ignores what is not an integer
    }
  };
  if (const auto limit = integer("limit")) {
    if (*limit <= 0) {
      return std::unexpected(
          ServerError("If you specify a number of results to return, it must be >0 and not null",
                      "org.openmrs.module.webservices.rest.web.RequestContext:139"));
    }
    if (*limit > kAbsoluteLimit) {
      return std::unexpected(
          ServerError(fmt::format("Administrator has set absolute limit at {}", kAbsoluteLimit),
                      "org.openmrs.module.webservices.rest.web.RequestContext:141"));
    }
    paging.limit = *limit;
  }
  if (const auto start = integer("startIndex")) paging.start = *start;
  return paging;
}

ordered_json PageOf(const httplib::Request& req, std::vector<ordered_json> all,
                    const Paging& paging, RestError* error) {
  const auto size = static_cast<int>(all.size());
  int end = std::min(paging.start + paging.limit, size);
  if (paging.start < 0 || paging.start > end) {
    // List.subList refuses it: an IndexOutOfBounds or IllegalArgument, so a 500.
    *error = ServerError(fmt::format("fromIndex({}) > toIndex({})", paging.start, end),
                         "java.util.AbstractList:509");
    return nullptr;
  }
  ordered_json results = ordered_json::array();
  for (int i = paging.start; i < end; ++i) results.push_back(std::move(all[i]));
  ordered_json body{{"results", std::move(results)}};
  const bool has_more = size > paging.start + paging.limit;
  if (paging.start > 0 || has_more) {
    // RequestContext: the request's own parameters (but startIndex), each followed by '&'.
    std::string query = "?";
    for (const auto& [name, value] : req.params) {
      if (name == "startIndex") continue;
      query += name + "=" + JavaUrlEncode(value) + "&";
    }
    const std::string base = "http://" + req.get_header_value("Host") + req.path;
    ordered_json links = ordered_json::array();
    if (has_more) {
      links.push_back(
          {{"rel", "next"},
           {"uri", fmt::format("{}{}startIndex={}", base, query, paging.start + paging.limit)},
           {"resourceAlias", nullptr}});
    }
    if (paging.start > 0) {
      const int previous = std::max(paging.start - paging.limit, 0);
      links.push_back(
          {{"rel", "prev"},
           {"uri",
            previous > 0 ? fmt::format("{}{}startIndex={}", base, query, previous) : base + query},
           {"resourceAlias", nullptr}});
    }
    body["links"] = std::move(links);
  }
  if (req.get_param_value("totalCount") == "true") body["totalCount"] = size;
  return body;
}

}  // namespace

void Simulator::GetCollection(const httplib::Request& req, httplib::Response& res) {
  const std::string resource = req.matches[1].str();
  if (CurrentAuth().user.empty()) return SendError(res, NotLoggedIn(ReadPrivilege(resource)));
  const auto rep = ReadRep(req, Rep::kRef);
  if (!rep) return SendError(res, rep.error());
  const auto paging = ReadPaging(req);
  if (!paging) return SendError(res, paging.error());
  const auto param = [&req](const char* name) -> std::optional<std::string> {
    if (!req.has_param(name)) return std::nullopt;
    return req.get_param_value(name);
  };
  bool searching = false;
  for (const auto& [name, value] : req.params) searching = searching || !IsSpecialParameter(name);
  const bool include_all = req.get_param_value("includeAll") == "true";

  std::lock_guard lock(data_mutex_);
  const Data& d = services_.data();
  const RenderContext ctx{metadata_, d, RestBase(req), Now()};
  std::vector<ordered_json> all;
  if (resource == "patient") {
    if (const auto identifier = param("identifier")) {
      const auto owners = d.patients_by_identifier.find(*identifier);
      if (owners != d.patients_by_identifier.end()) {
        for (const auto& uuid : owners->second) {
          const Patient& p = d.patients.at(uuid);
          if (!p.voided) all.push_back(RenderPatient(ctx, p, *rep));
        }
      }
    } else if (const auto q = param("q")) {
      const std::string query = Lower(*q);
      for (const auto& uuid : d.patient_order) {
        const Patient& p = d.patients.at(uuid);
        if (p.voided) continue;
        bool match = std::any_of(p.identifiers.begin(), p.identifiers.end(), [&](const auto& id) {
          return !id.voided && Lower(id.identifier) == query;
        });
        const auto person = d.persons.find(uuid);
        if (!match && person != d.persons.end())
          match = WordsMatch(FullName(person->second), query);
        if (match) all.push_back(RenderPatient(ctx, p, *rep));
      }
    } else {
      return SendError(
          res,
          WrapError(400, "", "Resource does not support this operation: patient is not listable",
                    "org.openmrs.module.webservices.rest.web.resource.impl."
                    "DelegatingCrudResource:215"));
    }
  } else if (resource == "person") {
    const std::string query = param("q").value_or("");
    for (const auto& [uuid, person] : d.persons) {
      if (!person.voided && WordsMatch(FullName(person), query)) {
        all.push_back(RenderPerson(ctx, person, *rep));
      }
    }
  } else if (resource == "encounter") {
    const auto patient_uuid = param("patient");
    const auto concept_uuid = param("obsConcept");
    if (patient_uuid && concept_uuid) {
      // EncounterSearchHandler1_9 ("byObs").
      if (!d.patients.contains(*patient_uuid) || d.patients.at(*patient_uuid).voided) {
        return SendError(res, NotFound());
      }
      const ConceptDef* c = metadata_.Concept(*concept_uuid);
      if (c == nullptr) return SendError(res, NotFound());
      const std::string values = param("obsValues").value_or("");
      std::vector<std::string> wanted;
      {
        std::string current;
        for (const char ch : values) {
          if (ch == ',') {
            wanted.push_back(current);
            current.clear();
          } else {
            current += ch;
          }
        }
        if (!current.empty()) wanted.push_back(current);
      }
      const bool filter = values.find_first_not_of(", ") != std::string::npos;
      // The person's non-voided obs of the concept, newest first, then their encounters.
      std::vector<const Obs*> matching;
      const auto by_patient = d.encounters_by_patient.find(*patient_uuid);
      if (by_patient != d.encounters_by_patient.end()) {
        for (const auto& encounter_uuid : by_patient->second) {
          std::vector<std::string> pending = d.encounters.at(encounter_uuid).obs;
          while (!pending.empty()) {
            const Obs& o = d.obs.at(pending.back());
            pending.pop_back();
            if (o.voided) continue;
            pending.insert(pending.end(), o.members.begin(), o.members.end());
            if (o.concept_uuid != c->uuid) continue;
            if (filter) {
              bool hit = false;
              for (const auto& v : wanted) {
                if (c->datatype == Datatype::kNumeric && o.kind == ValueKind::kNumeric) {
                  char* end = nullptr;
                  const double number = std::strtod(v.c_str(), &end);
                  if (end == v.c_str() || *end != '\0') {
                    return SendError(
                        res, ServerError("null",
                                         "org.openmrs.module.webservices.rest.web.v1_0."
                                         "search.openmrs1_9.EncounterSearchHandler1_9:137"));
                  }
                  hit = hit || number == o.numeric;
                } else if (c->datatype == Datatype::kText && o.kind == ValueKind::kText) {
                  hit = hit || v == o.text;
                } else if (c->datatype == Datatype::kCoded && o.kind == ValueKind::kCoded) {
                  hit = hit || v == o.coded;
                }
              }
              // Other datatypes (Date, ...) match nothing when values are given.
              if (!hit) continue;
            }
            matching.push_back(&o);
          }
        }
      }
      std::stable_sort(matching.begin(), matching.end(), [](const Obs* a, const Obs* b) {
        return a->obs_datetime > b->obs_datetime;
      });
      std::vector<std::string> seen;
      for (const Obs* o : matching) {
        if (std::find(seen.begin(), seen.end(), o->encounter) != seen.end()) continue;
        seen.push_back(o->encounter);
        all.push_back(RenderEncounter(ctx, d.encounters.at(o->encounter), *rep));
      }
    } else if (patient_uuid) {
      // EncounterSearchHandler2_0 ("default"): an unknown patient or type finds nothing.
      const auto type = param("encounterType");
      std::optional<Timestamp> from;
      std::optional<Timestamp> to;
      if (const auto text = param("fromdate")) from = ParseRestDate(*text);
      if (const auto text = param("todate")) to = ParseRestDate(*text);
      const bool patient_known = d.patients.contains(*patient_uuid);
      const bool type_known = !type || metadata_.Find("encountertype", *type) != nullptr;
      if (patient_known && type_known) {
        std::vector<const Encounter*> found;
        const auto by_patient = d.encounters_by_patient.find(*patient_uuid);
        if (by_patient != d.encounters_by_patient.end()) {
          for (const auto& uuid : by_patient->second) {
            const Encounter& e = d.encounters.at(uuid);
            if (e.voided || (type && e.encounter_type != *type)) continue;
            if (req.has_param("visit")) {
              bool in_visit = false;
              for (std::size_t i = 0; i < req.get_param_value_count("visit"); ++i) {
                in_visit = in_visit || req.get_param_value("visit", i) == e.visit;
              }
              if (!in_visit) continue;
            }
            if ((from && e.encounter_datetime < *from) || (to && e.encounter_datetime > *to))
              continue;
            found.push_back(&e);
          }
        }
        std::stable_sort(found.begin(), found.end(), [](const Encounter* a, const Encounter* b) {
          return a->encounter_datetime < b->encounter_datetime;
        });
        if (req.get_param_value("order") == "desc") std::reverse(found.begin(), found.end());
        for (const Encounter* e : found) all.push_back(RenderEncounter(ctx, *e, *rep));
      }
    } else if (!searching) {
      return SendError(
          res,
          WrapError(400, "", "Resource does not support this operation: encounter is not listable",
                    "org.openmrs.module.webservices.rest.web.resource.impl."
                    "DelegatingCrudResource:215"));
    }
  } else if (resource == "visit") {
    const auto patient_uuid = param("patient");
    const auto location = param("location");
    const auto type = param("visitType");
    const auto include_inactive = param("includeInactive");
    if (patient_uuid && !d.patients.contains(*patient_uuid)) return SendError(res, NotFound());
    if (location && metadata_.Find("location", *location) == nullptr)
      return SendError(res, NotFound());
    if (type && metadata_.Find("visittype", *type) == nullptr) return SendError(res, NotFound());
    const bool inactive_too = !include_inactive || *include_inactive == "true";
    std::vector<const Visit*> found;
    const Timestamp now = Now();
    const auto consider = [&](const Visit& v) {
      if (v.voided && !include_all) return;
      if (location && v.location != *location) return;
      if (type && v.visit_type != *type) return;
      if (!inactive_too && v.stop && *v.stop <= now) return;
      found.push_back(&v);
    };
    if (patient_uuid) {
      const auto by_patient = d.visits_by_patient.find(*patient_uuid);
      if (by_patient != d.visits_by_patient.end()) {
        for (const auto& uuid : by_patient->second) consider(d.visits.at(uuid));
      }
    } else {
      for (const auto& uuid : d.visit_order) consider(d.visits.at(uuid));
    }
    // VisitDAO orders by start, newest first.
    std::stable_sort(found.begin(), found.end(),
                     [](const Visit* a, const Visit* b) { return a->start > b->start; });
    for (const Visit* v : found) all.push_back(RenderVisit(ctx, *v, *rep));
  } else if (resource == "concept") {
    const auto q = param("q");
    const auto name = param("name");
    for (const ConceptDef& c : metadata_.Concepts()) {
      if (name && Lower(c.name) != Lower(*name)) continue;
      if (q && !WordsMatch(c.name, *q)) continue;
      all.push_back(RenderConcept(ctx, c, *rep));
    }
  } else if (resource == "obs") {
    // Obs searches are not simulated beyond the empty answer.
  } else if (IsMetaResource(resource)) {
    const auto q = param("q");
    for (const MetaDef& def : *metadata_.List(resource)) {
      if (q && Lower(def.name).find(Lower(*q)) == std::string::npos) continue;
      all.push_back(RenderMeta(ctx, resource, def, *rep));
    }
  } else {
    return SendError(res, WrapError(404, "", "Unknown resource: v1/" + resource,
                                    "org.openmrs.module.webservices.rest.web.api.impl."
                                    "RestServiceImpl:246"));
  }
  RestError error;
  const ordered_json body = PageOf(req, std::move(all), *paging, &error);
  if (body.is_null()) return SendError(res, error);
  SendJson(res, 200, body);
}

}  // namespace avni::openmrssim
