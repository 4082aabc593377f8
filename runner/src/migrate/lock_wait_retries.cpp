// docs/operations.md, "Locking", "DDL must not stall the application": a migration statement
// that queues for a table lock behind an application's transaction makes
// every later query on that table queue behind it. With lock_timeout it
// gives up instead (PostgresStore::execute), and the whole migration is
// rolled back and tried again a little later, while the application goes on.

#include <chrono>
#include <optional>
#include <string>

#include "migrator_impl.hpp"
#include "statement_runner.hpp"
#include "util/backoff.hpp"
#include "util/duration_text.hpp"

namespace gander {

using detail::Clock;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds k_first_retry_delay{500};
constexpr milliseconds k_longest_retry_delay{10'000};
// How often a wait between attempts looks for a cancel.
constexpr milliseconds k_cancel_check_interval{100};

bool is_lock_wait_failure(const Error& error) {
  return error.kind() == ErrorKind::lock && error.context().sqlstate == std::optional<std::string>("55P03");
}

}  // namespace

Step Migrator::Impl::run_action(Store& store, const LoadedMigration& migration, Direction direction,
                                detail::FinishedEvent finished, const std::function<void()>& before_retry) {
  // A NO TRANSACTION statement that gave up has left the statements before
  // it applied: running them again is not gander's to decide.
  if (!migration.inspected.migration.use_tx) return run_action_once(store, migration, direction, finished);
  std::optional<Clock::time_point> deadline;
  detail::Backoff backoff(k_first_retry_delay, k_longest_retry_delay);
  for (int attempt = 1;; ++attempt) {
    try {
      return run_action_once(store, migration, direction, finished);
    } catch (const Error& error) {
      if (!is_lock_wait_failure(error)) throw;
      const Clock::time_point now = Clock::now();
      if (!deadline) deadline = now + m_options.lock_timeout;
      if (now + backoff.delay() > *deadline || m_is_cancelled) {
        throw Error(ErrorKind::lock,
                    error.message() + "; gave up after " + std::to_string(attempt) +
                        (attempt == 1 ? " attempt" : " attempts") + " within --lock-timeout " +
                        detail::duration_text(m_options.lock_timeout),
                    error.context());
      }
      if (before_retry) before_retry();
      ProgressEvent event;
      event.kind = ProgressEvent::Kind::warning;
      event.name = migration.inspected.name;
      event.direction = direction;
      event.detail = error.what() + std::string("; trying again in ") + detail::duration_text(backoff.delay()) +
                     " (attempt " + std::to_string(attempt + 1) + ")";
      report(event);
      if (!backoff.pause(*deadline, &m_is_cancelled, k_cancel_check_interval)) {
        throw interrupted_error(migration.inspected.name);
      }
    }
  }
}

}  // namespace gander
