#include "store/entity_link_repo.hpp"

#include <fmt/format.h>

#include "store/sql/sql_context.hpp"

namespace avni::store {
namespace {

constexpr std::size_t kMaxEntityType = 200;
constexpr std::size_t kMaxId = 1000;
constexpr std::size_t kMaxBatch = 1000;

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

Result<std::vector<EntityLink>> EntityLinkRepo::FindMany(
    std::string_view entity_type, const std::vector<std::string>& source_ids) {
  if (source_ids.size() > kMaxBatch) {
    return Fail(Error::InvalidArgument(
        "source_ids",
        fmt::format("at most {} source ids at once, not {}", kMaxBatch, source_ids.size())));
  }
  std::vector<EntityLink> out;
  if (source_ids.empty()) return out;
  for (std::size_t i = 0; i < source_ids.size(); ++i) {
    if (auto ok = CheckText(fmt::format("source_ids[{}]", i), source_ids[i], kMaxId); !ok) {
      return Fail(ok.error());
    }
  }
  // Driven by the ids: one probe of the unique index per id, however many links there are.
  // CROSS JOIN keeps SQLite from putting the table outside and the ids inside.
  const std::string query =
      "SELECT l.tenant_id, l.entity_type, l.source_id, l.destination_id, l.source_version, "
      "l.updated_at FROM " +
      JsonTable(ctx_.backend, ":ids", "ids") +
      " CROSS JOIN entity_links l WHERE l.source_id = ids.value AND l.tenant_id = :tenant AND "
      "l.entity_type = :type";
  for (const auto& row : QueryAll<LinkRow>(ctx_.sql, query, JsonArray(source_ids), tenant_.value,
                                           std::string(entity_type))) {
    out.push_back(row.ToLink());
  }
  return out;
}

Status EntityLinkRepo::PutMany(const std::vector<EntityLink>& links) {
  if (links.size() > kMaxBatch) {
    return Fail(Error::InvalidArgument(
        "links", fmt::format("at most {} links at once, not {}", kMaxBatch, links.size())));
  }
  if (links.empty()) return {};
  std::vector<std::vector<std::string_view>> rows;
  rows.reserve(links.size());
  for (std::size_t i = 0; i < links.size(); ++i) {
    const auto& link = links[i];
    const std::string item = fmt::format("links[{}].", i);
    if (auto ok = CheckText(item + "entity_type", link.entity_type, kMaxEntityType); !ok) {
      return ok;
    }
    if (auto ok = CheckText(item + "source_id", link.source_id, kMaxId); !ok) return ok;
    if (auto ok = CheckText(item + "destination_id", link.destination_id, kMaxId); !ok) {
      return ok;
    }
    rows.push_back({link.entity_type, link.source_id, link.destination_id, link.source_version});
  }
  // A source id twice in one batch would make the upsert touch a row twice, which PostgreSQL
  // refuses; the last one wins, as with Put in order.
  std::vector<std::vector<std::string_view>> unique;
  unique.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    bool later = false;
    for (std::size_t j = i + 1; j < rows.size() && !later; ++j) {
      later = rows[j][0] == rows[i][0] && rows[j][1] == rows[i][1];
    }
    if (!later) unique.push_back(rows[i]);
  }
  // "WHERE TRUE" lets SQLite tell the upsert's ON CONFLICT from a join's ON.
  Exec(ctx_.sql,
       "INSERT INTO entity_links (tenant_id, entity_type, source_id, destination_id, "
       "source_version, updated_at) SELECT :tenant, c0, c1, c2, c3, :now FROM (" +
           JsonRowColumns(ctx_.backend, ":rows", 4) +
           ") AS batch WHERE TRUE ON CONFLICT (tenant_id, entity_type, source_id) DO UPDATE SET "
           "destination_id = excluded.destination_id, source_version = "
           "excluded.source_version, updated_at = excluded.updated_at",
       tenant_.value, ctx_.NowMillis(), JsonRows(unique));
  return {};
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

Result<std::int64_t> EntityLinkRepo::RemoveAll(std::string_view entity_type) {
  return static_cast<std::int64_t>(
      Exec(ctx_.sql, "DELETE FROM entity_links WHERE tenant_id = :tenant AND entity_type = :type",
           tenant_.value, std::string(entity_type)));
}

}  // namespace avni::store
