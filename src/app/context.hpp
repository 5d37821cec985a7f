#pragma once

#include <memory>
#include <string>

#include "common/error.hpp"
#include "crypto/secret_box.hpp"
#include "store/store.hpp"

namespace avni::app {

// Options every command takes.
struct GlobalOptions {
  std::string db = "sqlite:var/integrator.db";
  std::string secret_key_file;  // default: secret.key beside the SQLite file, else var/secret.key
  std::string log_level = "info";
};

// What a command works with: the opened store and the secret box it seals secrets with.
// Owns both; the box outlives the store that points to it.
struct Context {
  std::unique_ptr<SecretBox> secrets;
  std::unique_ptr<store::Store> store;
};

// Loads the secret key, then opens (and, when `migrate`, migrates) the database.
Result<Context> OpenContext(const GlobalOptions& options, bool migrate, std::size_t pool_size = 4);

}  // namespace avni::app
