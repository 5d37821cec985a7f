#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace avni::openmrssim {

// A concept's datatype as OpenMRS names it (ConceptDatatype.name).
enum class Datatype { kText, kNumeric, kDate, kDatetime, kCoded, kNA };
std::string_view DatatypeName(Datatype datatype);
std::string_view Hl7Abbreviation(Datatype datatype);

struct ConceptDef {
  std::string uuid;
  std::string name;
  Datatype datatype = Datatype::kText;
  std::string concept_class = "Misc";    // "Question", "ConvSet" (form sets), "Test", "Misc"
  bool set = false;                      // a form's concept set: its members are setMembers
  std::vector<std::string> answers;      // uuids, Coded only
  std::vector<std::string> set_members;  // uuids, sets only
  std::string units;                     // Numeric only
};

// A row of read-only metadata served as its own resource (encountertype, visittype, location,
// provider, encounterrole, patientidentifiertype, personattributetype, visitattributetype).
struct MetaDef {
  std::string uuid;
  std::string name;
  std::string description;
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();  // the resource's own fields
};

// Names of the metadata the Bahmni contract (reference/bahmni-mappings.md) refers to.
inline constexpr std::string_view kAvniUuidConcept = "Avni Entity UUID";
inline constexpr std::string_view kEventDateConcept = "Event Date";
inline constexpr std::string_view kProgramDataConcept = "Program Data";
inline constexpr std::string_view kAvniUuidVisitAttribute = "Avni UUID";
inline constexpr std::string_view kEventDateVisitAttribute = "Avni Event Date";
inline constexpr std::string_view kIdentifierType = "Patient Identifier";
inline constexpr std::string_view kLocation = "Ganiyari";
inline constexpr std::string_view kProvider = "Avni Integration";
inline constexpr std::string_view kEncounterRole = "Unknown";
inline constexpr std::string_view kIntegrationVisitType = "Avni Integration";
inline constexpr std::string_view kLabEncounterType = "LAB_RESULT";
inline constexpr std::string_view kConsultationEncounterType = "Consultation";
inline constexpr std::string_view kPhoneAttributeType = "phoneNumber";

// The server's metadata: concepts (with datatypes, answers and form sets) and the other
// read-only resources, under UUIDs that depend only on names (StableUuid), so that the
// committed mapping example stays valid. Matches the Avni simulator's defaults
// (src/avnisim/metadata.cpp) concept for concept, plus what the Bahmni contract needs.
// Immutable after construction: safe to read from any thread.
class Metadata {
 public:
  // `text_concepts`: how many "Concept k" Text concepts (the Avni simulator's generated
  // observations) exist; the example mapping covers the default.
  static Metadata Defaults(int text_concepts = kDefaultTextConcepts);
  static constexpr int kDefaultTextConcepts = 20;

  const ConceptDef* Concept(std::string_view uuid) const;
  const ConceptDef* ConceptByName(std::string_view name) const;
  const std::vector<ConceptDef>& Concepts() const { return concepts_; }

  // `resource` is the REST resource name, e.g. "encountertype".
  const MetaDef* Find(std::string_view resource, std::string_view uuid) const;
  const MetaDef* FindByName(std::string_view resource, std::string_view name) const;
  const std::vector<MetaDef>* List(std::string_view resource) const;
  // The uuid of the named metadata; "" when there is none.
  std::string UuidOf(std::string_view resource, std::string_view name) const;
  std::string ConceptUuid(std::string_view name) const;

  // GET /_sim/metadata: every concept and resource row with its uuid.
  nlohmann::json ToJson() const;

 private:
  void AddConcept(ConceptDef def);
  void Add(std::string_view resource, MetaDef def);

  std::vector<ConceptDef> concepts_;
  std::map<std::string, std::size_t, std::less<>> concept_by_uuid_;
  std::map<std::string, std::size_t, std::less<>> concept_by_name_;
  std::map<std::string, std::vector<MetaDef>, std::less<>> resources_;
};

}  // namespace avni::openmrssim
