#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "http/client.hpp"
#include "openmrs/config.hpp"
#include "openmrs/model.hpp"

// The client of one OpenMRS (Bahmni) server: webservices.rest under /openmrs/ws/rest/v1 and
// the Atom feeds under /openmrs/ws/atomfeed, as one tenant's configuration reaches them.
namespace avni::openmrs {

// Metadata a Bahmni tenant's constants and mapping rows name, checked by uuid.
enum class MetadataType {
  kConcept,
  kEncounterType,
  kVisitType,
  kVisitAttributeType,
  kLocation,
  kPatientIdentifierType,
  kPersonAttributeType,
  kProvider,
  kEncounterRole,
};
// The REST resource's name: "concept", "encountertype", ...
std::string_view ResourceName(MetadataType type);

struct ClientStats {
  std::int64_t requests = 0;
  std::int64_t logins = 0;
  std::int64_t relogins = 0;  // calls retried after OpenMRS refused the session
};

// Thread-safe: any number of flows may call one client at once (they share its session and its
// connections). Every call carries the session cookie (signing in first, and again once after
// a 401/403), and failures are classified as the sync engine reads them (ClassifyOpenmrs):
// kUnavailable / kUnauthenticated / kRateLimited are availability (retry later, never park);
// other codes are about the data (kInvalidArgument for OpenMRS's validation and conversion
// refusals, kNotFound for an unknown uuid). Messages name the call, identifiers and uuids,
// never a name or an observation's value. A server whose address `http_options.targets`
// refuses is an availability failure whose message starts with "openmrs_base_url: ".
class Client {
 public:
  Client(OpenmrsConfig config, http::ClientOptions http_options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Signs in (or reuses the session): what `bahmni check` calls first.
  Status Login();

  // --- Generic calls. `path` is relative to the REST root, e.g. "patient?identifier=X". -------
  // nullopt on 404.
  Result<std::optional<nlohmann::json>> Get(std::string_view path);
  // Every result of a search, following `links` rel=next to the end.
  Result<std::vector<nlohmann::json>> List(std::string_view path);
  // The created or updated resource as OpenMRS answered it.
  Result<nlohmann::json> Post(std::string_view path, const nlohmann::json& body);
  // DELETE (voids, or retires metadata). A 404 is success: nothing is left to void.
  Status Delete(std::string_view path);
  // A document outside the REST root, by absolute path ("/openmrs/ws/atomfeed/patient/3"):
  // its body, or nullopt on 404. For the Atom feeds.
  Result<std::optional<std::string>> GetDocument(std::string_view path, std::string_view accept);

  // --- Patients and persons. ----------------------------------------------------------------
  // Patients holding this identifier exactly (OpenMRS's search also matches other
  // identifiers' prefixes; those are left out).
  Result<std::vector<Patient>> FindPatientsByIdentifier(std::string_view identifier);
  Result<std::optional<Patient>> GetPatient(std::string_view uuid);
  // Creates the patient with its person in one request (webservices.rest creates the inline
  // person in the patient's transaction, so a failure leaves no person behind). A retry is
  // safe: a patient already holding the first identifier is returned instead of a duplicate.
  Result<Patient> CreatePatient(const NewPatient& patient);
  Status VoidPatient(std::string_view uuid);
  Result<std::optional<Person>> GetPerson(std::string_view uuid);
  // Sets these attributes (attribute type uuid, value); OpenMRS voids the value each replaces.
  Status UpdatePersonAttributes(std::string_view person_uuid,
                                const std::vector<std::pair<std::string, std::string>>& values);

  // --- Encounters. ---------------------------------------------------------------------------
  // The patient's encounters (of one type when `encounter_type` is not empty), v=full.
  Result<std::vector<Encounter>> FindEncounters(std::string_view patient,
                                                std::string_view encounter_type = "");
  // The patient's encounters with an obs of `concept_uuid` whose value is `value` (how the Bahmni
  // integration finds the encounter carrying an Avni uuid), v=full.
  Result<std::vector<Encounter>> FindEncountersByObs(std::string_view patient,
                                                     std::string_view concept_uuid,
                                                     std::string_view value);
  Result<std::optional<Encounter>> GetEncounter(std::string_view uuid);
  // Returns the new encounter's uuid.
  Result<std::string> CreateEncounter(const NewEncounter& encounter);
  // POST encounter/{uuid} with `changes` (e.g. {"obs": ObsChanges(...)}, "encounterDatetime").
  Status UpdateEncounter(std::string_view uuid, const nlohmann::json& changes);
  // Makes `existing`'s observations `wanted` (ObsChanges); sends nothing when nothing changes.
  // True when something was sent.
  Result<bool> UpdateEncounterObs(const Encounter& existing, const std::vector<NewObs>& wanted);
  Status VoidEncounter(std::string_view uuid);

  // --- Visits. -------------------------------------------------------------------------------
  // The patient's visits (at `location` when not empty; inactive, i.e. ended, ones too when
  // `include_inactive`), v=full.
  Result<std::vector<Visit>> FindVisits(std::string_view patient, std::string_view location = "",
                                        bool include_inactive = true);
  Result<std::optional<Visit>> GetVisit(std::string_view uuid);
  // Returns the new visit's uuid.
  Result<std::string> CreateVisit(const NewVisit& visit);
  Status VoidVisit(std::string_view uuid);

  // --- Metadata. -----------------------------------------------------------------------------
  // A concept with its datatype and answers; nullopt when there is none. Cached for the
  // client's life (metadata does not change within a run).
  Result<std::optional<Concept>> GetConcept(std::string_view uuid);
  // Found (true), not found (false), or could not ask (an error). Found answers are cached.
  Result<bool> Exists(MetadataType type, std::string_view uuid);

  ClientStats Stats() const;
  const OpenmrsConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace avni::openmrs
