#include "json_writer.hpp"

#include <string>

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
  std::string escaped;
  escaped.reserve(text.size() + 2);
  escaped.push_back('"');
  for (std::size_t pos = 0; pos < text.size();) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte >= 0x20 && byte < 0x80 && byte != '"' && byte != '\\') {
      // Runs of plain ASCII are the common case: copy them in one go.
      std::size_t end = pos + 1;
      while (end < text.size()) {
        const auto next = static_cast<unsigned char>(text[end]);
        if (next < 0x20 || next >= 0x80 || next == '"' || next == '\\') break;
        ++end;
      }
      escaped.append(text, pos, end - pos);
      pos = end;
      continue;
    }
    const parser::DecodedRune decoded = parser::decode_rune(text, pos);
    if (!decoded.is_valid) {
      escaped += "\\ufffd";
    } else if (byte == '"' || byte == '\\') {
      escaped.push_back('\\');
      escaped.push_back(static_cast<char>(byte));
    } else if (byte == '\n') {
      escaped += "\\n";
    } else if (byte == '\r') {
      escaped += "\\r";
    } else if (byte == '\t') {
      escaped += "\\t";
    } else if (byte < 0x20) {
      escaped += "\\u00";
      escaped.push_back(k_hex[byte >> 4]);
      escaped.push_back(k_hex[byte & 0xF]);
    } else {
      escaped.append(text, pos, decoded.size);
    }
    pos += decoded.size;
  }
  escaped.push_back('"');
  m_out.write(escaped.data(), static_cast<std::streamsize>(escaped.size()));
}

}  // namespace gander::cli
