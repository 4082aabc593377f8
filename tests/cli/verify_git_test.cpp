// gander verify --git-base REF in scratch repositories: a change on a
// branch against the migrations released on main.

#include <catch2/catch.hpp>

#include <gander/checksum/checksum.hpp>

#include "git_repo.hpp"
#include "run_process.hpp"
#include "temp_dir.hpp"

namespace {

using gander::checksum::file_checksum;
using gander::test::ProcessResult;
using gander::test::run_gander;
using gander::test::ScratchRepo;

const std::string k_users = "-- +goose Up\nCREATE TABLE users (id int);\n-- +goose Down\nDROP TABLE users;\n";
const std::string k_orders = "-- +goose Up\nCREATE TABLE orders (id int);\n-- +goose Down\nDROP TABLE orders;\n";
const std::string k_users_path = "db/migrations/00001_users.sql";
const std::string k_orders_path = "db/migrations/00002_orders.sql";

// A repository whose main branch has released two migrations, with a
// feature branch checked out for the change under test.
struct ReleasedRepo {
  gander::test::TempDir temp;
  ScratchRepo repo{temp.path() / "repo", temp.path() / "home"};

  ReleasedRepo() {
    repo.write(k_users_path, k_users);
    repo.write(k_orders_path, k_orders);
    repo.write("README", "service\n");
    repo.commit_all("release two migrations");
    repo.git({"checkout", "-q", "-b", "feature"});
  }

  ProcessResult verify(std::vector<std::string> extra = {}, const std::string& dir = "db/migrations",
                       const std::filesystem::path& cwd = {}) const {
    std::vector<std::string> args = {"verify", "--dir", dir, "--git-base", "main"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_gander(args, repo.env(), (cwd.empty() ? repo.path() : cwd).string());
  }
};

std::string crlf(const std::string& text) {
  std::string converted;
  for (const char c : text) {
    if (c == '\n') converted += '\r';
    converted += c;
  }
  return converted;
}

}  // namespace

TEST_CASE("verify --git-base passes a change that only adds a migration") {
  const ReleasedRepo released;
  released.repo.write("db/migrations/00003_items.sql", "-- +goose Up\nCREATE TABLE items (id int);\n");
  released.repo.commit_all("add items");
  const ProcessResult result = released.verify();
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("OK: no migration released at main was changed in db/migrations "
                                         "(2 checked, 1 new file)"));
  CHECK(result.err.empty());
}

TEST_CASE("verify --git-base fails on an edited released migration and says how to undo it") {
  const ReleasedRepo released;
  const std::string edited = "-- +goose Up\nCREATE TABLE orders (id bigint);\n-- +goose Down\nDROP TABLE orders;\n";
  released.repo.write(k_orders_path, edited);
  const ProcessResult result = released.verify();
  INFO(result.out << result.err);
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.out,
             Catch::Contains("FAILED: 1 problem in db/migrations: migrations released at main were changed"));
  CHECK_THAT(result.out, Catch::Contains("MODIFIED  db/migrations/00002_orders.sql\n"));
  CHECK_THAT(result.out, Catch::Contains("checksum at main: " + file_checksum(k_orders)));
  CHECK_THAT(result.out, Catch::Contains("checksum now:     " + file_checksum(edited)));
  CHECK_THAT(result.out, Catch::Contains("git diff main -- db/migrations/00002_orders.sql"));
  CHECK_THAT(result.out, Catch::Contains("git checkout main -- db/migrations/00002_orders.sql"));
  CHECK_THAT(result.out,
             Catch::Contains("00002_orders.sql " + file_checksum(k_orders) + " " + file_checksum(edited) + " <why>"));
  CHECK_THAT(result.out, Catch::Contains("new migration ('gander create NAME')"));
  CHECK_THAT(result.out, !Catch::Contains("00001_users.sql"));
}

TEST_CASE("verify --git-base fails on a deleted released migration") {
  const ReleasedRepo released;
  released.repo.git({"rm", "-q", k_users_path});
  released.repo.commit_all("drop the users migration");
  const ProcessResult result = released.verify();
  INFO(result.out << result.err);
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.out, Catch::Contains("DELETED  db/migrations/00001_users.sql\n"));
  CHECK_THAT(result.out, Catch::Contains("undo it:  git checkout main -- db/migrations/00001_users.sql"));
}

TEST_CASE("verify --git-base reports a released migration under a new name as renamed") {
  const ReleasedRepo released;
  released.repo.git({"mv", k_orders_path, "db/migrations/00002_create_orders.sql"});
  const ProcessResult result = released.verify();
  INFO(result.out << result.err);
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.out,
             Catch::Contains("RENAMED  db/migrations/00002_orders.sql -> db/migrations/00002_create_orders.sql"));
  CHECK_THAT(result.out,
             Catch::Contains("undo it:  git mv db/migrations/00002_create_orders.sql db/migrations/00002_orders.sql"));
  CHECK_THAT(result.out, !Catch::Contains("DELETED"));
}

TEST_CASE("verify --git-base accepts whitespace added or removed at the ends of a released file") {
  const ReleasedRepo released;
  released.repo.write(k_orders_path, "\n\n  " + k_orders + "\n\n\t\n");
  released.repo.write(k_users_path, k_users.substr(0, k_users.size() - 1));
  const ProcessResult result = released.verify();
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("OK: no migration released at main was changed"));
}

TEST_CASE("verify --git-base accepts CRLF line endings with a note unless --strict-checksums") {
  const ReleasedRepo released;
  released.repo.write(k_orders_path, crlf(k_orders));

  const ProcessResult lenient = released.verify();
  INFO(lenient.out << lenient.err);
  CHECK(lenient.exit_code == 0);
  CHECK_THAT(lenient.out, Catch::Contains("accepted: db/migrations/00002_orders.sql: only line endings differ"));

  const ProcessResult strict = released.verify({"--strict-checksums"});
  INFO(strict.out << strict.err);
  CHECK(strict.exit_code == 3);
  CHECK_THAT(strict.out, Catch::Contains("MODIFIED  db/migrations/00002_orders.sql\n"
                                         "    only line endings or a byte-order mark differ (--strict-checksums)"));
}

TEST_CASE("verify --git-base with a REF that does not exist exits 2 and says to fetch it") {
  const ReleasedRepo released;
  const ProcessResult result = run_gander({"verify", "--dir", "db/migrations", "--git-base", "origin/main"},
                                          released.repo.env(), released.repo.path().string());
  CHECK(result.exit_code == 2);
  CHECK(result.out.empty());
  CHECK_THAT(result.err, Catch::Contains("the git base 'origin/main' is not a commit in the repository at " +
                                         released.repo.path().string()));
  CHECK_THAT(result.err, Catch::Contains("git fetch --depth 1 origin main:refs/remotes/origin/main"));
}

TEST_CASE("verify --git-base outside a git repository exits 2 and says why") {
  const gander::test::TempDir dir;
  dir.write("migrations/00001_a.sql", "SELECT 1;\n");
  // The test directory lies inside gander's own work tree: keep git from finding it.
  const ProcessResult result =
      run_gander({"verify", "--dir", (dir.path() / "migrations").string(), "--git-base", "main"},
                 {{"GIT_CEILING_DIRECTORIES", dir.path().string()}});
  CHECK(result.exit_code == 2);
  CHECK_THAT(result.err,
             Catch::Contains("comparing with a git base needs the migrations directory inside a git work tree"));
  CHECK_THAT(result.err, Catch::Contains("not a git repository"));
}

TEST_CASE("verify --git-base works from a subdirectory and with an absolute --dir") {
  const ReleasedRepo released;
  released.repo.write(k_users_path, "-- +goose Up\nCREATE TABLE users (id bigint);\n");
  std::filesystem::create_directories(released.repo.path() / "src" / "deep");

  const ProcessResult from_subdirectory =
      released.verify({}, "../../db/migrations", released.repo.path() / "src" / "deep");
  INFO(from_subdirectory.out << from_subdirectory.err);
  CHECK(from_subdirectory.exit_code == 3);
  CHECK_THAT(from_subdirectory.out, Catch::Contains("MODIFIED  ../../db/migrations/00001_users.sql\n"));
  CHECK_THAT(from_subdirectory.out, Catch::Contains("git checkout main -- ../../db/migrations/00001_users.sql"));

  const std::string absolute_dir = (released.repo.path() / "db" / "migrations").string();
  const ProcessResult absolute = released.verify({}, absolute_dir, released.repo.path() / "src");
  INFO(absolute.out << absolute.err);
  CHECK(absolute.exit_code == 3);
  CHECK_THAT(absolute.out, Catch::Contains("MODIFIED  " + absolute_dir + "/00001_users.sql\n"));

  const ProcessResult inside = released.verify({}, ".", released.repo.path() / "db" / "migrations");
  CHECK(inside.exit_code == 3);
  CHECK_THAT(inside.out, Catch::Contains("MODIFIED  ./00001_users.sql\n"));

  released.repo.git({"checkout", "-q", "--", k_users_path});
  const ProcessResult restored = released.verify({}, "../../db/migrations", released.repo.path() / "src" / "deep");
  CHECK(restored.exit_code == 0);
}

TEST_CASE("verify --git-base ignores the GIT_DIR and GIT_INDEX_FILE that git exports to hooks") {
  const ReleasedRepo released;
  released.repo.write(k_users_path, "-- +goose Up\nCREATE TABLE users (id bigint);\n");
  gander::test::Environment hook_env = released.repo.env();
  hook_env["GIT_DIR"] = ".git";
  hook_env["GIT_INDEX_FILE"] = ".git/index";
  const ProcessResult result = run_gander({"verify", "--dir", "migrations", "--git-base", "main"}, hook_env,
                                          (released.repo.path() / "db").string());
  INFO(result.out << result.err);
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.out, Catch::Contains("MODIFIED  migrations/00001_users.sql\n"));
}

TEST_CASE("verify --git-base works in a shallow clone once the base is fetched") {
  const gander::test::TempDir temp;
  const ScratchRepo origin(temp.path() / "origin", temp.path() / "home");
  origin.write(k_users_path, k_users);
  origin.write(k_orders_path, k_orders);
  origin.commit_all("release");
  origin.write("README", "history\n");
  origin.commit_all("more history");
  origin.git({"checkout", "-q", "-b", "feature"});
  origin.write(k_orders_path, "-- +goose Up\nCREATE TABLE orders (id bigint);\n");
  origin.write("db/migrations/00003_items.sql", "-- +goose Up\nCREATE TABLE items (id int);\n");
  origin.commit_all("change orders");

  const std::filesystem::path clone_path = temp.path() / "clone";
  origin.git(
      {"clone", "-q", "--depth", "1", "--branch", "feature", "file://" + origin.path().string(), clone_path.string()},
      temp.path());
  const ScratchRepo clone = ScratchRepo::existing(clone_path, temp.path() / "home");
  CHECK(std::filesystem::exists(clone_path / ".git" / "shallow"));

  const std::vector<std::string> verify = {"verify", "--dir", "db/migrations", "--git-base", "origin/main"};
  const ProcessResult before_fetch = run_gander(verify, clone.env(), clone_path.string());
  CHECK(before_fetch.exit_code == 2);
  CHECK_THAT(before_fetch.err, Catch::Contains("fetch it first"));

  // As actions/checkout configures the remote: every branch maps to origin/*.
  clone.git({"config", "remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*"});
  clone.git({"fetch", "-q", "--depth", "1", "origin", "main"});
  const ProcessResult after_fetch = run_gander(verify, clone.env(), clone_path.string());
  INFO(after_fetch.out << after_fetch.err);
  CHECK(after_fetch.exit_code == 3);
  CHECK_THAT(after_fetch.out, Catch::Contains("MODIFIED  db/migrations/00002_orders.sql\n"));
  CHECK_THAT(after_fetch.out, Catch::Contains("checksum at origin/main: " + file_checksum(k_orders)));
  CHECK_THAT(after_fetch.out, !Catch::Contains("00003_items.sql"));
}

TEST_CASE("verify --git-base accepts an edit whose amendment the same change adds") {
  const ReleasedRepo released;
  const std::string edited = "-- a comment for readers\n" + k_orders;
  released.repo.write(k_orders_path, edited);
  released.repo.write("db/migrations/gander.amend", "# reviewed\n00002_orders.sql " + file_checksum(k_orders) + " " +
                                                        file_checksum(edited) + " a comment only\n");
  released.repo.commit_all("amend orders");
  const ProcessResult result = released.verify();
  INFO(result.out << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("accepted: db/migrations/00002_orders.sql: amended: a comment only\n"));

  const ProcessResult json = released.verify({"--json"});
  CHECK(json.exit_code == 0);
  CHECK_THAT(json.out,
             Catch::Contains("\"accepted\": [{\"file\": \"00002_orders.sql\", \"reason\": \"amended: a "
                             "comment only\", \"expected_checksum\": \"" +
                             file_checksum(k_orders) + "\", \"actual_checksum\": \"" + file_checksum(edited) + "\"}]"));
}

TEST_CASE("verify --git-base refuses an edit when the amendment was already there at the base") {
  const ReleasedRepo released;
  const std::string first_edit = "-- a comment for readers\n" + k_orders;
  const std::string second_edit = "-- +goose Up\nCREATE TABLE orders (id bigint);\n";
  released.repo.git({"checkout", "-q", "main"});
  released.repo.write(k_orders_path, first_edit);
  released.repo.write("db/migrations/gander.amend", "00002_orders.sql " + file_checksum(k_orders) + " " +
                                                        file_checksum(first_edit) + " a comment only\n");
  released.repo.commit_all("amend orders, released");
  released.repo.git({"checkout", "-q", "-b", "second-edit"});
  released.repo.write(k_orders_path, second_edit);
  const ProcessResult result = released.verify();
  INFO(result.out << result.err);
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.out, Catch::Contains("MODIFIED  db/migrations/00002_orders.sql\n"));
  CHECK_THAT(result.out, Catch::Contains("checksum at main: " + file_checksum(first_edit)));
}

TEST_CASE("verify --git-base needs an amendment from every checksum the base accepted") {
  const ReleasedRepo released;
  const std::string first_edit = "-- a comment for readers\n" + k_orders;
  const std::string second_edit = "-- two comments for readers\n" + k_orders;
  const std::string first_line =
      "00002_orders.sql " + file_checksum(k_orders) + " " + file_checksum(first_edit) + " a comment\n";
  released.repo.git({"checkout", "-q", "main"});
  released.repo.write(k_orders_path, first_edit);
  released.repo.write("db/migrations/gander.amend", first_line);
  released.repo.commit_all("amend orders, released");
  released.repo.git({"checkout", "-q", "-b", "second-edit"});
  released.repo.write(k_orders_path, second_edit);
  const std::string from_first =
      "00002_orders.sql " + file_checksum(first_edit) + " " + file_checksum(second_edit) + " another comment\n";
  const std::string from_original =
      "00002_orders.sql " + file_checksum(k_orders) + " " + file_checksum(second_edit) + " another comment\n";

  released.repo.write("db/migrations/gander.amend", first_line + from_first);
  const ProcessResult half = released.verify();
  INFO(half.out << half.err);
  CHECK(half.exit_code == 3);
  CHECK_THAT(half.out,
             Catch::Contains("gander.amend also needs, for databases that hold an earlier amended checksum: '" +
                             from_original.substr(0, from_original.find(" another")) + " <reason>'"));

  released.repo.write("db/migrations/gander.amend", first_line + from_first + from_original);
  const ProcessResult both = released.verify();
  INFO(both.out << both.err);
  CHECK(both.exit_code == 0);
  CHECK_THAT(both.out, Catch::Contains("amended: another comment\n"));
}

TEST_CASE("verify --git-base fails when a released amendment line is removed") {
  const ReleasedRepo released;
  const std::string edited = "-- a comment for readers\n" + k_orders;
  released.repo.git({"checkout", "-q", "main"});
  released.repo.write(k_orders_path, edited);
  released.repo.write("db/migrations/gander.amend",
                      "00002_orders.sql " + file_checksum(k_orders) + " " + file_checksum(edited) + " comment\n");
  released.repo.commit_all("amend orders, released");
  released.repo.git({"checkout", "-q", "-b", "cleanup"});
  released.repo.write("db/migrations/gander.amend", "# nothing\n");
  const ProcessResult result = released.verify({"--json"});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 3);
  CHECK_THAT(result.out, Catch::Contains("{\"file\": \"00002_orders.sql\", \"kind\": \"amendment-removed\""));
}

TEST_CASE("verify --git-base --json reports every violation in one documented shape") {
  const ReleasedRepo released;
  const std::string edited = "-- +goose Up\nCREATE TABLE users (id bigint);\n";
  released.repo.write(k_users_path, edited);
  released.repo.git({"mv", k_orders_path, "db/migrations/00003_orders.sql"});
  const ProcessResult result = released.verify({"--json"});
  INFO(result.out << result.err);
  CHECK(result.exit_code == 3);
  CHECK(result.out ==
        "{\"mode\": \"git-base\", \"base\": \"main\", \"dir\": \"db/migrations\", \"checked\": 2, \"clean\": false, "
        "\"violations\": [{\"file\": \"00001_users.sql\", \"kind\": \"modified\", \"expected_checksum\": \"" +
            file_checksum(k_users) + "\", \"actual_checksum\": \"" + file_checksum(edited) +
            "\", \"renamed_to\": null, \"note\": null}, "
            "{\"file\": \"00002_orders.sql\", \"kind\": \"renamed\", \"expected_checksum\": \"" +
            file_checksum(k_orders) + "\", \"actual_checksum\": \"" + file_checksum(k_orders) +
            "\", \"renamed_to\": \"00003_orders.sql\", \"note\": \"the same bytes under a new name\"}], "
            "\"accepted\": [], \"new_files\": []}\n");
}

TEST_CASE("verify without a mode or with two modes is a usage error") {
  const ReleasedRepo released;
  const ProcessResult none =
      run_gander({"verify", "--dir", "db/migrations"}, released.repo.env(), released.repo.path().string());
  CHECK(none.exit_code == 2);
  CHECK_THAT(none.err, Catch::Contains("verify needs to know what was released: --git-base REF, --sum [FILE], "
                                       "--base-sum FILE or --db DSN"));

  const ProcessResult two = released.verify({"--sum"});
  CHECK(two.exit_code == 2);
  CHECK_THAT(two.err, Catch::Contains("choose one of --git-base, --sum, --base-sum and --db"));

  const ProcessResult with_db_flag = released.verify({"--db", "some.db"});
  CHECK(with_db_flag.exit_code == 2);
  CHECK_THAT(with_db_flag.err, Catch::Contains("choose one of"));

  gander::test::Environment env = released.repo.env();
  env["GANDER_DBSTRING"] = "host=db.invalid dbname=app";
  const ProcessResult with_db_in_env =
      run_gander({"verify", "--dir", "db/migrations", "--git-base", "main"}, env, released.repo.path().string());
  CHECK(with_db_in_env.exit_code == 0);
}
