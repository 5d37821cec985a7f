#pragma once

#include <string>
#include <string_view>

// What the clients may quote of a server's answer in an error message: error messages reach the
// logs and the error records, and must never carry a person's name or an observation's value.
namespace avni::http {

// `text` with the contents of double quotes replaced by "<value>", and every string and number
// of the JSON document `sent` (the request's body: names, observation values; other than uuids
// and patient identifiers) that stands as a whole word in it too. `sent` may be empty or not
// JSON: then only quoted text goes.
std::string Redact(std::string_view text, std::string_view sent);

}  // namespace avni::http
