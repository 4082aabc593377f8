#pragma once

// The goose migration file format, parsed. `parse_migration` turns the bytes
// of one migration file into the statements goose would execute in each
// direction, with the line each statement starts on. It is pure: no file is
// opened and no environment is read (ENVSUB goes through a lookup function).
//
// goose's parser is reproduced exactly (annotation matching, comment
// handling, statement splitting by the last word of a line, trimming, every
// error), with gander's additions (docs/file-format.md): a leading UTF-8 BOM is
// skipped; a file without any annotation is a plain file (one batch, or split
// like goose when named *_notx.sql); a file that is empty after trimming is
// marked empty; an empty StatementBegin/End block followed by SQL, which goose
// silently drops, is an error; lines have no length limit.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gander/parser/envsub.hpp>

namespace gander::parser {

struct Statement {
  std::string sql;   // exactly as goose hands it to the database (trimmed)
  std::size_t line;  // 1-based line of the statement's first character
  // For a statement read under ENVSUB: line `line` as written in the file,
  // trimmed, before substitution. Messages quote this, never `sql`, whose
  // substituted values may be secrets. Unset otherwise.
  std::optional<std::string> written_first_line{};
};

struct Migration {
  std::vector<Statement> up;
  std::vector<Statement> down;
  bool use_tx = true;     // false with `-- +goose NO TRANSACTION` or a plain *_notx.sql file
  bool is_plain = false;  // no `-- +goose` annotation at all
  bool is_empty = false;  // nothing but whitespace (and a BOM): skipped, never recorded
  bool has_down = false;  // a `-- +goose Down` section exists (it may hold no statement)
  bool has_bom = false;   // the file starts with a UTF-8 byte-order mark
};

struct ParseOptions {
  EnvLookup env;              // ENVSUB values; an empty function means every variable is unset
  bool is_notx_name = false;  // the file name ends in _notx.sql (matters for plain files only)
  bool strict = false;        // reject plain files, as goose does
};

// A parse failure: the 1-based line it concerns and a message without any
// file name, so the caller can prefix the path it knows ("path:line: message").
struct ParseError {
  std::size_t line;
  std::string message;
};

struct ParseResult {
  Migration migration;              // meaningful only when `error` is empty
  std::optional<ParseError> error;  // the first problem going up (which goose's up pass also meets), in line order
  // The first problem only goose's down pass meets (an unfinished last Down
  // statement, say): the up section is usable and `migration.down` is empty.
  // goose's CLI parses only the direction it runs, so such files were applied
  // for years (docs/moving-from-goose.md). Never set together with `error`.
  std::optional<ParseError> down_error;
};

// Parses both directions of one migration file in a single pass.
// Never throws on malformed input; only std::bad_alloc can escape.
ParseResult parse_migration(std::string_view text, const ParseOptions& options);

}  // namespace gander::parser
