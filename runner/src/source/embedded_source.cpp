#include <gander/embedded_source.hpp>

#include <map>
#include <string_view>
#include <utility>

#include <gander/amendments.hpp>
#include <gander/error.hpp>
#include <gander/migration_name.hpp>

namespace gander {

namespace {

class EmbeddedSource final : public MigrationSource {
 public:
  EmbeddedSource(std::string dir_name, const EmbeddedFile* files, std::size_t count) : m_dir_name(std::move(dir_name)) {
    for (std::size_t i = 0; i < count; ++i) {
      const std::string_view name = files[i].name;
      if (name == k_amendments_file_name) m_amendments = std::string(files[i].bytes, files[i].size);
      if (!is_migration_file_name(name)) continue;
      if (!m_bytes_by_name.emplace(name, std::string_view(files[i].bytes, files[i].size)).second) {
        throw Error(ErrorKind::config, "embedded twice", ErrorContext{display_path(std::string(name))});
      }
    }
  }

  std::string location() const override { return "embedded:" + m_dir_name; }

  // std::string_view orders by char_traits<char>, which compares bytes as
  // unsigned, so the map's order is the bytewise order the interface promises.
  std::vector<std::string> migration_file_names() const override {
    std::vector<std::string> names;
    names.reserve(m_bytes_by_name.size());
    for (const auto& entry : m_bytes_by_name) names.emplace_back(entry.first);
    return names;
  }

  std::string read(const std::string& name) const override {
    const auto found = m_bytes_by_name.find(name);
    if (found == m_bytes_by_name.end()) {
      throw Error(ErrorKind::config, "no such embedded migration", ErrorContext{display_path(name)});
    }
    return std::string(found->second);
  }

  std::string display_path(const std::string& name) const override { return m_dir_name + "/" + name; }

  std::optional<std::string> read_amendments() const override { return m_amendments; }

 private:
  std::string m_dir_name;
  std::map<std::string_view, std::string_view> m_bytes_by_name;
  std::optional<std::string> m_amendments;
};

}  // namespace

std::shared_ptr<const MigrationSource> open_embedded_source(std::string dir_name, const EmbeddedFile* files,
                                                            std::size_t count) {
  return std::make_shared<EmbeddedSource>(std::move(dir_name), files, count);
}

}  // namespace gander
