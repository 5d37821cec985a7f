#pragma once

// What the representation files share (internal to src/openmrssim): links, refs and the
// audit block as webservices.rest writes them.

#include <string>
#include <string_view>

#include "openmrssim/representation.hpp"

namespace avni::openmrssim::rendering {

Json Link(const std::string& rel, const std::string& uri, const std::string& alias);
// A representation's links: self, and for the default one "full" (self + ?v=full).
Json Links(const std::string& uri, const std::string& alias, Rep rep);
Json Ref(const std::string& uuid, const std::string& display, const std::string& uri,
         const std::string& alias);
std::string Uri(const RenderContext& ctx, std::string_view resource, std::string_view uuid);
Json AuditInfo(const RenderContext& ctx, Timestamp created,
               const std::optional<Timestamp>& changed);
Json ConceptRef(const RenderContext& ctx, const std::string& uuid);
// The metadata row as a ref (null when the uuid names none).
Json MetaRef(const RenderContext& ctx, std::string_view resource, const std::string& uuid);
Json MetaAt(const RenderContext& ctx, std::string_view resource, const std::string& uuid, Rep rep);
Json PatientRef(const RenderContext& ctx, const std::string& uuid);
Json PersonRef(const RenderContext& ctx, const std::string& uuid);

}  // namespace avni::openmrssim::rendering
