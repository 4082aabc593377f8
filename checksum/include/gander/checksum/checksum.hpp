#pragma once

// The migration checksum (docs/file-format.md, "Checksums"): lowercase hex SHA-256 of a file's bytes
// with leading and trailing whitespace removed exactly as Go's
// strings.TrimSpace removes it. Filename-keyed Go runners store this value,
// so their databases are adopted without rewriting a row. It is computed on
// the file as stored: before ENVSUB, with any byte-order mark included.

#include <string>
#include <string_view>
#include <vector>

#include <gander/parser/migration.hpp>

namespace gander::checksum {

// Lowercase hex SHA-256 of `bytes`, hashed in place through OpenSSL EVP.
// Throws std::runtime_error only if OpenSSL itself fails.
std::string sha256_hex(std::string_view bytes);

// The checksum gander stores for a migration file: sha256_hex of the file's
// bytes after Go's strings.TrimSpace. The trimmed text is a view into
// `file_bytes`; nothing is copied.
std::string file_checksum(std::string_view file_bytes);

// The checksum of the SQL a migration runs going up: sha256_hex of its up
// statements joined by '\n'. It tells an edit of the SQL that ran from one
// of comments, whitespace or the Down section.
std::string up_checksum(const parser::Migration& migration);

// The checksums of the forms a file takes when only its line endings or its
// byte-order mark change (docs/file-format.md, "Checksums"): CRLF turned into LF, lone LF turned
// into CRLF, a leading BOM removed or added, and each line-ending form with
// the BOM toggled. The file's own checksum is not in the list. A stored
// checksum found here means the file is unchanged but for such an edit.
std::vector<std::string> line_ending_variant_checksums(std::string_view file_bytes);

}  // namespace gander::checksum
