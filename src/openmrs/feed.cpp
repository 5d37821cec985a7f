#include "openmrs/feed.hpp"

#include <cctype>

#include <fmt/format.h>
#include <pugixml.hpp>

namespace avni::openmrs {
namespace {

constexpr std::string_view kAtomAccept = "application/atom+xml";
constexpr std::string_view kAtomNamespace = "http://www.w3.org/2005/Atom";

// An Atom link's path under /openmrs, the host OpenMRS wrote dropped (see Client::List).
std::string LinkPath(std::string_view href) {
  std::string_view rest = href;
  if (const auto scheme = rest.find("://"); scheme != std::string_view::npos) {
    rest = rest.substr(scheme + 3);
    const auto slash = rest.find('/');
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  return rest.starts_with("/openmrs/") ? std::string(rest) : std::string();
}

bool EndsInPageNumber(std::string_view path) {
  const auto slash = path.rfind('/');
  if (slash == std::string_view::npos || slash + 1 == path.size()) return false;
  for (std::size_t i = slash + 1; i < path.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(path[i]))) return false;
  }
  return true;
}

// Element names without a namespace prefix ("atom:entry" and "entry" alike).
std::string_view Local(const pugi::xml_node& node) {
  std::string_view name = node.name();
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::string Trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return std::string(text);
}

// The text of an element: its PCDATA and CDATA children together.
std::string TextOf(const pugi::xml_node& node) {
  std::string out;
  for (const pugi::xml_node& child : node.children()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
      out += child.value();
    }
  }
  return Trimmed(out);
}

}  // namespace

std::string_view FeedName(FeedKind kind) {
  return kind == FeedKind::kPatient ? "patient" : "encounter";
}

std::string EncodeMarker(const FeedPosition& position) {
  return position.page + " " + position.entry;
}

std::optional<FeedPosition> DecodeMarker(std::string_view marker) {
  const auto space = marker.find(' ');
  if (space == std::string_view::npos || space == 0 || space + 1 == marker.size()) {
    return std::nullopt;
  }
  FeedPosition position{std::string(marker.substr(0, space)),
                        std::string(marker.substr(space + 1))};
  if (!position.page.starts_with("/openmrs/") || !EndsInPageNumber(position.page) ||
      position.entry.find(' ') != std::string::npos) {
    return std::nullopt;
  }
  return position;
}

std::string EntityUuid(std::string_view content_url) {
  std::string_view path = content_url.substr(0, content_url.find_first_of("?#"));
  while (path.ends_with('/')) path.remove_suffix(1);
  const auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

Result<AtomPage> ParseAtomPage(std::string_view xml) {
  pugi::xml_document doc;
  // Default options: no DOCTYPE nodes, and pugixml never loads external entities.
  const pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
  const pugi::xml_node feed = doc.document_element();
  if (!parsed || Local(feed) != "feed") {
    return Fail(Error::Unavailable(
        parsed ? "OpenMRS answered a document that is not an Atom feed"
               : fmt::format("OpenMRS answered an Atom feed that is not XML ({})",
                             parsed.description())));
  }
  const char* ns = feed.attribute("xmlns").value();
  if (*ns != '\0' && std::string_view(ns) != kAtomNamespace) {
    return Fail(Error::Unavailable("OpenMRS answered a feed that is not Atom"));
  }
  AtomPage page;
  for (const pugi::xml_node& node : feed.children()) {
    const std::string_view name = Local(node);
    if (name == "link") {
      const std::string_view rel = node.attribute("rel").value();
      std::string href = LinkPath(node.attribute("href").value());
      if (rel == "self") page.self = std::move(href);
      if (rel == "via") page.via = std::move(href);
      if (rel == "prev-archive") page.prev_archive = std::move(href);
      if (rel == "next-archive") page.next_archive = std::move(href);
    } else if (name == "entry") {
      FeedEntry entry;
      for (const pugi::xml_node& part : node.children()) {
        const std::string_view field = Local(part);
        if (field == "id") entry.id = TextOf(part);
        if (field == "title") entry.title = TextOf(part);
        if (field == "content") entry.content = TextOf(part);
        if (field == "updated") entry.updated = ParseIso8601(TextOf(part));
      }
      if (entry.id.empty()) {
        return Fail(Error::Unavailable("OpenMRS answered an Atom entry without an id"));
      }
      page.entries.push_back(std::move(entry));
    }
  }
  return page;
}

FeedReader::FeedReader(Client& client, FeedKind kind)
    : client_(client), kind_(kind), base_(fmt::format("/openmrs/ws/atomfeed/{}", FeedName(kind))) {}

Result<AtomPage> FeedReader::Page(const std::string& path) {
  auto document = client_.GetDocument(path, kAtomAccept);
  if (!document) return Fail(document.error());
  if (!document->has_value()) {
    return Fail(Error::Unavailable(fmt::format("OpenMRS GET {}: HTTP 404 for a feed page", path)));
  }
  auto page = ParseAtomPage(**document);
  if (!page) {
    Error error = page.error();
    error.message = fmt::format("OpenMRS GET {}: {}", path, error.message);
    return Fail(std::move(error));
  }
  if (page->via.empty() && EndsInPageNumber(path)) page->via = path;
  if (page->via.empty() || !EndsInPageNumber(page->via)) {
    // A position on `recent` would move when the page fills: only /{n} pages can hold one.
    return Fail(Error::Unavailable(
        fmt::format("OpenMRS GET {}: the feed page names no numbered page (via link)", path)));
  }
  return page;
}

Result<AtomPage> FeedReader::FirstPage() {
  auto page = Page(base_ + "/recent");
  if (!page) return page;
  if (page->prev_archive.empty()) return page;
  // atomfeed numbers its pages from 1: try the first directly instead of walking every archive
  // back from `recent`; fall back to the walk for a server that numbers otherwise.
  if (auto first = Page(base_ + "/1"); first && first->prev_archive.empty()) return first;
  std::string seen = page->via;
  for (std::size_t steps = 0; !page->prev_archive.empty(); ++steps) {
    if (steps > 10'000'000) return Fail(Error::Unavailable("OpenMRS feed: no first page"));
    page = Page(page->prev_archive);
    if (!page) return page;
    if (page->via == seen) {
      return Fail(Error::Unavailable("OpenMRS feed: prev-archive links loop"));
    }
    seen = page->via;
  }
  return page;
}

Result<FeedReader::Batch> FeedReader::ReadAfter(const std::optional<FeedPosition>& after,
                                                std::size_t limit) {
  Batch batch;
  if (after && !after->page.starts_with(base_ + "/")) {
    return Fail(Error::FailedPrecondition(fmt::format(
        "the feed position is on {}, not on the {} feed", after->page, FeedName(kind_))));
  }
  auto page = after ? Page(after->page) : FirstPage();
  if (!page) return Fail(page.error());
  std::size_t start = 0;
  if (after) {
    std::size_t i = 0;
    while (i < page->entries.size() && page->entries[i].id != after->entry) ++i;
    if (i == page->entries.size()) {
      return Fail(Error::FailedPrecondition(
          fmt::format("OpenMRS feed page {} has no entry {}: the position is not from this feed",
                      after->page, after->entry)));
    }
    start = i + 1;
  }
  std::string previous = page->via;
  while (true) {
    for (std::size_t i = start; i < page->entries.size(); ++i) {
      if (batch.entries.size() == limit) return batch;
      FeedEntry entry = std::move(page->entries[i]);
      entry.position = FeedPosition{page->via, entry.id};
      batch.entries.push_back(std::move(entry));
    }
    if (page->next_archive.empty()) {
      batch.at_end = true;
      return batch;
    }
    if (batch.entries.size() == limit) return batch;
    page = Page(page->next_archive);
    if (!page) return Fail(page.error());
    if (page->via == previous) {
      return Fail(Error::Unavailable("OpenMRS feed: next-archive links loop"));
    }
    previous = page->via;
    start = 0;
  }
}

}  // namespace avni::openmrs
