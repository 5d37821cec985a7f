#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace avni::openmrssim {

struct SimOptions {
  std::uint64_t seed = 1;          // generated data, new uuids, sessions and fault draws
  std::int64_t patients = 0;       // generated at construction, each with a registration in Bahmni
  int encounters_per_patient = 0;  // in one OPD visit: Vitals forms, lab results, drug orders
  int text_concepts = 20;          // "Concept 1..n", as many as the Avni simulator may send
  std::string identifier_prefix = "GAN";
  std::int64_t first_identifier = 200001;
  // When set, the generated patients hold these identifiers (one patient each, after which
  // `patients` more are numbered as above): Bahmni's registrations of people Avni holds too.
  std::vector<std::string> identifiers;
  // Entries per Atom feed page (atomfeed's chunking_history; the module's default is 5).
  std::int64_t feed_page_size = 5;
  // Tomcat's session timeout (OpenMRS's web.xml: 30 minutes).
  std::chrono::seconds session_idle{1800};
  // Who may sign in (Bahmni's default user).
  std::map<std::string, std::string> users = {{"superman", "Admin123"}};
  // The global property encounter.feed.publish.url as bahmni-core sets it; %s is the uuid.
  std::string encounter_feed_url =
      "/openmrs/ws/rest/v1/bahmnicore/bahmniencounter/%s?includeAll=true";
  // Whether encounters written through REST publish feed events. Real Bahmni publishes only
  // saves through its encounter transaction API (and REST saves of INVESTIGATION encounters);
  // the simulator publishes every change unless this is false. /_sim writes always publish.
  bool rest_encounter_events = true;
};

}  // namespace avni::openmrssim
