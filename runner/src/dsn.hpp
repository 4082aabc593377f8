#pragma once

// Connection strings as text: where their passwords are, so that no message
// gander writes can carry one. redact_dsn() (store.hpp) is built on this.

#include <string>

namespace gander::detail {

// `text` with every password written in `dsn` (as written, and
// percent-decoded when it is part of a URL) replaced by "***". For messages
// from libpq, which quote pieces of a malformed DSN back.
std::string scrub_dsn_passwords(std::string text, const std::string& dsn);

}  // namespace gander::detail
