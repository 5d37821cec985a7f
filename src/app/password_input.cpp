#include "app/password_input.hpp"

#include <termios.h>
#include <unistd.h>

#include <iostream>

namespace avni::app {
namespace {

Result<std::string> PromptHidden(const char* prompt) {
  std::cerr << prompt << std::flush;
  termios old{};
  const bool tty = ::tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  const bool ok = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    std::cerr << "\n";
  }
  if (!ok) return Fail(Error::InvalidArgument("password", "no password given on standard input"));
  return line;
}

}  // namespace

Result<std::string> ReadNewPassword() {
  if (!::isatty(STDIN_FILENO)) {
    std::string line;
    if (!std::getline(std::cin, line)) {
      return Fail(Error::InvalidArgument(
          "password",
          "no password on standard input; pipe it in, e.g. `printf '%s\\n' \"$PW\" | "
          "avni-integrator user create ...`"));
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  auto first = PromptHidden("New password: ");
  if (!first) return first;
  auto second = PromptHidden("Repeat password: ");
  if (!second) return second;
  if (*first != *second) return Fail(Error::InvalidArgument("password", "the passwords differ"));
  return first;
}

}  // namespace avni::app
