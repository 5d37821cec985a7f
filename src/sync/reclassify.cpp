#include "sync/reclassify.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "sync/error_classifier.hpp"

namespace avni::sync {
namespace {

// Whether two lists of a tenant's types classify alike: the same types, in the same order
// (ListTypes' order), with the same rules. Names and follow-up steps do not decide a match.
bool SameRules(const std::vector<ErrorType>& a, const std::vector<ErrorType>& b) {
  return std::equal(
      a.begin(), a.end(), b.begin(), b.end(), [](const ErrorType& x, const ErrorType& y) {
        return x.id == y.id && x.op == y.op && x.value == y.value && x.priority == y.priority;
      });
}

struct Page {
  std::vector<store::ErrorRecordMessage> records;
  bool superseded = false;
};

}  // namespace

Result<Reclassification> ReclassifyErrorRecords(store::Store& store, TenantId tenant,
                                                std::vector<ErrorType> types,
                                                const std::vector<RowId>& detached, int batch) {
  const ErrorClassifier classifier = ErrorClassifier::Make(types);
  Reclassification out;
  out.changed = static_cast<std::int64_t>(detached.size());
  RowId after = 0;
  for (;;) {
    auto page = store.Read([&](store::Tx& tx) -> Result<Page> {
      auto repo = tx.tenant(tenant).errors();
      auto now = repo.ListTypes();
      if (!now) return Fail(now.error());
      if (!SameRules(*now, types)) return Page{{}, true};
      auto records = repo.ListMessagesAfter(after, batch);
      if (!records) return Fail(records.error());
      return Page{std::move(*records), false};
    });
    if (!page) return Fail(page.error());
    if (page->superseded) {
      out.superseded = true;
      break;
    }
    if (page->records.empty()) break;
    after = page->records.back().id;
    out.read += static_cast<std::int64_t>(page->records.size());

    // The records to set, by their new type; a detached record counts as changed already.
    std::map<std::optional<RowId>, std::vector<RowId>> changes;
    std::int64_t changed = 0;
    for (const auto& record : page->records) {
      const ErrorType* match = classifier.Match(record.message);
      const std::optional<RowId> next = match ? std::optional<RowId>(match->id) : std::nullopt;
      if (next == record.error_type_id) continue;
      changes[next].push_back(record.id);
      if (!std::binary_search(detached.begin(), detached.end(), record.id)) ++changed;
    }
    if (!changes.empty()) {
      auto written = store.Transact([&](store::Tx& tx) -> Result<bool> {
        auto repo = tx.tenant(tenant).errors();
        if (auto locked = repo.LockTypes(); !locked) return Fail(locked.error());
        auto now = repo.ListTypes();
        if (!now) return Fail(now.error());
        if (!SameRules(*now, types)) return false;
        // A record resolved or deleted since the page was read is passed over (the types
        // cannot have gone: they are the same, under the lock).
        for (const auto& [type, ids] : changes) {
          if (auto set = repo.SetTypes(ids, type); !set) return Fail(set.error());
        }
        return true;
      });
      if (!written) return Fail(written.error());
      if (!*written) {
        out.superseded = true;
        break;
      }
      out.changed += changed;
    }
    if (page->records.size() < static_cast<std::size_t>(batch)) break;
  }
  return out;
}

}  // namespace avni::sync
