#include "app/context.hpp"

#include <filesystem>

#include <spdlog/spdlog.h>

#include "logging/log_sink.hpp"

namespace avni::app {

Result<Context> OpenContext(const GlobalOptions& options, bool migrate, std::size_t pool_size) {
  std::filesystem::path key_file = options.secret_key_file;
  if (key_file.empty()) {
    key_file = "var/secret.key";
    if (options.db.starts_with("sqlite:")) {
      const std::filesystem::path db = options.db.substr(7);
      key_file =
          (db.has_parent_path() ? db.parent_path() : std::filesystem::path(".")) / "secret.key";
    }
  }
  logging::SetLevel(spdlog::level::from_str(options.log_level));
  // A wrong --db is reported before anything (the key file on first start) is written.
  if (auto ok = store::Store::CheckDsn(options.db); !ok) return Fail(ok.error());
  Context ctx;
  store::StoreOptions store_options;
  store_options.migrate = migrate;
  store_options.pool_size = pool_size;
  auto secrets = SecretBox::Load(key_file);
  if (!secrets) return Fail(secrets.error());
  ctx.secrets = std::move(*secrets);
  store_options.secrets = ctx.secrets.get();
  auto store = store::Store::Open(options.db, store_options);
  if (!store) return Fail(store.error());
  ctx.store = std::move(*store);
  return ctx;
}

}  // namespace avni::app
