// goose's annotation rules, line by line. Whole files that use these lines
// are in parser_test.cpp.

#include "../../parser/src/annotation.hpp"

#include <optional>
#include <string_view>

#include <catch2/catch.hpp>

using gander::parser::detail::Annotation;
using gander::parser::detail::AnnotationResult;
using gander::parser::detail::is_annotation_line;
using gander::parser::detail::read_annotation;

TEST_CASE("is_annotation_line: trimmed line starts with -- and contains +goose", "[annotation]") {
  struct Row {
    std::string_view line;
    bool is_annotation;
  };
  const Row rows[] = {
      {"-- +goose Up", true},
      {"--+goose Up", true},
      {"---- +goose Up", true},
      {"  -- +goose Up", true},  // an annotation line that read_annotation then rejects
      {"\t-- +goose Up", true},
      {"\xC2\xA0-- +goose Up", true},  // NBSP is trimmed like any Go space
      {"-- see +goose docs", true},
      {"-- +goose", true},
      {"-- +GOOSE Up", false},  // the marker is case-sensitive
      {"-- +Goose Up", false},
      {"-- plain comment", false},
      {"SELECT 1; -- +goose Up", false},
      {"+goose Up", false},
      {"- +goose Up", false},
      {"", false},
  };
  for (const Row& row : rows) {
    INFO('"' << row.line << '"');
    CHECK(is_annotation_line(row.line) == row.is_annotation);
  }
}

TEST_CASE("read_annotation accepts what goose accepts", "[annotation]") {
  struct Row {
    const char* name;
    std::string_view line;
    Annotation annotation;
  };
  const Row rows[] = {
      {"Up", "-- +goose Up", Annotation::up},
      {"Down", "-- +goose Down", Annotation::down},
      {"StatementBegin", "-- +goose StatementBegin", Annotation::statement_begin},
      {"StatementEnd", "-- +goose StatementEnd", Annotation::statement_end},
      {"NO TRANSACTION", "-- +goose NO TRANSACTION", Annotation::no_transaction},
      {"ENVSUB ON", "-- +goose ENVSUB ON", Annotation::envsub_on},
      {"ENVSUB OFF", "-- +goose ENVSUB OFF", Annotation::envsub_off},
      {"lower case up", "-- +goose up", Annotation::up},
      {"upper case UP", "-- +goose UP", Annotation::up},
      {"lower case statementbegin", "-- +goose statementbegin", Annotation::statement_begin},
      {"mixed case statementBegin", "-- +goose statementBegin", Annotation::statement_begin},
      {"lower case no transaction", "-- +goose no transaction", Annotation::no_transaction},
      {"lower case envsub off", "-- +goose envsub off", Annotation::envsub_off},
      {"long S folds to s (Go EqualFold)", "-- +goose \xC5\xBFtatementEnd", Annotation::statement_end},
      {"four dashes", "---- +goose Up", Annotation::up},
      {"no space after dashes", "--+goose Up", Annotation::up},
      {"extra spaces", "-- +goose   Up  ", Annotation::up},
      {"tab before the command", "-- +goose\tDown", Annotation::down},
      {"no space after the marker", "-- +gooseUp", Annotation::up},
      // Every "--" is removed, wherever it is.
      {"trailing dashes", "-- +goose Down --", Annotation::down},
      {"marker after the command", "-- Up +goose", Annotation::up},
      // goose rejects only a leading ASCII space or tab.
      {"leading NBSP", "\xC2\xA0-- +goose Up", Annotation::up},
  };
  for (const Row& row : rows) {
    DYNAMIC_SECTION(row.name) {
      const AnnotationResult result = read_annotation(row.line);
      REQUIRE(result.annotation.has_value());
      CHECK(*result.annotation == row.annotation);
      CHECK(result.error.empty());
    }
  }
}

TEST_CASE("read_annotation rejects what goose rejects, saying why", "[annotation]") {
  struct Row {
    const char* name;
    std::string_view line;
    std::string_view message_part;
  };
  const Row rows[] = {
      {"leading space", "  -- +goose Up", "annotation must start at the beginning of the line: \"  -- +goose Up\""},
      {"leading tab", "\t-- +goose Down", "annotation must start at the beginning of the line: \"\\t-- +goose Down\""},
      {"empty", "-- +goose", "empty annotation: \"-- +goose\""},
      {"empty with spaces", "-- +goose   ", "empty annotation"},
      {"unknown command", "-- +goose Upp", "unknown annotation \"Upp\""},
      {"old ENVSUBST spelling", "-- +goose ENVSUBST ON", "unknown annotation \"ENVSUBST ON\""},
      {"two spaces inside NO TRANSACTION", "-- +goose NO  TRANSACTION", "unknown annotation \"NO  TRANSACTION\""},
      {"text after the command", "-- +goose Up create tables", "unknown annotation \"Up create tables\""},
      // "---" loses one "--" and keeps a "-".
      {"three dashes", "--- +goose Up", "unknown annotation \"-  Up\""},
      {"prose that mentions the marker", "-- see +goose docs", "unknown annotation \"see  docs\""},
      {"two markers", "-- +goose Up +goose Down", "more than one '+goose' in one annotation"},
      {"two annotations on one line", "-- +goose Up -- +goose Down", "more than one '+goose'"},
  };
  for (const Row& row : rows) {
    DYNAMIC_SECTION(row.name) {
      const AnnotationResult result = read_annotation(row.line);
      CHECK_FALSE(result.annotation.has_value());
      CHECK_THAT(result.error, Catch::Contains(std::string(row.message_part)));
    }
  }
}
