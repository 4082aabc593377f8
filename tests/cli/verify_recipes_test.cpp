// The CI recipes of docs/ci.md, run as written in scratch repositories: the
// GitHub Actions job's verify and lint steps and the pre-commit hook in tools/hooks.

#include <cstdlib>
#include <filesystem>

#include <catch2/catch.hpp>

#include "git_repo.hpp"
#include "run_process.hpp"
#include "temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

using gander::test::ProcessResult;
using gander::test::run_gander;
using gander::test::ScratchRepo;

const std::string k_users = "-- +goose Up\nCREATE TABLE users (id int);\n";
const std::string k_users_path = "db/migrations/00001_users.sql";

// PATH with the gander under test first, as an installed gander would be.
std::string path_with_gander() {
  const char* path = std::getenv("PATH");
  return fs::path(std::getenv("GANDER")).parent_path().string() + ":" + (path == nullptr ? "" : path);
}

}  // namespace

TEST_CASE("verify recipe: the GitHub Actions step passes a pull request that adds a migration and fails an edit") {
  const gander::test::TempDir temp;
  const ScratchRepo origin(temp.path() / "origin", temp.path() / "home");
  origin.write(k_users_path, k_users);
  origin.commit_all("release");
  origin.git({"checkout", "-q", "-b", "pull-request"});
  origin.write("db/migrations/00002_orders.sql", "-- +goose Up\nCREATE TABLE orders (id int);\n");
  origin.commit_all("add orders");

  // actions/checkout with fetch-depth: 0 — every branch, as origin/*.
  const fs::path workspace = temp.path() / "workspace";
  origin.git({"clone", "-q", "--branch", "pull-request", "file://" + origin.path().string(), workspace.string()},
             temp.path());
  const ScratchRepo checkout = ScratchRepo::existing(workspace, temp.path() / "home");
  const std::vector<std::string> step = {"verify", "--dir", "db/migrations", "--git-base", "origin/main"};

  const ProcessResult clean = run_gander(step, checkout.env(), workspace.string());
  INFO(clean.out << clean.err);
  CHECK(clean.exit_code == 0);
  const std::vector<std::string> lint_step = {"lint", "--dir", "db/migrations"};
  const ProcessResult linted = run_gander(lint_step, checkout.env(), workspace.string());
  INFO(linted.out << linted.err);
  CHECK(linted.exit_code == 0);

  checkout.write(k_users_path, "-- +goose Up\nCREATE TABLE users (id bigint);\n");
  checkout.commit_all("edit a released migration");
  const ProcessResult edited = run_gander(step, checkout.env(), workspace.string());
  INFO(edited.out << edited.err);
  CHECK(edited.exit_code == 3);
  CHECK_THAT(edited.out, Catch::Contains("MODIFIED  db/migrations/00001_users.sql"));

  // The lint step fails the job on an error, such as an index built concurrently in a transaction.
  checkout.write("db/migrations/00003_index.sql", "-- +goose Up\nCREATE INDEX CONCURRENTLY i ON orders (id);\n");
  const ProcessResult lint_error = run_gander(lint_step, checkout.env(), workspace.string());
  INFO(lint_error.out << lint_error.err);
  CHECK(lint_error.exit_code == 1);
  CHECK_THAT(lint_error.out, Catch::Contains("db/migrations/00003_index.sql:2: concurrently-in-transaction"));
}

TEST_CASE("verify recipe: the pre-commit hook refuses a commit that edits a released migration") {
  const gander::test::TempDir temp;
  const ScratchRepo repo(temp.path() / "repo", temp.path() / "home");
  repo.write(k_users_path, k_users);
  repo.commit_all("release");
  const fs::path hook = repo.path() / ".git" / "hooks" / "pre-commit";
  fs::create_directories(hook.parent_path());
  fs::copy_file(GANDER_PRE_COMMIT_HOOK, hook);
  repo.git({"checkout", "-q", "-b", "feature"});
  const gander::test::Environment hook_env = {
      {"PATH", path_with_gander()}, {"GANDER_BASE", "main"}, {"GANDER_DIR", "db/migrations"}};

  repo.write(k_users_path, "-- +goose Up\nCREATE TABLE users (id bigint);\n");
  repo.git({"add", "-A"});
  const ProcessResult refused = repo.try_git({"commit", "-q", "-m", "edit"}, {}, hook_env);
  INFO(refused.out << refused.err);
  CHECK(refused.exit_code != 0);
  CHECK_THAT(refused.out + refused.err, Catch::Contains("MODIFIED  db/migrations/00001_users.sql"));
  CHECK(repo.git({"rev-list", "--count", "HEAD"}).out == "1\n");

  repo.git({"checkout", "-q", "HEAD", "--", k_users_path});
  repo.write("db/migrations/00002_orders.sql", "-- +goose Up\nCREATE TABLE orders (id int);\n");
  repo.git({"add", "-A"});
  const ProcessResult accepted = repo.try_git({"commit", "-q", "-m", "add orders"}, {}, hook_env);
  INFO(accepted.out << accepted.err);
  CHECK(accepted.exit_code == 0);
  CHECK(repo.git({"rev-list", "--count", "HEAD"}).out == "2\n");

  const fs::path nested = repo.path() / "src";
  fs::create_directories(nested);
  repo.write("db/migrations/00003_items.sql", "-- +goose Up\nCREATE TABLE items (id int);\n");
  repo.git({"add", "-A"});
  const ProcessResult from_subdirectory = repo.try_git({"commit", "-q", "-m", "add items"}, nested, hook_env);
  INFO(from_subdirectory.out << from_subdirectory.err);
  CHECK(from_subdirectory.exit_code == 0);
}
