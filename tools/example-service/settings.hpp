#pragma once

#include <string>

namespace example {

// The support_email setting that migration 00005 inserts, read through the
// service's own database client (sqlite3 or libpqxx), as a service's code
// would. Throws std::runtime_error when it cannot be read.
std::string support_email(const std::string& driver, const std::string& dsn);

}  // namespace example
