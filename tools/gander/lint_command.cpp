// gander lint [--dir DIR] [--strict] [--json]: what in the migrations will
// fail or do harm at run time, before any database sees them.

#include <string>

#include <gander/error.hpp>
#include <gander/inspect.hpp>
#include <gander/lint.hpp>

#include "commands.hpp"
#include "exit_codes.hpp"
#include "json_writer.hpp"

namespace gander::cli {

namespace {

struct Counts {
  std::size_t errors = 0;
  std::size_t warnings = 0;
};

Counts count(const std::vector<LintFinding>& findings) {
  Counts counts;
  for (const LintFinding& finding : findings) {
    if (finding.severity == LintSeverity::error) ++counts.errors;
    else ++counts.warnings;
  }
  return counts;
}

std::string plural(std::size_t number, const char* noun) {
  return std::to_string(number) + " " + noun + (number == 1 ? "" : "s");
}

void print_json(const LintReport& report, const Counts& counts, std::ostream& out) {
  JsonWriter json(out);
  json.begin_object().key("findings").begin_array();
  for (const LintFinding& finding : report.findings) {
    json.begin_object()
        .key("file")
        .value(finding.file)
        .key("line")
        .value(finding.line)
        .key("rule")
        .value(finding.rule)
        .key("severity")
        .value(to_string(finding.severity))
        .key("message")
        .value(finding.message)
        .end_object();
  }
  json.end_array()
      .key("summary")
      .begin_object()
      .key("errors")
      .value(counts.errors)
      .key("warnings")
      .value(counts.warnings)
      .key("files")
      .value(report.file_count)
      .end_object()
      .end_object();
  out << "\n";
}

void print_text(const std::string& dir, const LintReport& report, const Counts& counts, bool is_strict,
                std::ostream& out) {
  for (const LintFinding& finding : report.findings) {
    out << to_string(finding.severity) << ": " << finding.file << ":" << finding.line << ": " << finding.rule << ": "
        << finding.message << "\n";
  }
  out << plural(counts.errors, "error") << ", " << plural(counts.warnings, "warning") << " ("
      << plural(report.file_count, ".sql file") << " in " << dir << ")"
      << (is_strict && counts.warnings > 0 ? "; --strict: warnings fail too" : "") << "\n";
}

int run_lint(const CliOptions& options, std::ostream& out, std::ostream&) {
  if (!options.args.empty()) {
    throw Error(ErrorKind::config, "lint takes no arguments; use --dir DIR (run 'gander lint --help')");
  }
  const auto source = open_directory_source(options.dir, options.outside_symlinks);
  const LintReport report = lint_source(*source, LintOptions{process_env(), options.strict});
  const Counts counts = count(report.findings);
  if (options.is_json) print_json(report, counts, out);
  else print_text(options.dir, report, counts, options.strict, out);
  const bool fails = counts.errors > 0 || (options.strict && counts.warnings > 0);
  return fails ? k_exit_error : k_exit_ok;
}

// The rules and their severities, from the library's own table.
std::string lint_details() {
  std::string details =
      "Reads every migration file of the directory, without a database, and prints one line per\n"
      "finding: 'SEVERITY: FILE:LINE: RULE: message', where the message says what to do, then a\n"
      "summary. Exits 1 when there is an error, 0 when there are only warnings or nothing.\n"
      "--strict: warnings fail too (exit 1), and a plain SQL file is an error (plain-file); it is\n"
      "still linted as gander runs it, not refused as a parse error. --json prints one object:\n"
      "  {\"findings\": [{\"file\", \"line\", \"rule\", \"severity\", \"message\"}],\n"
      "   \"summary\": {\"errors\", \"warnings\", \"files\"}}\n"
      "Rules (docs/lint.md shows an example of each):\n";
  for (const LintRule& rule : lint_rules()) {
    details += std::string("  ") + rule.name + " (" + to_string(rule.severity) + "): " + rule.summary + "\n";
  }
  return details;
}

const std::string k_lint_details = lint_details();

}  // namespace

const Command k_lint_command{"lint", "lint [--dir DIR] [--strict] [--json]",
                             "Check the migrations, without a database, for what will fail or do harm when they run.",
                             k_lint_details.c_str(), run_lint};

}  // namespace gander::cli
