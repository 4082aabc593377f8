#pragma once

#include <stdexcept>
#include <string>

namespace gander::detail {

// A broken invariant is a bug in gander, which no user can fix: it is a
// std::logic_error, not a gander::Error, so no caller takes it for a usage
// or database error and its kind's remedy. It throws rather than aborts, so
// that a service that runs migrations at startup logs it and decides.
[[noreturn]] inline void broken_invariant(const std::string& what) {
  throw std::logic_error("internal error (a bug in gander; please report it): " + what);
}

}  // namespace gander::detail
