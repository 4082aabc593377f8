#include <gander/checksum/checksum.hpp>

#include <algorithm>
#include <cstddef>
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
  hex.reserve(std::size_t{size} * 2);
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
