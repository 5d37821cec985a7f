#pragma once
// What every flow of one Bahmni run shares: the tenant's contract, its mapping snapshot, and
// the clients of its two servers. Built once per run by the factory (bahmni.cpp).

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "avni/client.hpp"
#include "integrations/bahmni/contract.hpp"
#include "mapping/mapping_cache.hpp"
#include "mapping/observation_mapper.hpp"
#include "openmrs/client.hpp"
#include "sync/flow.hpp"

namespace avni::integrations::bahmni {

// The JSON body a Bahmni transform put in an outgoing record.
Result<nlohmann::json> OutgoingBody(const sync::Outgoing& out);

struct Context {
  Context(Contract contract, mapping::MappingCache::Snapshot mappings,
          std::unique_ptr<avniapi::Client> avni, std::unique_ptr<openmrs::Client> openmrs,
          const Clock& clock)
      : clock(clock),
        contract(std::move(contract)),
        mappings(std::move(mappings)),
        mapper(*this->mappings, mapping::MapperOptions{}),
        avni(std::move(avni)),
        openmrs(std::move(openmrs)) {}

  std::string PatientIdentifier(std::string_view avni_identifier) const {
    return contract.constants.identifier_prefix + std::string(avni_identifier);
  }

  // The OpenMRS patient holding `identifier` (with the prefix): nullopt when none; a data error
  // when several do.
  Result<std::optional<openmrs::Patient>> FindPatient(const std::string& identifier);

  struct SubjectPatient {
    std::string subject_uuid;
    std::string patient_uuid;
    std::string registration_date;  // the subject's, yyyy-MM-dd
  };
  // The patient of an Avni subject, found by its identifier (the subject is read from Avni once
  // per run): "NoPatientWithId" when the subject has no patient yet (its flow creates it; the
  // record is delivered when reprocessed).
  Result<SubjectPatient> PatientOfSubject(const std::string& subject_uuid);
  // The same for a sink's Find: a void of a record whose subject has no patient was never
  // written (nullopt); other failures as PatientOfSubject's.
  Result<std::optional<SubjectPatient>> PatientToFind(const sync::Outgoing& out,
                                                      const std::string& subject_uuid);

  // The live Avni subjects of IntegrationAvniSubjectType whose identifier concept
  // (PatientSubject / PatientIdentifier_Concept) holds `avni_identifier` (without the prefix):
  // at most two, enough to tell none, one and several apart.
  Result<std::vector<std::string>> SubjectsWithId(const std::string& avni_identifier);

  // The Avni subject a Bahmni patient was written to: the subject of its live registration
  // encounter (AvniPatientRegistrationEncounterType) whose BahmniUUID obs is `patient_uuid`,
  // cached for the run. "NoPatientRegistration" (a data error naming the patient) until the
  // Patient flow has written it.
  Result<std::string> SubjectOfPatient(const std::string& patient_uuid);

  // A search of Avni (by concepts, identifier, parent), not a read of changes: its window
  // reaches past now, so that a record written moments ago is found.
  avniapi::ListQuery LookupQuery() const;

  // The subject's registration visit (IntegrationBahmniVisitType at IntegrationBahmniLocation,
  // its Avni UUID attribute the subject's uuid), made when missing: general encounters go in it
  // (the Java service failed when it was missing). Its uuid, cached for the run.
  // Safe to call from several threads at once, also for one subject: the find-or-create of one
  // subject's visit holds that subject's lock, so that two of its encounters written at once
  // make one visit; other subjects' calls go on meanwhile.
  Result<std::string> RegistrationVisit(const SubjectPatient& subject);

  // The patient's visit (live, at IntegrationBahmniLocation) whose Avni UUID attribute is
  // `avni_uuid` (a subject's registration visit, an enrolment's visit); nullopt when none.
  Result<std::optional<openmrs::Visit>> VisitOf(const std::string& patient_uuid,
                                                const std::string& avni_uuid);

  const Clock& clock;
  const Contract contract;
  const mapping::MappingCache::Snapshot mappings;
  const mapping::ObservationMapper mapper;
  const std::unique_ptr<avniapi::Client> avni;
  const std::unique_ptr<openmrs::Client> openmrs;

 private:
  // Entries each cache below keeps at most before it starts over (or, for visits, drops the
  // slots not in use): what a run remembers must not grow with its records (a first run of
  // 100,000 subjects), and a miss costs one lookup.
  static constexpr std::size_t kMaxCached = 10'000;

  // One subject's registration visit, once found or made (empty until then).
  struct VisitSlot {
    std::mutex mutex;  // held across the find-or-create of this subject's visit
    std::string uuid;  // guarded by mutex
  };

  // RegistrationVisit's work, under the subject's lock.
  Result<std::string> FindOrCreateRegistrationVisit(const SubjectPatient& subject);

  std::mutex mutex_;
  // Subject uuid -> patient uuid, as found in this run. Guarded by mutex_.
  std::unordered_map<std::string, SubjectPatient> patients_;
  // Patient uuid -> the Avni subject of its registration, as found in this run. Guarded by
  // mutex_.
  std::unordered_map<std::string, std::string> subjects_;
  // Subject uuid -> its visit slot; slots are never removed during the run (a shared_ptr so
  // that a slot outlives the map's lock). Guarded by mutex_.
  std::unordered_map<std::string, std::shared_ptr<VisitSlot>> visits_;
};

}  // namespace avni::integrations::bahmni
