#pragma once

#include <string>

#include "common/error.hpp"

namespace avni::app {

// Reads a new password without it ever being on the command line: from a terminal, a prompt
// with echo off, asked twice; otherwise the first line of standard input (for scripts).
Result<std::string> ReadNewPassword();

}  // namespace avni::app
