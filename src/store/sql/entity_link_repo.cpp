#include "store/entity_link_repo.hpp"

#include <fmt/format.h>

#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

constexpr std::size_t kMaxEntityType = 200;
constexpr std::size_t kMaxId = 1000;

constexpr const char* kSelect =
    "SELECT tenant_id, entity_type, source_id, destination_id, source_version, updated_at "
    "FROM entity_links ";

struct LinkRow {
  long long tenant_id = 0;
  std::string entity_type, source_id, destination_id, source_version;
  long long updated_at = 0;

  void Bind(soci::statement& st) {
    st.exchange(soci::into(tenant_id));
    st.exchange(soci::into(entity_type));
    st.exchange(soci::into(source_id));
    st.exchange(soci::into(destination_id));
    st.exchange(soci::into(source_version));
    st.exchange(soci::into(updated_at));
  }
  EntityLink ToLink() const {
    return EntityLink{TenantId{tenant_id}, entity_type,    source_id,
                      destination_id,      source_version, AtMillis(updated_at)};
  }
};

}  // namespace

Result<EntityLink> EntityLinkRepo::Put(const EntityLink& link) {
  if (auto ok = CheckText("entity_type", link.entity_type, kMaxEntityType); !ok) {
    return Fail(ok.error());
  }
  if (auto ok = CheckText("source_id", link.source_id, kMaxId); !ok) return Fail(ok.error());
  if (auto ok = CheckText("destination_id", link.destination_id, kMaxId); !ok) {
    return Fail(ok.error());
  }
  // One link per source record: a second Put for the same source replaces the first, so a
  // retried write after a lost commit acknowledgement converges instead of failing.
  Exec(ctx_.sql,
       "INSERT INTO entity_links (tenant_id, entity_type, source_id, destination_id, "
       "source_version, updated_at) VALUES (:tenant, :type, :source, :destination, :version, "
       ":now) ON CONFLICT (tenant_id, entity_type, source_id) DO UPDATE SET "
       "destination_id = excluded.destination_id, source_version = excluded.source_version, "
       "updated_at = excluded.updated_at",
       tenant_.value, link.entity_type, link.source_id, link.destination_id, link.source_version,
       ctx_.NowMillis());
  auto stored = Find(link.entity_type, link.source_id);
  if (!stored) return Fail(stored.error());
  if (!*stored) {
    return Fail(Error::Internal(fmt::format("the link of {} '{}' vanished after it was written",
                                            link.entity_type, link.source_id)));
  }
  return std::move(**stored);
}

Result<std::optional<EntityLink>> EntityLinkRepo::Find(std::string_view entity_type,
                                                       std::string_view source_id) {
  auto row = QueryOne<LinkRow>(
      ctx_.sql,
      std::string(kSelect) +
          "WHERE tenant_id = :tenant AND entity_type = :type AND source_id = :source",
      tenant_.value, std::string(entity_type), std::string(source_id));
  if (!row) return std::optional<EntityLink>();
  return std::optional<EntityLink>(row->ToLink());
}

Result<std::optional<EntityLink>> EntityLinkRepo::FindByDestination(
    std::string_view entity_type, std::string_view destination_id) {
  // Destination ids are not unique (two source records may have been merged into one);
  // the oldest link wins so that the answer is stable.
  auto row =
      QueryOne<LinkRow>(ctx_.sql,
                        std::string(kSelect) +
                            "WHERE tenant_id = :tenant AND entity_type = :type AND "
                            "destination_id = :destination ORDER BY id LIMIT 1",
                        tenant_.value, std::string(entity_type), std::string(destination_id));
  if (!row) return std::optional<EntityLink>();
  return std::optional<EntityLink>(row->ToLink());
}

Result<std::int64_t> EntityLinkRepo::Count(std::string_view entity_type) {
  return QueryValue<long long>(
             ctx_.sql,
             "SELECT COUNT(*) FROM entity_links WHERE tenant_id = :tenant AND entity_type = :type",
             tenant_.value, std::string(entity_type))
      .value_or(0);
}

Status EntityLinkRepo::Remove(std::string_view entity_type, std::string_view source_id) {
  if (Exec(ctx_.sql,
           "DELETE FROM entity_links WHERE tenant_id = :tenant AND entity_type = :type AND "
           "source_id = :source",
           tenant_.value, std::string(entity_type), std::string(source_id)) == 0) {
    return Fail(Error::NotFound(
        fmt::format("no entity link for {} '{}'; nothing to remove", entity_type, source_id)));
  }
  return {};
}

}  // namespace avni::store
