// The floor under a no-op `up` (issue 7): the least a tool that verifies
// every applied file must do, and nothing more. It connects, reads every
// row's file name and checksum in one query, lists DIR, reads and SHA-256s
// each *.sql file, and checks that every file has a row. No parsing, no
// trimming, no lock, no second thread; the plain C APIs of libpq, sqlite3
// and OpenSSL. tools/bench/compare-dbmate times it beside gander and dbmate.
//   gander_bench_floor postgres CONNINFO DIR
//   gander_bench_floor sqlite3 PATH DIR
// Exits 0 when every file has a row, 1 otherwise, 2 on a usage error.

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <libpq-fe.h>
#include <openssl/evp.h>
#include <sqlite3.h>

namespace {

constexpr const char* k_rows_sql = "SELECT filename, checksum FROM schema_migrations";

std::set<std::string> postgres_file_names(const char* conninfo) {
  const std::unique_ptr<PGconn, decltype(&PQfinish)> connection(PQconnectdb(conninfo), PQfinish);
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    std::fprintf(stderr, "%s", PQerrorMessage(connection.get()));
    std::exit(1);
  }
  const std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(connection.get(), k_rows_sql), PQclear);
  std::set<std::string> names;
  for (int row = 0; row < PQntuples(result.get()); ++row) names.insert(PQgetvalue(result.get(), row, 0));
  return names;
}

std::set<std::string> sqlite_file_names(const char* path) {
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(path, &raw, SQLITE_OPEN_READONLY, nullptr);
  const std::unique_ptr<sqlite3, decltype(&sqlite3_close)> database(raw, sqlite3_close);
  sqlite3_stmt* statement = nullptr;
  if (opened != SQLITE_OK || sqlite3_prepare_v2(raw, k_rows_sql, -1, &statement, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "%s\n", sqlite3_errmsg(raw));
    std::exit(1);
  }
  std::set<std::string> names;
  while (sqlite3_step(statement) == SQLITE_ROW) {
    names.insert(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
  }
  sqlite3_finalize(statement);
  return names;
}

struct CloseDirectory {
  void operator()(DIR* directory) const { closedir(directory); }
};

// Reads and hashes every *.sql file of `dir`; returns their names.
std::vector<std::string> hash_sql_files(const char* dir) {
  const std::unique_ptr<DIR, CloseDirectory> listing(opendir(dir));
  if (!listing) {
    std::perror(dir);
    std::exit(1);
  }
  EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  std::vector<std::string> names;
  std::vector<char> buffer;
  while (const dirent* entry = readdir(listing.get())) {
    const std::size_t length = std::strlen(entry->d_name);
    if (length < 4 || std::strcmp(entry->d_name + length - 4, ".sql") != 0) continue;
    const int fd = openat(dirfd(listing.get()), entry->d_name, O_RDONLY | O_CLOEXEC);
    struct stat status {};
    if (fd < 0 || fstat(fd, &status) != 0) {
      std::perror(entry->d_name);
      std::exit(1);
    }
    buffer.resize(static_cast<std::size_t>(status.st_size));
    const ssize_t count = read(fd, buffer.data(), buffer.size());
    close(fd);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_size = 0;
    EVP_DigestInit_ex(context, sha256, nullptr);
    EVP_DigestUpdate(context, buffer.data(), static_cast<std::size_t>(count < 0 ? 0 : count));
    EVP_DigestFinal_ex(context, digest, &digest_size);
    names.emplace_back(entry->d_name, length);
  }
  EVP_MD_CTX_free(context);
  EVP_MD_free(sha256);
  return names;
}

}  // namespace

int main(int argc, char* argv[]) {
  if (argc != 4 || (std::strcmp(argv[1], "postgres") != 0 && std::strcmp(argv[1], "sqlite3") != 0)) {
    std::fprintf(stderr, "usage: gander_bench_floor postgres|sqlite3 DSN DIR\n");
    return 2;
  }
  const std::set<std::string> recorded =
      std::strcmp(argv[1], "postgres") == 0 ? postgres_file_names(argv[2]) : sqlite_file_names(argv[2]);
  const std::vector<std::string> files = hash_sql_files(argv[3]);
  for (const std::string& name : files) {
    if (recorded.count(name) == 0) {
      std::fprintf(stderr, "%s has no row\n", name.c_str());
      return 1;
    }
  }
  std::printf("%zu files, %zu rows\n", files.size(), recorded.size());
  return 0;
}
