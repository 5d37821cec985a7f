#include "avnisim/faults.hpp"

namespace avni::sim {
namespace {

using nlohmann::json;

std::expected<double, Error> Rate(const json& body, const char* field, double fallback) {
  const auto it = body.find(field);
  if (it == body.end()) return fallback;
  if (!it->is_number() || it->get<double>() < 0 || it->get<double>() > 1) {
    return std::unexpected(Error::InvalidArgument(field, "give a number from 0 to 1"));
  }
  return it->get<double>();
}

}  // namespace

std::expected<void, Error> FaultInjector::Configure(const json& body) {
  if (!body.is_object()) {
    return std::unexpected(Error::InvalidArgument("body", "send a JSON object of faults"));
  }
  std::lock_guard lock(mutex_);
  int status = status_;
  double status_rate = status_rate_;
  if (const auto it = body.find("status"); it != body.end()) {
    if (!it->is_number_integer() || it->get<int>() < 400 || it->get<int>() > 599) {
      return std::unexpected(Error::InvalidArgument("status", "give an HTTP status 400..599"));
    }
    status = it->get<int>();
    status_rate = 1;
  }
  const auto rate = Rate(body, "rate", status_rate);
  if (!rate) return std::unexpected(rate.error());
  const auto malformed = Rate(body, "malformed_json_rate", malformed_json_rate_);
  if (!malformed) return std::unexpected(malformed.error());
  int latency_ms = latency_ms_;
  if (const auto it = body.find("latency_ms"); it != body.end()) {
    if (!it->is_number_integer() || it->get<int>() < 0 || it->get<int>() > 60'000) {
      return std::unexpected(Error::InvalidArgument("latency_ms", "give 0..60000 milliseconds"));
    }
    latency_ms = it->get<int>();
  }
  std::uint64_t seed = seed_;
  if (const auto it = body.find("seed"); it != body.end()) {
    if (!it->is_number_unsigned()) {
      return std::unexpected(Error::InvalidArgument("seed", "give a non-negative integer"));
    }
    seed = it->get<std::uint64_t>();
    rng_.seed(seed);
  }
  seed_ = seed;
  status_ = status;
  status_rate_ = *rate;
  latency_ms_ = latency_ms;
  malformed_json_rate_ = *malformed;
  return {};
}

void FaultInjector::Clear() {
  std::lock_guard lock(mutex_);
  status_ = 0;
  status_rate_ = 0;
  latency_ms_ = 0;
  malformed_json_rate_ = 0;
}

FaultDecision FaultInjector::Draw() {
  std::lock_guard lock(mutex_);
  FaultDecision decision;
  decision.latency_ms = latency_ms_;
  if (status_ != 0 && status_rate_ > 0 && NextUnitLocked() < status_rate_) {
    decision.status = status_;
  }
  return decision;
}

bool FaultInjector::DrawMalformedJson() {
  std::lock_guard lock(mutex_);
  return malformed_json_rate_ > 0 && NextUnitLocked() < malformed_json_rate_;
}

json FaultInjector::Describe() const {
  std::lock_guard lock(mutex_);
  return {{"status", status_},
          {"rate", status_rate_},
          {"latency_ms", latency_ms_},
          {"malformed_json_rate", malformed_json_rate_},
          {"seed", seed_}};
}

double FaultInjector::NextUnitLocked() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }

}  // namespace avni::sim
