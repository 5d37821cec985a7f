#include "mapping/bundle_zip.hpp"

#include <fmt/format.h>
#include <zip.h>

#include <memory>

namespace avni::mapping {
namespace {

struct DiscardArchive {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct CloseFile {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};
struct FreeSource {
  void operator()(zip_source_t* source) const { zip_source_free(source); }
};
using Archive = std::unique_ptr<zip_t, DiscardArchive>;
using File = std::unique_ptr<zip_file_t, CloseFile>;
using Source = std::unique_ptr<zip_source_t, FreeSource>;

// libzip's error structure, released on every path.
class ZipError {
 public:
  ZipError() { zip_error_init(&error_); }
  ~ZipError() { zip_error_fini(&error_); }
  ZipError(const ZipError&) = delete;
  ZipError& operator=(const ZipError&) = delete;
  zip_error_t* get() { return &error_; }
  std::string text() { return zip_error_strerror(&error_); }

 private:
  zip_error_t error_;
};

Error NotAZip(std::string message) { return Error::InvalidArgument("body", std::move(message)); }

}  // namespace

Result<std::string> WriteZip(const std::vector<std::pair<std::string, std::string>>& files) {
  ZipError error;
  Source buffer(zip_source_buffer_create(nullptr, 0, 0, error.get()));
  if (!buffer) return Fail(Error::Internal("cannot make a zip buffer: " + error.text()));
  Archive archive(zip_open_from_source(buffer.get(), ZIP_TRUNCATE, error.get()));
  if (!archive) return Fail(Error::Internal("cannot start a zip: " + error.text()));
  // The archive now holds a reference to the buffer; ours must outlive zip_close to read it.
  zip_source_keep(buffer.get());

  for (const auto& [name, content] : files) {
    // Not copied: `files` outlives zip_close, which is when libzip reads the data.
    zip_source_t* data = zip_source_buffer(archive.get(), content.data(), content.size(), 0);
    if (data == nullptr) {
      return Fail(Error::Internal(
          fmt::format("cannot add {} to the zip: {}", name, zip_strerror(archive.get()))));
    }
    const zip_int64_t index =
        zip_file_add(archive.get(), name.c_str(), data, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (index < 0) {
      zip_source_free(data);
      return Fail(Error::Internal(
          fmt::format("cannot add {} to the zip: {}", name, zip_strerror(archive.get()))));
    }
    zip_set_file_compression(archive.get(), static_cast<zip_uint64_t>(index), ZIP_CM_DEFLATE, 0);
  }
  if (zip_close(archive.get()) < 0) {
    return Fail(
        Error::Internal(std::string("cannot write the zip: ") + zip_strerror(archive.get())));
  }
  (void)archive.release();  // closed: zip_close freed it

  if (zip_source_is_deleted(buffer.get())) return std::string();  // no files: an empty archive
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_source_stat(buffer.get(), &stat) < 0 || zip_source_open(buffer.get()) < 0) {
    return Fail(Error::Internal("cannot read back the zip just written"));
  }
  std::string out(stat.size, '\0');
  const zip_int64_t read = zip_source_read(buffer.get(), out.data(), stat.size);
  zip_source_close(buffer.get());
  if (read < 0 || static_cast<zip_uint64_t>(read) != stat.size) {
    return Fail(Error::Internal("cannot read back the zip just written"));
  }
  return out;
}

Result<std::map<std::string, std::string>> ReadZip(std::string_view bytes,
                                                   const ZipLimits& limits) {
  if (bytes.empty()) return Fail(NotAZip("the bundle is empty; send the bytes of a zip file"));
  ZipError error;
  Source buffer(zip_source_buffer_create(bytes.data(), bytes.size(), 0, error.get()));
  if (!buffer) return Fail(Error::Internal("cannot read the zip: " + error.text()));
  Archive archive(zip_open_from_source(buffer.get(), ZIP_RDONLY | ZIP_CHECKCONS, error.get()));
  if (!archive) {
    return Fail(NotAZip("the bundle is not a readable zip file (" + error.text() + ")"));
  }
  (void)buffer.release();  // the archive owns it now

  const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  if (count < 0 || static_cast<std::size_t>(count) > limits.max_entries) {
    return Fail(NotAZip(
        fmt::format("the bundle has {} entries; at most {} are read", count, limits.max_entries)));
  }
  std::map<std::string, std::string> files;
  std::size_t total = 0;
  for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(count); ++i) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive.get(), i, 0, &stat) < 0 || (stat.valid & ZIP_STAT_NAME) == 0) {
      return Fail(NotAZip(fmt::format("entry {} of the bundle cannot be read: {}", i,
                                      zip_strerror(archive.get()))));
    }
    std::string name = stat.name;
    if (name.ends_with('/')) continue;  // a folder
    if ((stat.valid & ZIP_STAT_ENCRYPTION_METHOD) != 0 && stat.encryption_method != ZIP_EM_NONE) {
      return Fail(NotAZip(fmt::format("{} is encrypted; bundles are plain zips", name)));
    }
    File file(zip_fopen_index(archive.get(), i, 0));
    if (!file) {
      return Fail(
          NotAZip(fmt::format("{} cannot be unpacked: {}", name, zip_strerror(archive.get()))));
    }
    std::string content;
    char chunk[64 * 1024];
    for (;;) {
      const zip_int64_t n = zip_fread(file.get(), chunk, sizeof chunk);
      if (n < 0) {
        return Fail(NotAZip(fmt::format("{} cannot be unpacked (a damaged zip?): {}", name,
                                        zip_file_strerror(file.get()))));
      }
      if (n == 0) break;
      content.append(chunk, static_cast<std::size_t>(n));
      if (content.size() > limits.max_entry_bytes ||
          total + content.size() > limits.max_total_bytes) {
        return Fail(NotAZip(fmt::format(
            "{} unpacks to more than a bundle may hold ({} MiB per file, {} MiB in all)", name,
            limits.max_entry_bytes >> 20, limits.max_total_bytes >> 20)));
      }
    }
    total += content.size();
    if (!files.emplace(name, std::move(content)).second) {
      return Fail(NotAZip(fmt::format("{} appears twice in the bundle", name)));
    }
  }
  return files;
}

}  // namespace avni::mapping
