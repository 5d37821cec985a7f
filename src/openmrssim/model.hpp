#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/time.hpp"

namespace avni::openmrssim {

// The entities as OpenMRS keeps them, referring to each other and to metadata by uuid.
// Plain values; the Simulator guards one Data with its data lock.

struct PersonName {
  std::string uuid;
  std::string given_name;
  std::string middle_name;
  std::string family_name;
  bool preferred = false;
  bool voided = false;
};

struct PersonAttribute {
  std::string uuid;
  std::string attribute_type;  // personattributetype uuid
  std::string value;
  bool voided = false;
};

struct Person {
  std::string uuid;
  std::vector<PersonName> names;
  std::string gender;
  std::optional<Timestamp> birthdate;
  bool birthdate_estimated = false;
  std::vector<PersonAttribute> attributes;
  bool voided = false;
  Timestamp created;
  std::optional<Timestamp> changed;
};

struct PatientIdentifier {
  std::string uuid;
  std::string identifier;
  std::string identifier_type;  // patientidentifiertype uuid
  std::string location;         // location uuid
  bool preferred = false;
  bool voided = false;
};

// A patient is a person (one uuid for both, as in OpenMRS) with identifiers.
struct Patient {
  std::string uuid;
  std::vector<PatientIdentifier> identifiers;
  bool voided = false;
  Timestamp created;
  std::optional<Timestamp> changed;
};

enum class ValueKind { kNone, kText, kNumeric, kDatetime, kCoded };

struct Obs {
  std::string uuid;
  std::string concept_uuid;
  std::string person;
  std::string encounter;
  std::string group;                 // the parent obs's uuid; "" at the top level
  std::vector<std::string> members;  // group members' uuids (voided ones too)
  ValueKind kind = ValueKind::kNone;
  std::string text;
  double numeric = 0;
  Timestamp datetime;
  std::string coded;  // answer concept uuid
  Timestamp obs_datetime;
  std::string location;
  bool voided = false;
  std::string void_reason;
  std::string previous_version;  // the obs this one replaced on an update
  Timestamp created;
};

struct EncounterProvider {
  std::string uuid;
  std::string provider;
  std::string encounter_role;
  bool voided = false;
};

// A Bahmni drug order, as the encounter's v=full "orders" shows it.
struct DrugOrder {
  std::string uuid;
  std::string order_number;
  std::string drug;  // the drug's display name
  double dose = 0;
  std::string dose_units;
  int duration = 0;
  std::string duration_units;
  bool as_needed = false;
  Timestamp scheduled;
  bool voided = false;
};

struct Encounter {
  std::string uuid;
  std::string patient;
  std::string encounter_type;
  std::string location;
  std::string visit;
  Timestamp encounter_datetime;
  std::vector<EncounterProvider> providers;
  std::vector<std::string> obs;  // top-level obs uuids, voided ones too
  std::vector<DrugOrder> orders;
  bool voided = false;
  Timestamp created;
  std::optional<Timestamp> changed;
};

struct VisitAttribute {
  std::string uuid;
  std::string attribute_type;  // visitattributetype uuid
  std::string value;
  bool voided = false;
};

struct Visit {
  std::string uuid;
  std::string patient;
  std::string visit_type;
  std::string location;
  Timestamp start;
  std::optional<Timestamp> stop;
  std::vector<VisitAttribute> attributes;
  std::vector<std::string> encounters;
  bool voided = false;
  Timestamp created;
  std::optional<Timestamp> changed;
};

struct Data {
  std::map<std::string, Person> persons;
  std::map<std::string, Patient> patients;
  std::map<std::string, Encounter> encounters;
  std::map<std::string, Obs> obs;
  std::map<std::string, Visit> visits;
  // Creation order (the database's ids), which searches follow where OpenMRS does.
  std::vector<std::string> patient_order;
  std::vector<std::string> encounter_order;
  std::vector<std::string> visit_order;
  // Indexes, as the database's: identifier -> patients that carry it (voided ones too), and
  // patient -> its encounters and visits, in creation order.
  std::map<std::string, std::vector<std::string>> patients_by_identifier;
  std::map<std::string, std::vector<std::string>> encounters_by_patient;
  std::map<std::string, std::vector<std::string>> visits_by_patient;

  void Clear() { *this = Data{}; }
};

}  // namespace avni::openmrssim
