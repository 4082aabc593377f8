// Runs of migrations that share their commits (issue 7, W1): on PostgreSQL
// each migration is its own transaction but only the run's last commit
// waits for the disk; on SQLite they share one transaction with a savepoint
// each. docs/operations.md, "Durability of a run" gives the argument and its tests.

#include <optional>
#include <string>
#include <vector>

#include "migrator_impl.hpp"
#include "statement_runner.hpp"
#include "transaction.hpp"

namespace gander {

using detail::Clock;
using detail::LoadedAction;
using detail::milliseconds_since;
using detail::rollback_consequence;

namespace {

bool runs_in_transaction(const LoadedAction& action) { return action.migration->inspected.migration.use_tx; }

// How long migrations may share one SQLite transaction before it commits,
// or go on PostgreSQL without a commit that waits for the disk: long enough
// that 1,000 small migrations make one or two such commits, short enough
// that their progress lines (sent once durable) are not held back for long
// and that a kill undoes little work.
constexpr std::chrono::seconds k_longest_shared_transaction{1};

// "the migrations before it in that transaction (3, from 00002_b.sql)":
// the first `count` of `ran`, which shared a transaction with the next one.
std::string earlier_ones(const std::vector<Step>& ran, std::size_t count) {
  return "the migrations before it in that transaction (" + std::to_string(count) + ", from " + ran.front().name + ")";
}

// `error` with `note` appended to its message.
Error with_note(const Error& error, const std::string& note) {
  return Error(error.kind(), error.message() + note, error.context());
}

// The failure of the COMMIT of `ran`, migrations that shared a transaction
// and are not applied now; it names the newest as a single migration's would.
Error shared_commit_error(const Error& error, const std::vector<Step>& ran, const std::string& table) {
  ErrorContext context;
  context.file = ran.back().display_path;
  context.sqlstate = error.context().sqlstate;
  std::string what = ran.back().name;
  if (ran.size() > 1) {
    what += " and " + earlier_ones(ran, ran.size() - 1);
  }
  return Error(error.kind(), "recording " + what + " in " + table + " failed: " + error.message(), context);
}

}  // namespace

// Runs the actions in order. A run of consecutive transactional migrations
// is applied as the store's BatchMethod says; every other one on its own.
void Migrator::Impl::apply(Store& store, const std::vector<LoadedAction>& actions, std::vector<Step>& steps) {
  std::size_t next = 0;
  while (next < actions.size()) {
    std::size_t end = next;
    while (end < actions.size() && runs_in_transaction(actions[end])) ++end;
    if (end - next < 2) {
      // A NO TRANSACTION migration, or a lone transactional one: nothing to share.
      steps.push_back(run_action(store, *actions[next].migration, actions[next].direction));
      ++next;
    } else if (store.batch_method() == BatchMethod::deferred_durability) {
      apply_deferring_durability(store, actions, next, end, steps);
      next = end;
    } else {
      while (next < end) next = apply_in_one_transaction(store, actions, next, end, steps);
    }
  }
}

// PostgreSQL: each migration is its own transaction, committed without
// waiting for the disk, except the last of a group: its commit waits, and
// the WAL is written in order, so that wait covers every commit before it.
// A group ends with the run or after k_longest_shared_transaction, and only
// then are its migrations reported finished (docs/operations.md: `OK` means durable),
// so a server crash can take back only migrations not reported yet, each
// whole. A failure waits too before it is reported (best effort), so that
// the migrations before it are reported applied; and a NO TRANSACTION
// migration that follows runs after the wait, in a session whose commits
// wait again.
void Migrator::Impl::apply_deferring_durability(Store& store, const std::vector<LoadedAction>& actions,
                                                std::size_t first, std::size_t end, std::vector<Step>& steps) {
  std::vector<Step> committed;  // not known to be on disk yet
  const auto report_durable = [&] {
    for (Step& step : committed) {
      report_step(ProgressEvent::Kind::finished, step);
      steps.push_back(std::move(step));
    }
    committed.clear();
  };
  store.set_commit_waits_for_disk(false);
  Clock::time_point group_start = Clock::now();
  try {
    for (std::size_t index = first; index < end; ++index) {
      const bool is_last = index + 1 == end;
      const bool ends_group = is_last || Clock::now() - group_start >= k_longest_shared_transaction;
      if (ends_group) store.set_commit_waits_for_disk(true);
      // A migration that waits to be tried again (it could not get its
      // locks) must not hold back those committed before it.
      const auto settle_before_retry = [&] {
        store.make_commits_durable();
        report_durable();
      };
      committed.push_back(run_action(store, *actions[index].migration, actions[index].direction,
                                     detail::FinishedEvent::sent_by_caller, settle_before_retry));
      if (!ends_group) continue;
      report_durable();
      group_start = Clock::now();
      if (!is_last) store.set_commit_waits_for_disk(false);
    }
  } catch (...) {
    // With the connection gone there is nothing left to wait for, and the
    // failure in flight is what the caller must see.
    try {
      store.make_commits_durable();
      report_durable();
    } catch (const Error&) {
    }
    throw;
  }
}

// SQLite: applies actions[first, end) in one transaction, a savepoint each,
// until they end, one fails, or the transaction has been open for
// k_longest_shared_transaction; returns the index of the first action not
// applied. A migration is reported finished only once its transaction has
// committed. When migration k fails, 1..k-1 are committed and k's error is
// thrown: the same error, with the same consequence, as when k ran in its
// own transaction. When the COMMIT itself fails, the migrations are run
// again one transaction each, which finds the one at fault as before.
std::size_t Migrator::Impl::apply_in_one_transaction(Store& store, const std::vector<LoadedAction>& actions,
                                                     std::size_t first, std::size_t end, std::vector<Step>& steps) {
  std::vector<Step> ran;  // in the open transaction, not committed yet
  std::optional<Error> failure;
  std::optional<Error> commit_failure;
  bool is_transaction_lost = false;
  bool runs_next_alone = false;
  std::size_t next = first;
  {
    Transaction transaction(store);
    const Clock::time_point opened = Clock::now();
    for (; next < end; ++next) {
      if (next > first && Clock::now() - opened >= k_longest_shared_transaction) break;
      const LoadedMigration& migration = *actions[next].migration;
      const Direction direction = actions[next].direction;
      if (m_is_cancelled) {
        failure = interrupted_error(migration.inspected.name);
        break;
      }
      Step step;
      try {
        step = prepared_step(migration, direction);
        store.savepoint();
      } catch (const Error& error) {
        failure = error;
        break;
      }
      report_step(ProgressEvent::Kind::started, step);
      const Clock::time_point start = Clock::now();
      try {
        StatementRunner(store, step.display_path, m_is_cancelled).run(step.statements, rollback_consequence(direction));
        if (store.has_unresolved_foreign_keys()) {
          // Its own COMMIT would refuse it: run it alone, so that it fails
          // as it always has, rather than with (or because of) its neighbours.
          is_transaction_lost = !store.rollback_to_savepoint();
          runs_next_alone = true;
          break;
        }
        record_in_transaction(store, migration, direction, milliseconds_since(start));
        store.release_savepoint();
      } catch (const Error& error) {
        is_transaction_lost = !store.rollback_to_savepoint();
        failure = error;
        break;
      }
      step.elapsed_ms = milliseconds_since(start);
      ran.push_back(std::move(step));
    }
    if (!is_transaction_lost && !ran.empty()) {
      try {
        transaction.commit();
      } catch (const Error& error) {
        commit_failure = error;
      }
    }
  }
  if (is_transaction_lost && failure && !ran.empty()) {
    throw with_note(*failure, "; the database ended its transaction, and " + earlier_ones(ran, ran.size()) +
                                  " are not applied either");
  }
  // Waiting longer for a lock, or for a connection, would not help.
  if (commit_failure &&
      (commit_failure->kind() == ErrorKind::lock || commit_failure->kind() == ErrorKind::connection)) {
    throw shared_commit_error(*commit_failure, ran, m_options.table);
  }
  if (commit_failure || is_transaction_lost) {
    for (std::size_t index = first; index < first + ran.size(); ++index) {
      steps.push_back(run_action(store, *actions[index].migration, actions[index].direction));
    }
  } else {
    for (Step& step : ran) {
      report_step(ProgressEvent::Kind::finished, step);
      steps.push_back(std::move(step));
    }
  }
  if (failure) throw *failure;
  if (runs_next_alone) {
    steps.push_back(run_action(store, *actions[next].migration, actions[next].direction));
    return next + 1;
  }
  return next;
}

}  // namespace gander
