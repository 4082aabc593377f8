#pragma once

// The migration checksum (README, "Checksums"): lowercase hex SHA-256 of a file's bytes
// with leading and trailing whitespace removed exactly as Go's
// strings.TrimSpace removes it. Filename-keyed Go runners store this value,
// so their databases are adopted without rewriting a row. It is computed on
// the file as stored: before ENVSUB, with any byte-order mark included.

#include <memory>
#include <string>
#include <string_view>

// OpenSSL's EVP_MD_CTX, declared here so that this header needs no OpenSSL
// headers (consumers of the installed package do not link OpenSSL directly).
struct evp_md_ctx_st;

namespace gander::checksum {

// An incremental SHA-256 (OpenSSL EVP), for a value hashed in pieces without
// first joining them in memory. Throws std::runtime_error only if OpenSSL
// itself fails.
class Sha256 {
 public:
  Sha256();
  // Drops what was updated since the last value (e.g. after an exception).
  void restart();
  void update(std::string_view bytes);
  // Lowercase hex of the digest of everything updated since construction
  // or the previous finish_hex(), which starts the next value.
  std::string finish_hex();

 private:
  struct ContextDeleter {
    void operator()(evp_md_ctx_st* context) const;
  };
  std::unique_ptr<evp_md_ctx_st, ContextDeleter> m_context;
};

// Lowercase hex SHA-256 of `bytes`, hashed in place through OpenSSL EVP.
// Throws std::runtime_error only if OpenSSL itself fails.
std::string sha256_hex(std::string_view bytes);

// The checksum gander stores for a migration file: sha256_hex of the file's
// bytes after Go's strings.TrimSpace. The trimmed text is a view into
// `file_bytes`; nothing is copied.
std::string file_checksum(std::string_view file_bytes);

}  // namespace gander::checksum

#include <vector>

namespace gander::checksum {

// The checksums of the forms a file takes when only its line endings or its
// byte-order mark change (README, "Checksums"): CRLF turned into LF, lone LF turned
// into CRLF, a leading BOM removed or added, and each line-ending form with
// the BOM toggled. The file's own checksum is not in the list. A stored
// checksum found here means the file is unchanged but for such an edit.
std::vector<std::string> line_ending_variant_checksums(std::string_view file_bytes);

}  // namespace gander::checksum
