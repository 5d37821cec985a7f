#include "openmrssim/feed.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

namespace avni::openmrssim {
namespace {

// ROME writes Atom dates as W3C date-times in UTC, to the second.
std::string AtomDate(Timestamp t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::seconds>(t - day)};
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::string XmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// The openmrs-atomfeed module's atomfeed.properties.
constexpr const char* kFeedIdPrefix = "bec795b1-3d17-451d-b43e-a094019f6984";
constexpr const char* kFeedTitle = "Patient AOP";
constexpr const char* kFeedAuthor = "OpenMRS";
constexpr const char* kGeneratorTitle = "OpenMRS Feed Publisher";
constexpr const char* kGeneratorUri = "https://github.com/ICT4H/atomfeed";
constexpr const char* kAtomType = "application/atom+xml";

}  // namespace

void FeedLog::Append(std::string uuid, Timestamp when, std::string contents, std::string title) {
  FeedEvent event;
  event.id = static_cast<std::int64_t>(events_.size()) + 1;
  event.uuid = std::move(uuid);
  event.title = title.empty() ? title_ : std::move(title);
  event.timestamp = when;
  event.contents = std::move(contents);
  event.category = category_;
  events_.push_back(std::move(event));
}

std::int64_t FeedLog::PageCount(std::int64_t page_size) const {
  const auto count = static_cast<std::int64_t>(events_.size());
  return (count + page_size - 1) / page_size;
}

std::optional<std::string> FeedLog::Page(std::optional<std::int64_t> n, std::int64_t page_size,
                                         const std::string& self, const std::string& service_base,
                                         Timestamp now) const {
  const std::int64_t pages = PageCount(page_size);
  const bool recent = !n.has_value();
  const std::int64_t id = recent ? pages : *n;
  if (!recent && (id <= 0 || id > pages)) return std::nullopt;
  const auto first = static_cast<std::size_t>(std::max<std::int64_t>(id - 1, 0) * page_size);
  const std::size_t last = std::min(events_.size(), first + static_cast<std::size_t>(page_size));

  // The newest entry's time; an empty feed says midnight today (EventFeedServiceImpl).
  Timestamp updated = std::chrono::floor<std::chrono::days>(now);
  if (id > 0 && first < last) {
    updated = events_[first].timestamp;
    for (std::size_t i = first; i < last; ++i) updated = std::max(updated, events_[i].timestamp);
  }

  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  xml += fmt::format("  <title>{}</title>\n", kFeedTitle);
  const auto link = [&xml](const char* rel, const std::string& href) {
    xml += fmt::format("  <link rel=\"{}\" type=\"{}\" href=\"{}\" />\n", rel, kAtomType,
                       XmlEscape(href));
  };
  // self is the request; via is the canonical page (for recent, /{n}; for a page, itself).
  link("self", self);
  link("via", recent ? fmt::format("{}/{}", service_base, id) : self);
  // next-archive is newer (id + 1, only when a newer page exists), prev-archive older.
  if (id < pages) link("next-archive", fmt::format("{}/{}", service_base, id + 1));
  if (id > 1) link("prev-archive", fmt::format("{}/{}", service_base, id - 1));
  xml += fmt::format("  <author>\n    <name>{}</name>\n  </author>\n", kFeedAuthor);
  xml += fmt::format("  <id>{}+{}</id>\n", kFeedIdPrefix, id);
  xml += fmt::format("  <generator uri=\"{}\">{}</generator>\n", kGeneratorUri, kGeneratorTitle);
  xml += fmt::format("  <updated>{}</updated>\n", AtomDate(updated));
  for (std::size_t i = first; i < last && id > 0; ++i) {
    const FeedEvent& e = events_[i];
    xml += "  <entry>\n";
    xml += fmt::format("    <title>{}</title>\n", XmlEscape(e.title));
    xml += fmt::format("    <category term=\"{}\" />\n", XmlEscape(e.category));
    xml += fmt::format("    <id>tag:atomfeed.ict4h.org:{}</id>\n", e.uuid);
    xml += fmt::format("    <updated>{}</updated>\n", AtomDate(e.timestamp));
    xml += fmt::format("    <published>{}</published>\n", AtomDate(e.timestamp));
    xml +=
        fmt::format("    <content type=\"application/vnd.atomfeed+xml\"><![CDATA[{}]]></content>\n",
                    e.contents);
    xml += "  </entry>\n";
  }
  xml += "</feed>\n";
  return xml;
}

}  // namespace avni::openmrssim
