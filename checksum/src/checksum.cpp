#include <gander/checksum/checksum.hpp>

#include <memory>
#include <stdexcept>

#include <openssl/evp.h>

#include <gander/parser/go_text.hpp>

namespace gander::checksum {

namespace {

struct DigestContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

std::string to_hex(const unsigned char* bytes, unsigned int size) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    hex.push_back(k_digits[bytes[i] >> 4]);
    hex.push_back(k_digits[bytes[i] & 0xF]);
  }
  return hex;
}

}  // namespace

std::string sha256_hex(std::string_view bytes) {
  const std::unique_ptr<EVP_MD_CTX, DigestContextDeleter> context(EVP_MD_CTX_new());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), digest, &digest_size) != 1) {
    throw std::runtime_error("OpenSSL SHA-256 failed");
  }
  return to_hex(digest, digest_size);
}

std::string file_checksum(std::string_view file_bytes) { return sha256_hex(parser::trim_go_space(file_bytes)); }

}  // namespace gander::checksum
