#pragma once

// goose's timestamp versions, yyyymmddHHMMSS in UTC: which versions have
// that shape, and what keeps one of that shape from being a timestamp.
// is_timestamp_version (create.hpp) is made of these two, so that `fix`,
// `create` and `lint` can never disagree about a version.

#include <cstdint>
#include <optional>
#include <string>

namespace gander::detail {

// True when the version has exactly 14 decimal digits. Leading zeros of a
// file name do not count: goose formats the version with %d.
bool has_timestamp_shape(std::int64_t version);

// For a version of timestamp shape: why goose does not read it as a
// timestamp, worded to follow "is " ("not a valid date: February has no
// day 30"), naming every part that is wrong; nullopt when it is a
// timestamp.
std::optional<std::string> timestamp_flaw(std::int64_t version);

}  // namespace gander::detail
