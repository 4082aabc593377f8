#pragma once

// A tracking row as gander writes it, for the store tests: recognisable
// checksums made from the file name.

#include <string>

#include "store/store.hpp"

namespace gander::test {

inline RowRecord row_record(const std::string& filename, bool is_partial = false) {
  RowRecord row;
  row.filename = filename;
  row.checksum = "c-" + filename;
  row.version = 1;
  row.up_checksum = "u-" + filename;
  row.execution_ms = 12;
  row.is_partial = is_partial;
  return row;
}

}  // namespace gander::test
