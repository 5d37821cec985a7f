#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/time.hpp"

// What the OpenMRS client reads and writes: small structs for what the Bahmni flows use, each
// with the whole answer beside it (`body`) for anything else.
namespace avni::openmrs {

// OpenMRS's date-time as webservices.rest writes and reads it: "2025-05-01T10:00:00.000+0000"
// (always UTC here, with its zone written out).
std::string FormatOpenmrsTime(Timestamp t);
// "yyyy-MM-ddTHH:mm:ss[.SSS][Z|+HHmm|+HH:mm]", or a date alone (midnight UTC); nullopt otherwise.
std::optional<Timestamp> ParseOpenmrsTime(std::string_view text);

struct PatientIdentifier {
  std::string uuid;
  std::string identifier;
  std::string identifier_type;  // uuid
  std::string location;         // uuid; empty when none
  bool preferred = false;
  bool voided = false;
};

struct PersonAttribute {
  std::string uuid;
  std::string attribute_type;  // uuid
  nlohmann::json value;        // as OpenMRS answered: text, or {uuid, display} for a concept
  bool voided = false;
};

struct Person {
  std::string uuid;
  std::string gender;     // "M", "F", "U", "O"
  std::string birthdate;  // as OpenMRS wrote it; empty when unknown
  bool voided = false;
  std::vector<PersonAttribute> attributes;  // not voided
  nlohmann::json body;                      // the v=full answer (names, addresses, ...)
};

struct Patient {
  std::string uuid;  // the patient's and its person's
  bool voided = false;
  std::vector<PatientIdentifier> identifiers;  // not voided
  Person person;
  nlohmann::json body;  // the v=full answer
};

// A patient to create: its person inline and its identifiers.
struct NewPatient {
  std::string given_name;
  std::string family_name;
  std::string gender;                                           // "M", "F", "U"
  std::string birthdate;                                        // yyyy-MM-dd; empty when unknown
  std::vector<std::pair<std::string, std::string>> attributes;  // (attribute type uuid, value)
  std::vector<PatientIdentifier> identifiers;  // identifier, type, location, preferred
};

// One observation as read. A coded answer's `value` is the answer concept's uuid (a string) and
// `coded` is true; other values stay as OpenMRS answered them (text, number, date-time text).
struct Obs {
  std::string uuid;
  std::string concept_uuid;
  nlohmann::json value;
  bool coded = false;
  bool voided = false;
  std::vector<Obs> group_members;  // not voided
};

// One observation to write: a question and its value (text, number, a coded answer's uuid, a
// date as yyyy-MM-dd or a date-time), or a group (`value` null) of members.
struct NewObs {
  std::string concept_uuid;
  nlohmann::json value;
  std::vector<NewObs> group_members;

  bool IsGroup() const { return !group_members.empty(); }
  nlohmann::json ToJson() const;
};

struct EncounterProvider {
  std::string provider;        // uuid
  std::string encounter_role;  // uuid
};

struct Encounter {
  std::string uuid;
  std::optional<Timestamp> encounter_datetime;
  std::string patient_uuid;
  std::string encounter_type;  // uuid
  std::string location;        // uuid; empty when none
  std::string visit_uuid;      // empty when in no visit
  std::string visit_type;      // uuid, when the representation gives the visit's type
  bool voided = false;
  std::vector<Obs> obs;  // top-level, not voided, with their members
  nlohmann::json body;   // the v=full answer (orders, providers, ...)
};

struct NewEncounter {
  std::string patient;         // uuid
  std::string encounter_type;  // uuid
  std::string location;        // uuid; empty: none
  std::string visit;           // uuid; empty: none
  Timestamp encounter_datetime;
  std::vector<EncounterProvider> providers;
  std::vector<NewObs> obs;
};

struct VisitAttribute {
  std::string uuid;
  std::string attribute_type;  // uuid
  std::string value;
  bool voided = false;
};

struct Visit {
  std::string uuid;
  std::string patient_uuid;
  std::string visit_type;  // uuid
  std::string location;    // uuid
  std::optional<Timestamp> start_datetime;
  std::optional<Timestamp> stop_datetime;  // nullopt while the visit is active
  bool voided = false;
  std::vector<VisitAttribute> attributes;  // not voided
  std::vector<std::string> encounter_uuids;
  nlohmann::json body;  // the v=full answer
};

struct NewVisit {
  std::string patient;     // uuid
  std::string visit_type;  // uuid
  std::string location;    // uuid
  Timestamp start_datetime;
  std::optional<Timestamp> stop_datetime;
  std::vector<std::pair<std::string, std::string>> attributes;  // (attribute type uuid, value)
};

struct ConceptRef {
  std::string uuid;
  std::string name;  // OpenMRS's display name
};

struct Concept {
  std::string uuid;
  std::string name;      // display
  std::string datatype;  // "Coded", "Text", "Numeric", "Date", "Datetime", "Boolean", "N/A", ...
  bool is_set = false;
  std::vector<ConceptRef> answers;      // of a coded concept
  std::vector<ConceptRef> set_members;  // of a set (a form)
};

// Parsers of webservices.rest representations. A shape they cannot read (no uuid) is
// kUnavailable: the answer is not OpenMRS's.
Result<Patient> ReadPatient(const nlohmann::json& body);
Result<Person> ReadPerson(const nlohmann::json& body);
Result<Encounter> ReadEncounter(const nlohmann::json& body);
Result<Visit> ReadVisit(const nlohmann::json& body);
Result<Concept> ReadConcept(const nlohmann::json& body);
Obs ReadObs(const nlohmann::json& body);

// The changes that make an encounter's observations `wanted`, as the `obs` list of
// `POST encounter/{uuid}`: existing obs are matched by concept (and, for coded answers, by
// value) level by level; a changed value is voided (`{uuid, voided: true}`) and sent anew; an
// existing obs no longer wanted is voided; a matched group is sent as `{uuid, groupMembers:
// [changes]}`; unchanged obs are not sent. Empty when nothing changes. Values compare as
// numbers when both are numbers, a date equals a date-time at midnight of it, and a coded
// answer by its uuid.
nlohmann::json ObsChanges(const std::vector<Obs>& existing, const std::vector<NewObs>& wanted);

}  // namespace avni::openmrs
