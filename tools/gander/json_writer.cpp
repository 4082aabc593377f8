#include "json_writer.hpp"

#include <gander/parser/go_text.hpp>

namespace gander::cli {

JsonWriter& JsonWriter::begin_object() {
  before_value();
  m_out << '{';
  m_needs_comma = false;
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  m_out << '}';
  m_needs_comma = true;
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  before_value();
  m_out << '[';
  m_needs_comma = false;
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  m_out << ']';
  m_needs_comma = true;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  before_value();
  write_string(name);
  m_out << ": ";
  m_needs_comma = false;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) {
  before_value();
  write_string(text);
  m_needs_comma = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::int64_t number) {
  before_value();
  m_out << number;
  m_needs_comma = true;
  return *this;
}

JsonWriter& JsonWriter::value(std::size_t number) {
  before_value();
  m_out << number;
  m_needs_comma = true;
  return *this;
}

JsonWriter& JsonWriter::value(bool flag) {
  before_value();
  m_out << (flag ? "true" : "false");
  m_needs_comma = true;
  return *this;
}

JsonWriter& JsonWriter::null() {
  before_value();
  m_out << "null";
  m_needs_comma = true;
  return *this;
}

void JsonWriter::before_value() {
  if (m_needs_comma) m_out << ", ";
  m_needs_comma = false;
}

void JsonWriter::write_string(std::string_view text) {
  static constexpr char k_hex[] = "0123456789abcdef";
  m_out << '"';
  for (std::size_t pos = 0; pos < text.size();) {
    const parser::DecodedRune decoded = parser::decode_rune(text, pos);
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (!decoded.is_valid) {
      m_out << "\\ufffd";
    } else if (byte == '"' || byte == '\\') {
      m_out << '\\' << static_cast<char>(byte);
    } else if (byte == '\n') {
      m_out << "\\n";
    } else if (byte == '\r') {
      m_out << "\\r";
    } else if (byte == '\t') {
      m_out << "\\t";
    } else if (byte < 0x20) {
      m_out << "\\u00" << k_hex[byte >> 4] << k_hex[byte & 0xF];
    } else {
      m_out.write(text.data() + pos, static_cast<std::streamsize>(decoded.size));
    }
    pos += decoded.size;
  }
  m_out << '"';
}

}  // namespace gander::cli
