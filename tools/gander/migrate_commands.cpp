// gander up | up-by-one | up-to V | down | down-to V | redo | reset: the
// commands that apply or roll back migrations. Each takes the lock, verifies
// every applied file first, and with --dry-run prints the plan and its SQL.

#include <functional>
#include <iostream>

#include <gander/error.hpp>
#include <gander/migrator.hpp>

#include "cancel_on_signal.hpp"
#include "commands.hpp"
#include "exit_codes.hpp"
#include "migrator_options.hpp"

namespace gander::cli {

namespace {

std::int64_t version_argument(const CliOptions& options) {
  const auto usage = [&] {
    return Error(ErrorKind::config,
                 options.command + " takes one VERSION, a number (run 'gander " + options.command + " --help')");
  };
  const std::optional<std::int64_t> version =
      options.args.size() == 1 ? version_number(options.args.front()) : std::nullopt;
  if (!version) throw usage();
  return *version;
}

void require_no_arguments(const CliOptions& options) {
  if (!options.args.empty()) {
    throw Error(ErrorKind::config,
                options.command + " takes no arguments (run 'gander " + options.command + " --help')");
  }
}

std::string plural(std::size_t count, const char* noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

std::string version_text(const std::optional<std::int64_t>& version) {
  return version ? "version " + std::to_string(*version) : "no migration applied";
}

void print_dry_run(const RunResult& result, const std::string& table, std::ostream& out) {
  out << "-- dry run: nothing is changed\n";
  for (const Step& step : result.steps) {
    const bool is_up = step.direction == Direction::up;
    out << "\n-- " << step.name << ": " << (is_up ? "up" : "down") << ", "
        << (step.use_tx ? "in one transaction" : "outside a transaction (NO TRANSACTION)") << "\n";
    if (step.use_tx) out << "BEGIN;\n";
    if (step.resumed_after) {
      out << "-- resume " << step.name << ", recorded in " << table << " as partial, after its " << *step.resumed_after
          << " completed statements\n";
    } else if (!step.use_tx && is_up) {
      out << "-- record " << step.name << " in " << table << " as partial\n";
    }
    for (const parser::Statement& statement : step.statements) {
      out << "-- line " << statement.line << "\n" << statement.sql << "\n";
    }
    if (is_up) {
      out << "-- " << (step.use_tx ? "record " : "mark ") << step.name << " in " << table << " as applied\n";
    } else {
      out << "-- delete the row of " << step.name << " from " << table << "\n";
    }
    if (step.use_tx) out << "COMMIT;\n";
  }
  out << "\n-- " << plural(result.steps.size(), "step") << "; the database stays at " << version_text(result.version)
      << "\n";
}

void print_summary(const RunResult& result, std::ostream& out) {
  std::size_t applied = 0;
  std::size_t rolled_back = 0;
  for (const Step& step : result.steps) (step.direction == Direction::up ? applied : rolled_back) += 1;
  out << "gander: ";
  if (applied == 0 && rolled_back == 0) out << "no migrations to run";
  if (rolled_back > 0) out << "rolled back " << plural(rolled_back, "migration");
  if (rolled_back > 0 && applied > 0) out << ", ";
  if (applied > 0) out << "applied " << plural(applied, "migration");
  out << " in " << result.elapsed_ms << " ms; now at " << version_text(result.version) << "\n";
}

int run_migration(const CliOptions& options, std::ostream& out, std::ostream& err,
                  const std::function<RunResult(Migrator&)>& operation) {
  Options migrator_settings = migrator_options(options, err);
  if (options.is_verbose) {
    err << "gander: " << migrator_settings.driver << " database "
        << (migrator_settings.dsn.empty() ? "(libpq defaults)" : redact_dsn(migrator_settings.dsn)) << ", table "
        << migrator_settings.table << ", migrations in " << migrator_settings.dir << std::endl;
  }
  const bool is_verbose = options.is_verbose;
  migrator_settings.on_progress = [&out, &err, is_verbose,
                                   report_waiting = migrator_settings.on_progress](const ProgressEvent& event) {
    switch (event.kind) {
      case ProgressEvent::Kind::started:
        if (is_verbose) {
          err << "gander: " << (event.direction == Direction::up ? "applying " : "rolling back ") << event.name
              << std::endl;
        }
        break;
      case ProgressEvent::Kind::finished:
        out << (event.direction == Direction::up ? "OK    " : "DOWN  ") << event.name << " (" << event.elapsed_ms
            << " ms)" << std::endl;
        break;
      default: report_waiting(event);
    }
  };
  Migrator migrator(migrator_settings);
  const CancelOnSignal cancel_on_signal(migrator);
  const RunResult result = operation(migrator);
  if (options.dry_run) {
    print_dry_run(result, options.table, out);
  } else {
    print_summary(result, out);
  }
  return k_exit_ok;
}

int run_up(const CliOptions& options, std::ostream& out, std::ostream& err) {
  require_no_arguments(options);
  return run_migration(options, out, err, [](Migrator& migrator) { return migrator.up(); });
}

int run_up_by_one(const CliOptions& options, std::ostream& out, std::ostream& err) {
  require_no_arguments(options);
  return run_migration(options, out, err, [](Migrator& migrator) { return migrator.up_by_one(); });
}

int run_up_to(const CliOptions& options, std::ostream& out, std::ostream& err) {
  const std::int64_t version = version_argument(options);
  return run_migration(options, out, err, [version](Migrator& migrator) { return migrator.up_to(version); });
}

int run_down(const CliOptions& options, std::ostream& out, std::ostream& err) {
  require_no_arguments(options);
  return run_migration(options, out, err, [](Migrator& migrator) { return migrator.down(); });
}

int run_down_to(const CliOptions& options, std::ostream& out, std::ostream& err) {
  const std::int64_t version = version_argument(options);
  return run_migration(options, out, err, [version](Migrator& migrator) { return migrator.down_to(version); });
}

int run_redo(const CliOptions& options, std::ostream& out, std::ostream& err) {
  require_no_arguments(options);
  return run_migration(options, out, err, [](Migrator& migrator) { return migrator.redo(); });
}

int run_reset(const CliOptions& options, std::ostream& out, std::ostream& err) {
  require_no_arguments(options);
  return run_migration(options, out, err, [](Migrator& migrator) { return migrator.reset(); });
}

constexpr const char* k_verify_note =
    "Before anything runs, every applied migration's checksum is compared with its file; a modified, missing or\n"
    "partial migration stops the run (exit 3) and nothing is applied. With --dry-run, the plan and the exact SQL\n"
    "are printed and nothing changes.\n";

}  // namespace

const Command k_up_command{
    "up", "up", "apply every pending migration",
    "Takes the migration lock, creates or upgrades the tracking table, verifies every applied file, then applies\n"
    "each pending migration in order: a transactional file in one transaction with its tracking row, a NO\n"
    "TRANSACTION file statement by statement between a 'partial' and an 'applied' row. Pending files that sort\n"
    "before the newest applied one are refused unless --allow-out-of-order.\n"
    "With --resume, an unchanged partial migration first runs the statements it did not complete (the row\n"
    "records how many did), then is marked applied; a changed file or an unrecorded count is refused (exit 3).\n"
    "A statement is recorded as started before it is sent: when gander died before learning its outcome, it\n"
    "may or may not have completed, and --resume refuses (exit 3) until you check the database and say which\n"
    "with --resume-from N (run statement N again) or --resume-from N+1 (it completed). A migration that\n"
    "stopped while being rolled back is not resumed: see 'gander resolve --help'.\n",
    run_up};

const Command k_up_by_one_command{"up-by-one", "up-by-one", "apply the next pending migration", k_verify_note,
                                  run_up_by_one};

const Command k_up_to_command{"up-to", "up-to VERSION", "apply the pending migrations up to VERSION (inclusive)",
                              k_verify_note, run_up_to};

const Command k_down_command{"down", "down", "roll back the newest applied migration",
                             "Runs its Down section (in a transaction unless NO TRANSACTION) and deletes its row.\n"
                             "A migration without a Down section cannot be rolled back. Outside a transaction, its\n"
                             "row is first marked partial, rolling back, with each statement recorded before it is\n"
                             "sent, so an interrupted rollback shows in 'gander status' and stops 'gander up'.\n",
                             run_down};

const Command k_down_to_command{"down-to", "down-to VERSION",
                                "roll back, newest first, every applied migration above VERSION (0: all)",
                                k_verify_note, run_down_to};

const Command k_redo_command{"redo", "redo", "roll back the newest applied migration and apply it again", k_verify_note,
                             run_redo};

const Command k_reset_command{"reset", "reset", "roll back every applied migration, newest first", k_verify_note,
                              run_reset};

}  // namespace gander::cli
