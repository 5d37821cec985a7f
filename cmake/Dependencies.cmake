# Every third-party library comes from a Debian package (see scripts/setup).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(CLI11 REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
# MATCHES error types: regular expressions searched in linear time, whatever the pattern.
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
# OpenMRS's Atom feeds: a small DOM parser that keeps CDATA apart and never fetches entities.
find_package(pugixml 1.11 REQUIRED)
find_package(PostgreSQL REQUIRED)

# Debian ships SOCI without a CMake package; its headers need Boost's headers and libpq's.
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_library(SOCI_CORE soci_core REQUIRED)
find_library(SOCI_SQLITE3 soci_sqlite3 REQUIRED)
find_library(SOCI_POSTGRESQL soci_postgresql REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(SQLite3 REQUIRED)
# Cognito's SRP (big numbers, SHA-256, HMAC) and the HTTP client's TLS tests.
find_package(OpenSSL REQUIRED)
# gzip: the admin app's files are kept compressed for the browsers that accept it (and the HTTP
# client's tests send gzip-encoded answers).
find_package(ZLIB REQUIRED)
add_library(soci INTERFACE)
target_include_directories(soci SYSTEM INTERFACE ${SOCI_INCLUDE_DIR} ${PostgreSQL_INCLUDE_DIRS})
target_link_libraries(soci INTERFACE ${SOCI_SQLITE3} ${SOCI_POSTGRESQL} ${SOCI_CORE}
                      Boost::headers PostgreSQL::PostgreSQL SQLite::SQLite3 ${CMAKE_DL_LIBS})

if(AVNI_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
