#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include "scheduler/scheduler.hpp"

namespace avni::scheduler {

Pinger HttpPinger(std::chrono::milliseconds timeout) {
  // libcurl's global state is set up once, before any thread uses it.
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return [timeout](const std::string& url) {
    if (!initialised) return;
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    // The answer's body is of no interest.
    curl_easy_setopt(
        curl, CURLOPT_WRITEFUNCTION,
        +[](char*, size_t size, size_t n, void*) -> size_t { return size * n; });
    const CURLcode done = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(curl);
    if (done != CURLE_OK || status >= 400) {
      // Not the URL: it carries the check's secret id.
      spdlog::warn("a job's health ping failed: {}",
                   done != CURLE_OK ? curl_easy_strerror(done) : fmt::format("HTTP {}", status));
    }
  };
}

}  // namespace avni::scheduler
