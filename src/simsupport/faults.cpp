#include "simsupport/faults.hpp"

namespace avni::simsupport {
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
  int hang_ms = hang_ms_;
  double hang_rate = hang_rate_;
  if (const auto it = body.find("hang_ms"); it != body.end()) {
    if (!it->is_number_integer() || it->get<int>() < 0 || it->get<int>() > 600'000) {
      return std::unexpected(Error::InvalidArgument("hang_ms", "give 0..600000 milliseconds"));
    }
    hang_ms = it->get<int>();
    hang_rate = 1;
  }
  const auto hang = Rate(body, "hang_rate", hang_rate);
  if (!hang) return std::unexpected(hang.error());
  const auto drop = Rate(body, "drop_rate", drop_rate_);
  if (!drop) return std::unexpected(drop.error());
  const auto lost = Rate(body, "lost_answer_rate", lost_answer_rate_);
  if (!lost) return std::unexpected(lost.error());
  std::string path = path_;
  if (const auto it = body.find("path"); it != body.end()) {
    if (!it->is_string() || !it->get<std::string>().starts_with("/")) {
      return std::unexpected(
          Error::InvalidArgument("path", "give a path prefix such as " + default_path_ + "/"));
    }
    path = it->get<std::string>();
  }
  std::int64_t remaining = remaining_;
  if (const auto it = body.find("count"); it != body.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 1) {
      return std::unexpected(
          Error::InvalidArgument("count", "give a number of requests, 1 or more"));
    }
    remaining = it->get<std::int64_t>();
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
  hang_ms_ = hang_ms;
  hang_rate_ = *hang;
  drop_rate_ = *drop;
  lost_answer_rate_ = *lost;
  path_ = std::move(path);
  remaining_ = remaining;
  return {};
}

void FaultInjector::Clear() {
  std::lock_guard lock(mutex_);
  ClearLocked();
}

void FaultInjector::ClearLocked() {
  status_ = 0;
  status_rate_ = 0;
  latency_ms_ = 0;
  malformed_json_rate_ = 0;
  hang_ms_ = 0;
  hang_rate_ = 0;
  drop_rate_ = 0;
  lost_answer_rate_ = 0;
  path_ = default_path_;
  remaining_ = -1;
}

FaultDecision FaultInjector::Draw(const std::string& path) {
  std::lock_guard lock(mutex_);
  FaultDecision decision;
  if (!path.starts_with(path_) || remaining_ == 0) return decision;
  decision.latency_ms = latency_ms_;
  if (status_ != 0 && status_rate_ > 0 && NextUnitLocked() < status_rate_) {
    decision.status = status_;
  }
  if (hang_ms_ > 0 && hang_rate_ > 0 && NextUnitLocked() < hang_rate_) decision.hang_ms = hang_ms_;
  if (drop_rate_ > 0 && NextUnitLocked() < drop_rate_) decision.drop = true;
  if (lost_answer_rate_ > 0 && NextUnitLocked() < lost_answer_rate_) decision.lose_answer = true;
  if (remaining_ > 0 && --remaining_ == 0) ClearLocked();
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
          {"hang_ms", hang_ms_},
          {"hang_rate", hang_rate_},
          {"drop_rate", drop_rate_},
          {"lost_answer_rate", lost_answer_rate_},
          {"path", path_},
          {"count", remaining_},
          {"seed", seed_}};
}

double FaultInjector::NextUnitLocked() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }

}  // namespace avni::simsupport
