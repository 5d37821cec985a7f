#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace avni::sim {

// RFC 4648 base64url without padding, as JWTs use it.
std::string Base64UrlEncode(std::string_view bytes);
std::optional<std::string> Base64UrlDecode(std::string_view text);

// A compact JWS (header.payload.signature) signed with HS256 under `secret`.
std::string SignJwt(const nlohmann::json& payload, std::string_view secret);

enum class JwtProblem { kMalformed, kBadSignature };

// The payload of a token whose HS256 signature matches `secret`. A token that does not split
// into three base64url parts of JSON is kMalformed (avni-server: JWTDecodeException); a good
// shape with a wrong signature is kBadSignature (avni-server: SignatureVerificationException).
std::expected<nlohmann::json, JwtProblem> VerifyJwt(std::string_view token,
                                                    std::string_view secret);

}  // namespace avni::sim
