#include <gander/checksum/checksum.hpp>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <stdexcept>

#include <openssl/evp.h>

#include <gander/parser/go_text.hpp>

namespace gander::checksum {

namespace {

struct DigestDeleter {
  void operator()(EVP_MD* digest) const { EVP_MD_free(digest); }
};

// EVP_sha256() looks the algorithm up in OpenSSL's provider store, under a
// lock, on every EVP_DigestInit_ex; a digest fetched once is reused by every
// hash of every thread (a fetched EVP_MD is immutable and reference counted).
const EVP_MD* sha256_digest() {
  static const std::unique_ptr<EVP_MD, DigestDeleter> digest(EVP_MD_fetch(nullptr, "SHA256", nullptr));
  if (!digest) throw std::runtime_error("OpenSSL has no SHA-256");
  return digest.get();
}

void check(int openssl_result) {
  if (openssl_result != 1) throw std::runtime_error("OpenSSL SHA-256 failed");
}

// An incremental SHA-256, for a value hashed in pieces without first
// joining them in memory.
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
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
  };
  std::unique_ptr<EVP_MD_CTX, ContextDeleter> m_context;
};

Sha256::Sha256() : m_context(EVP_MD_CTX_new()) {
  if (!m_context) throw std::runtime_error("OpenSSL SHA-256 failed");
  check(EVP_DigestInit_ex(m_context.get(), sha256_digest(), nullptr));
}

void Sha256::restart() { check(EVP_DigestInit_ex(m_context.get(), nullptr, nullptr)); }

void Sha256::update(std::string_view bytes) { check(EVP_DigestUpdate(m_context.get(), bytes.data(), bytes.size())); }

std::string Sha256::finish_hex() {
  static constexpr char k_digits[] = "0123456789abcdef";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  check(EVP_DigestFinal_ex(m_context.get(), digest, &digest_size));
  check(EVP_DigestInit_ex(m_context.get(), nullptr, nullptr));
  std::string hex(std::size_t{digest_size} * 2, '\0');
  for (std::size_t i = 0; i < digest_size; ++i) {
    hex[2 * i] = k_digits[digest[i] >> 4];
    hex[2 * i + 1] = k_digits[digest[i] & 0xF];
  }
  return hex;
}

// This thread's hash, ready for a new value. One context per thread, reused:
// setting a context up allocates, and a service start hashes thousands of
// small files.
Sha256& fresh_thread_hash() {
  thread_local Sha256 hash;
  hash.restart();
  return hash;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  Sha256& hash = fresh_thread_hash();
  hash.update(bytes);
  return hash.finish_hex();
}

std::string file_checksum(std::string_view file_bytes) { return sha256_hex(parser::trim_go_space(file_bytes)); }

std::string up_checksum(const parser::Migration& migration) {
  Sha256& hash = fresh_thread_hash();
  bool is_first = true;
  for (const parser::Statement& statement : migration.up) {
    if (!is_first) hash.update("\n");
    hash.update(statement.sql);
    is_first = false;
  }
  return hash.finish_hex();
}

}  // namespace gander::checksum

namespace gander::checksum {

namespace {

constexpr std::string_view k_bom = "\xEF\xBB\xBF";

std::string crlf_to_lf(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out.push_back(text[i]);
  }
  return out;
}

std::string lf_to_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out.push_back('\r');
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace

std::vector<std::string> line_ending_variant_checksums(std::string_view file_bytes) {
  const bool has_bom = file_bytes.substr(0, k_bom.size()) == k_bom;
  const std::string_view body = has_bom ? file_bytes.substr(k_bom.size()) : file_bytes;
  const std::string own = file_checksum(file_bytes);
  std::vector<std::string> checksums;
  for (const std::string& endings : {std::string(body), crlf_to_lf(body), lf_to_crlf(body)}) {
    for (const bool with_bom : {false, true}) {
      std::string checksum = file_checksum(with_bom ? std::string(k_bom) + endings : endings);
      if (checksum != own && std::find(checksums.begin(), checksums.end(), checksum) == checksums.end()) {
        checksums.push_back(std::move(checksum));
      }
    }
  }
  return checksums;
}

}  // namespace gander::checksum
