#pragma once

#include <cstdint>
#include <ostream>
#include <string_view>

namespace gander::cli {

// Writes one JSON value, compactly, as calls arrive. Strings are escaped per
// RFC 8259; invalid UTF-8 is written as U+FFFD so that the output is always
// valid JSON. Keys and values must be called in a well-formed order.
class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out) : m_out(out) {}

  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(std::size_t number);
  JsonWriter& value(bool flag);
  JsonWriter& null();

 private:
  void before_value();
  void write_string(std::string_view text);

  std::ostream& m_out;
  bool m_needs_comma = false;
};

}  // namespace gander::cli
