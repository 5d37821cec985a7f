#pragma once

#include <string>
#include <utility>
#include <vector>

#include "avni/client.hpp"
#include "sync/flow.hpp"

namespace avni::avniapi {

// An Avni resource as a sync source, read by avni-server's watermark contract without losing or
// repeating a record. Avni orders a window by (last modified, its internal id), which the API
// does not show, so a position is (last modified, "<ordinal in that millisecond>:<ID>"): the
// next read re-reads the cursor's millisecond inclusively, finds the cursor's ID in Avni's
// order and goes on after it. Should that entity have moved on (edited meanwhile), the
// whole millisecond is handed out again: reprocessing is an update or a skip, a gap is a lost
// record. Every read of one run shares a fixed `now` (the clock minus avni_read_lag_seconds),
// so pages of one window never shift.
class WatermarkSource final : public sync::Source {
 public:
  WatermarkSource(Client& client, Resource resource,
                  std::vector<std::pair<std::string, std::string>> filters, const Clock& clock);

  Result<sync::Page> Read(const sync::Cursor& after, int limit) override;
  Result<std::optional<sync::SourceRecord>> Fetch(std::string_view id) override;

  Timestamp window_end() const { return now_; }

 private:
  Client& client_;
  Resource resource_;
  std::vector<std::pair<std::string, std::string>> filters_;
  Timestamp now_;
};

}  // namespace avni::avniapi
