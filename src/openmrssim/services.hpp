#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "common/time.hpp"
#include "openmrssim/feed.hpp"
#include "openmrssim/metadata.hpp"
#include "openmrssim/model.hpp"
#include "openmrssim/rest_errors.hpp"
#include "openmrssim/sim_options.hpp"
#include "openmrssim/uuids.hpp"

namespace avni::openmrssim {

template <typename T>
using RestResult = std::expected<T, RestError>;

// Who writes: REST calls follow webservices.rest (its property rules and feed publishing);
// Bahmni's own writes (the /_sim endpoints, generated data) may name the new entity's uuid and
// always publish feed events, as Bahmni's encounter transactions do.
enum class Writer { kRest, kBahmni };

// The simulated OpenMRS service layer: PatientService, PersonService, EncounterService,
// ObsService and VisitService as webservices.rest reaches them, with their validation and the
// atomfeed events their saves write. Bodies are REST request bodies (JSON); failures are the
// RestError the real server answers, and a failed write changes nothing.
// Not thread-safe: the Simulator calls it under its data lock.
class Services {
 public:
  Services(const Metadata& metadata, const SimOptions& options);

  // Forgets every entity, event and count (regenerating data starts here).
  void Reset(std::uint64_t seed);

  RestResult<std::string> CreatePerson(const nlohmann::json& body, Timestamp now,
                                       Writer writer = Writer::kRest);
  RestResult<std::string> UpdatePerson(const std::string& uuid, const nlohmann::json& body,
                                       Timestamp now);
  RestResult<std::string> CreatePatient(const nlohmann::json& body, Timestamp now,
                                        Writer writer = Writer::kRest);
  // A patient save (PatientService.savePatient): publishes a patient event.
  RestResult<std::string> UpdatePatient(const std::string& uuid, const nlohmann::json& body,
                                        Timestamp now);
  RestResult<void> VoidPatient(const std::string& uuid, Timestamp now);

  RestResult<std::string> CreateVisit(const nlohmann::json& body, Timestamp now);
  RestResult<std::string> UpdateVisit(const std::string& uuid, const nlohmann::json& body,
                                      Timestamp now);
  // Voids the visit and its encounters (VisitService.voidVisit).
  RestResult<void> VoidVisit(const std::string& uuid, Timestamp now);

  RestResult<std::string> CreateEncounter(const nlohmann::json& body, Timestamp now,
                                          Writer writer = Writer::kRest);
  // POST encounter/{uuid}: obs sent with their uuid are changed (voided when {"voided": true},
  // else replaced by a new version), obs without one are added, obs not sent stay.
  RestResult<std::string> UpdateEncounter(const std::string& uuid, const nlohmann::json& body,
                                          Timestamp now, Writer writer = Writer::kRest);
  // Voids the encounter and its obs.
  RestResult<void> VoidEncounter(const std::string& uuid, Timestamp now,
                                 Writer writer = Writer::kRest);
  RestResult<void> VoidObs(const std::string& uuid, Timestamp now);

  // Purges (deletes for good, no feed event): a patient whose feed entries stay behind.
  bool PurgePatient(const std::string& uuid);
  bool PurgeEncounter(const std::string& uuid);

  // An encounter feed event of another title (e.g. a bed assignment) pointing at `contents`.
  void PublishOtherEncounterEvent(std::string title, std::string contents, Timestamp now) {
    encounter_feed_.Append(uuids_.Next(), now, std::move(contents), std::move(title));
  }

  // A drug order on an encounter (Bahmni's order entry; generated data and /_sim).
  bool AddDrugOrder(const std::string& encounter, DrugOrder order);

  const Data& data() const { return data_; }
  const FeedLog& PatientFeed() const { return patient_feed_; }
  const FeedLog& EncounterFeed() const { return encounter_feed_; }
  // The duplicate check for the integration's tests: how many patients were created with each
  // identifier, and how many encounters and visits were created carrying each Avni uuid (the
  // "Avni Entity UUID" obs, the "Avni UUID" visit attribute); plus coded obs accepted with an
  // answer that is not among their concept's answers (OpenMRS does not check it).
  nlohmann::json CreationCounts() const;
  // The encounters that carried `avni_uuid` in an Avni Entity UUID obs when created or updated
  // (voided ones too; purged ones not), in the order they were made.
  std::vector<std::string> EncountersCarrying(const std::string& avni_uuid) const;

 private:
  RestResult<void> ReadVisitAttributes(const nlohmann::json& body,
                                       std::vector<VisitAttribute>& out);
  RestResult<void> CheckEncounter(const Encounter& e, Timestamp now) const;
  void PublishEncounter(const Encounter& e, Timestamp now, Writer writer);
  void CountAvniUuids(const Encounter& e);

  const Metadata& metadata_;
  const SimOptions& options_;
  Data data_;
  UuidSource uuids_;
  FeedLog patient_feed_{"Patient", "patient"};
  FeedLog encounter_feed_{"Encounter", "Encounter"};
  std::map<std::string, std::int64_t> identifiers_created_;
  std::map<std::string, std::set<std::string>> avni_uuid_encounters_;
  std::map<std::string, std::set<std::string>> avni_uuid_visits_;
  std::int64_t answers_outside_concept_ = 0;
  std::int64_t next_order_number_ = 1;
};

}  // namespace avni::openmrssim
