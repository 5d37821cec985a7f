// A tenant's error types: the rules that classify error messages. GET lists them; PUT replaces
// the whole set, then reclassifies every error record by its latest message.
//
// The replacement (and its audit entry) is one short transaction: a refused body writes
// nothing, and the types are never half-replaced. The reclassification comes after it
// (sync::ReclassifyErrorRecords): in pages, each classified outside any transaction and written
// in a short one of its own, so that a tenant's rules never hold the write lock that every
// other tenant waits on. While it runs, the records show a mix of old and new classification;
// when the PUT answers they are all classified by the new rules, unless the types changed
// again meanwhile (another PUT, which reclassifies in its turn; or a bundle import, which never
// reclassifies): then it stops and answers "superseded": true. If the reclassification fails,
// the answer is the error, saying that the types were saved and that PUTting them again
// finishes it.
#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/handlers/common.hpp"
#include "api/json_body.hpp"
#include "api/routes.hpp"
#include "domain/error_rule.hpp"
#include "store/store.hpp"
#include "sync/error_classifier.hpp"
#include "sync/reclassify.hpp"

namespace avni::api {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxTypes = 500;
constexpr std::size_t kMaxName = 200;  // the store's limits
constexpr std::size_t kMaxUuid = 100;
constexpr std::size_t kMaxValue = 10'000;  // read at most; CheckErrorRule bounds it by operator
constexpr std::int64_t kMaxPriority = 1'000'000'000;
constexpr int kBatch = 1000;  // record ids read per query

json TypeJson(const ErrorType& t) {
  return {{"id", t.id},
          {"uuid", t.uuid},
          {"name", t.name},
          {"operator", ToString(t.op)},
          {"value", t.value},
          {"follow_up_step", ToString(t.follow_up_step)},
          {"priority", t.priority}};
}

json ListJson(const std::vector<ErrorType>& types) {
  json items = json::array();
  for (const auto& t : types) items.push_back(TypeJson(t));
  return {{"error_types", std::move(items)}};
}

Result<Response> ListErrorTypes(Services& services, Request& request) {
  auto types = services.store.Read(
      [&](store::Tx& tx) { return tx.tenant(*request.tenant).errors().ListTypes(); });
  if (!types) return Fail(types.error());
  return JsonResponse(200, ListJson(*types));
}

bool SameLetters(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// One item of the body; type.uuid is empty when the caller gave none.
Result<ErrorType> ReadType(const json& item, std::size_t i) {
  const std::string prefix = fmt::format("error_types[{}].", i);
  if (!item.is_object()) {
    return Fail(Error::InvalidArgument(
        fmt::format("error_types[{}]", i),
        fmt::format("error_types[{}] must be an object {{uuid, name, operator, value, "
                    "follow_up_step, priority}}, not {}",
                    i, item.type_name())));
  }
  JsonBody fields(item, prefix);
  ErrorType t;
  auto uuid = fields.OptionalString("uuid", kMaxUuid);
  if (!uuid) return Fail(uuid.error());
  if (*uuid && (*uuid)->empty()) {
    return Fail(Error::InvalidArgument(
        prefix + "uuid", prefix + "uuid must not be empty; leave it out to have one made"));
  }
  t.uuid = uuid->value_or("");
  auto name = fields.String("name", kMaxName);
  if (!name) return Fail(name.error());
  if (name->empty()) {
    return Fail(Error::InvalidArgument(prefix + "name", prefix + "name must not be empty"));
  }
  if (SameLetters(*name, sync::kDefaultErrorTypeName)) {
    return Fail(Error::InvalidArgument(
        prefix + "name",
        fmt::format("{}name '{}' is reserved for errors that match no type", prefix, *name)));
  }
  t.name = std::move(*name);
  auto op = fields.String("operator", 20);
  if (!op) return Fail(op.error());
  auto parsed_op = ParseErrorOperator(*op);
  if (!parsed_op) {
    return Fail(Error::InvalidArgument(
        prefix + "operator",
        fmt::format("{}operator must be EQUALS, CONTAINS or MATCHES, not '{}'", prefix, *op)));
  }
  t.op = *parsed_op;
  auto value = fields.String("value", kMaxValue);
  if (!value) return Fail(value.error());
  if (value->empty()) {
    return Fail(Error::InvalidArgument(
        prefix + "value", prefix + "value must not be empty (to match every message, use "
                                   "MATCHES with '.*')"));
  }
  t.value = std::move(*value);
  auto step = fields.String("follow_up_step", 20);
  if (!step) return Fail(step.error());
  auto parsed_step = ParseFollowUpStep(*step);
  if (!parsed_step) {
    return Fail(Error::InvalidArgument(
        prefix + "follow_up_step",
        fmt::format("{}follow_up_step must be Process, Terminal, Internal or External, not '{}'",
                    prefix, *step)));
  }
  t.follow_up_step = *parsed_step;
  auto priority = fields.OptionalInt("priority");
  if (!priority) return Fail(priority.error());
  if (!*priority || **priority < -kMaxPriority || **priority > kMaxPriority) {
    return Fail(Error::InvalidArgument(
        prefix + "priority",
        fmt::format("{}priority is required: a whole number from {} to {}, lower tried first",
                    prefix, -kMaxPriority, kMaxPriority)));
  }
  t.priority = static_cast<int>(**priority);
  // Read and ignored, so that the items of a GET can be sent back as they are.
  if (auto id = fields.OptionalInt("id"); !id) return Fail(id.error());
  if (auto done = fields.Finish(); !done) return Fail(done.error());
  if (auto ok = CheckErrorRule(t.op, t.value, prefix + "value"); !ok) return Fail(ok.error());
  return t;
}

// Every item, checked before anything is written. Errors: invalid_argument naming the field,
// as "error_types[3].operator".
Result<std::vector<ErrorType>> ReadTypes(const Request& request) {
  auto body = JsonBody::Parse(request.body);
  if (!body) return Fail(body.error());
  auto items = body->Array("error_types");
  if (!items) return Fail(items.error());
  if (auto done = body->Finish(); !done) return Fail(done.error());
  if (items->size() > kMaxTypes) {
    return Fail(Error::InvalidArgument(
        "error_types", fmt::format("error_types may hold at most {} types", kMaxTypes)));
  }
  std::vector<ErrorType> types;
  std::map<std::string, std::size_t> names, uuids;
  for (std::size_t i = 0; i < items->size(); ++i) {
    auto t = ReadType((*items)[i], i);
    if (!t) return Fail(t.error());
    if (auto [it, fresh] = names.emplace(t->name, i); !fresh) {
      return Fail(Error::InvalidArgument(
          fmt::format("error_types[{}].name", i),
          fmt::format("error_types[{}].name '{}' repeats error_types[{}].name; names are unique", i,
                      t->name, it->second)));
    }
    if (!t->uuid.empty()) {
      if (auto [it, fresh] = uuids.emplace(t->uuid, i); !fresh) {
        return Fail(Error::InvalidArgument(
            fmt::format("error_types[{}].uuid", i),
            fmt::format("error_types[{}].uuid '{}' repeats error_types[{}].uuid", i, t->uuid,
                        it->second)));
      }
    }
    types.push_back(std::move(*t));
  }
  return types;
}

// Which existing type each wanted one updates (nullptr: a new type). By uuid when the caller
// gave one, else by name among the types no uuid claimed.
std::vector<const ErrorType*> MatchExisting(const std::vector<ErrorType>& wanted,
                                            const std::vector<ErrorType>& existing) {
  std::vector<const ErrorType*> match(wanted.size(), nullptr);
  std::set<RowId> claimed;
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (wanted[i].uuid.empty()) continue;
    for (const auto& e : existing) {
      if (e.uuid == wanted[i].uuid) {
        match[i] = &e;
        claimed.insert(e.id);
      }
    }
  }
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (!wanted[i].uuid.empty()) continue;
    for (const auto& e : existing) {
      if (e.name == wanted[i].name && !claimed.contains(e.id)) {
        match[i] = &e;
        claimed.insert(e.id);
        break;
      }
    }
  }
  return match;
}

bool SameRule(const ErrorType& a, const ErrorType& b) {
  return a.name == b.name && a.op == b.op && a.value == b.value &&
         a.follow_up_step == b.follow_up_step && a.priority == b.priority;
}

// The records of a type about to be deleted, so that the reclassification counts them as
// changed.
Status CollectRecordsOf(store::ErrorRepo& repo, RowId type_id, std::set<RowId>& out) {
  for (int offset = 0;; offset += kBatch) {
    store::ErrorRecordFilter f;
    f.error_type_id = type_id;
    f.limit = kBatch;
    f.offset = offset;
    auto batch = repo.List(f);
    if (!batch) return Fail(batch.error());
    for (const auto& r : *batch) out.insert(r.id);
    if (batch->size() < static_cast<std::size_t>(kBatch)) return {};
  }
}

struct Replaced {
  std::vector<ErrorType> types;  // as stored now
  std::vector<RowId> detached;   // records whose type was deleted, sorted
};

// Writes in this order so that no step clashes with a name still held: types not listed are
// deleted (unlinked from their records first), renamed types pass through a temporary name
// (two types may swap names), then updates, then new types.
Result<Replaced> Replace(store::Tx& tx, const Request& request,
                         const std::vector<ErrorType>& wanted) {
  auto scope = tx.tenant(*request.tenant);
  auto repo = scope.errors();
  if (auto locked = repo.LockTypes(); !locked) return Fail(locked.error());
  auto existing = repo.ListTypes();
  if (!existing) return Fail(existing.error());
  const auto match = MatchExisting(wanted, *existing);
  std::set<RowId> kept, detached;
  for (const ErrorType* m : match) {
    if (m != nullptr) kept.insert(m->id);
  }
  for (const auto& e : *existing) {
    if (kept.contains(e.id)) continue;
    if (auto ok = CollectRecordsOf(repo, e.id, detached); !ok) return Fail(ok.error());
    if (auto ok = repo.DetachType(e.id); !ok) return Fail(ok.error());
    if (auto ok = repo.DeleteType(e.id); !ok) return Fail(ok.error());
  }
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (match[i] == nullptr || match[i]->name == wanted[i].name) continue;
    ErrorType moving = *match[i];
    moving.name = "~renaming~" + moving.uuid;
    if (auto ok = repo.UpdateType(moving); !ok) return Fail(ok.error());
  }
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (match[i] == nullptr || SameRule(*match[i], wanted[i])) continue;
    ErrorType next = wanted[i];
    next.id = match[i]->id;
    next.uuid = match[i]->uuid;
    if (auto ok = repo.UpdateType(next); !ok) return Fail(ok.error());
  }
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    if (match[i] != nullptr) continue;
    if (auto ok = repo.CreateType(wanted[i]); !ok) return Fail(ok.error());
  }
  auto now = repo.ListTypes();
  if (!now) return Fail(now.error());
  auto audited = scope.audit().Append(Actor(request), "error_types.replace", "error_types", "",
                                      Dump(ListJson(*existing)), Dump(ListJson(*now)));
  if (!audited) return Fail(audited.error());
  return Replaced{std::move(*now), {detached.begin(), detached.end()}};
}

Result<Response> ReplaceErrorTypes(Services& services, Request& request) {
  auto wanted = ReadTypes(request);
  if (!wanted) return Fail(wanted.error());
  auto replaced = services.store.Transact(
      [&](store::Tx& tx) -> Result<Replaced> { return Replace(tx, request, *wanted); });
  if (!replaced) return Fail(replaced.error());
  auto reclassified = sync::ReclassifyErrorRecords(services.store, *request.tenant, replaced->types,
                                                   replaced->detached);
  if (!reclassified) {
    Error e = reclassified.error();
    e.message = fmt::format(
        "the error types were saved, but reclassifying the error records failed: {}; PUT the "
        "same error types again to reclassify them",
        e.message);
    return Fail(std::move(e));
  }
  json out = ListJson(replaced->types);
  out["reclassified"] = reclassified->changed;
  out["superseded"] = reclassified->superseded;
  return JsonResponse(200, out);
}

}  // namespace

void AddErrorTypeRoutes(std::vector<Route>& routes, Services& services) {
  auto bind = [&services](Result<Response> (*fn)(Services&, Request&)) {
    return [&services, fn](Request& r) { return fn(services, r); };
  };
  routes.push_back({"GET", "/api/v1/tenants/{tenant}/error-types", Access::kTenantViewer,
                    bind(ListErrorTypes), "The tenant's error types, in the order tried"});
  routes.push_back({"PUT", "/api/v1/tenants/{tenant}/error-types", Access::kTenantAdmin,
                    bind(ReplaceErrorTypes),
                    "Replace the tenant's error types and reclassify its error records"});
}

}  // namespace avni::api
