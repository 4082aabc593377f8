// ENVSUB as goose does it (mfridman/interpolate v0.0.2). Many rows are the
// library's own test cases; the rest are the README's grammar table.

#include <gander/parser/envsub.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

using gander::parser::EnvLookup;
using gander::parser::substitute_env;
using gander::parser::SubstitutionResult;

namespace {

const std::map<std::string, std::string, std::less<>> k_env = {
    {"SET", "value"},
    {"EMPTY", ""},  // set but empty
    {"V", "1adf998e39f647b4b25842f107c6ed9d30a3a7c7"},
    {"DAY", "Blarghday"},
    {"EMPTY_DAY", ""},
    {"TEST3", "Llamas"},
    {"TEST4", "Only one level of $TEST3 interpolation"},
    {"\xC3\xA9t\xC3\xA9_x", "summer"},  // été_x
};

std::optional<std::string> lookup(std::string_view name) {
  const auto found = k_env.find(name);
  if (found == k_env.end()) return std::nullopt;
  return found->second;
}

struct Row {
  std::string_view input;
  std::string_view expected;
};

void check_rows(const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    INFO("input: " << row.input);
    const SubstitutionResult result = substitute_env(row.input, lookup);
    CHECK_FALSE(result.error.has_value());
    CHECK(result.text == row.expected);
  }
}

}  // namespace

TEST_CASE("envsub: $VAR and ${VAR} give the value, or nothing when unset", "[envsub]") {
  check_rows({
      {"$SET", "value"},
      {"${SET}", "value"},
      {"$UNSET", ""},
      {"${UNSET}", ""},
      {"$EMPTY", ""},
      {"my$SET", "myvalue"},
      {"${SET}_x", "value_x"},
      {"$SET.x", "value.x"},
      {"$SET_x", ""},  // the identifier is SET_x, which is unset
      {"$TEST4", "Only one level of $TEST3 interpolation"},
      {"$\xC3\xA9t\xC3\xA9_x!", "summer!"},
      {"", ""},
      {"no expansion at all", "no expansion at all"},
  });
}

TEST_CASE("envsub: defaults with :- and -", "[envsub]") {
  check_rows({
      {"${UNSET:-word}", "word"},
      {"${EMPTY:-word}", "word"},
      {"${SET:-word}", "value"},
      {"${UNSET-word}", "word"},
      {"${EMPTY-word}", ""},  // set but empty is not unset
      {"${SET-word}", "value"},
      {"${UNSET:-${ALSO_UNSET:-x}}", "x"},
      {"${UNSET:-${SET:-x}}", "value"},
      {"${UNSET:-Some text ${SET} with $DAY}", "Some text value with Blarghday"},
      {"${EMPTY:-${LLAMAS-test}}", "test"},
      {"${EMPTY:-127}", "127"},
      {"${EMPTY_DAY:--:{}}", "-:{}"},
      {"Today is ${DAY-Wednesday}", "Today is Blarghday"},
      {"Today is ${EMPTY_DAY-Wednesday}", "Today is "},
  });
}

TEST_CASE("envsub: ${VAR?msg} passes a set value through", "[envsub]") {
  check_rows({
      {"${SET?msg}", "value"}, {"${EMPTY?msg}", ""},  // fails only when unset
  });
}

TEST_CASE("envsub: substrings ${VAR:offset} and ${VAR:offset:length}", "[envsub]") {
  check_rows({
      {"${V:0}", "1adf998e39f647b4b25842f107c6ed9d30a3a7c7"},
      {"${V:7}", "e39f647b4b25842f107c6ed9d30a3a7c7"},
      {"${V: -7}", "0a3a7c7"},
      {"${V: -128}", "1adf998e39f647b4b25842f107c6ed9d30a3a7c7"},
      {"${V:128}", ""},
      {"${V:0:7}", "1adf998"},
      {"${V:7:7}", "e39f647"},
      {"${V:7:-7}", "e39f647b4b25842f107c6ed9d3"},
      {"${V:0:0}", ""},
      {"${V:7:0}", ""},
      {"${V:0:128}", "1adf998e39f647b4b25842f107c6ed9d30a3a7c7"},
      {"${V:7:128}", "e39f647b4b25842f107c6ed9d30a3a7c7"},
      {"${V:0:-128}", ""},
      {"${V:7:-128}", ""},
      {"${UNSET:0:7}", ""},
      {"${UNSET:7}", ""},
  });
}

TEST_CASE("envsub: escapes and dollars that are not expansions", "[envsub]") {
  check_rows({
      {"$$", "$"},
      {"Do this $$ESCAPE_PARTY", "Do this $ESCAPE_PARTY"},
      {"Do this \\$ESCAPE_PARTY", "Do this $ESCAPE_PARTY"},
      {"Do this $${SUCH_ESCAPE}", "Do this ${SUCH_ESCAPE}"},
      {"Do this \\${SUCH_ESCAPE}", "Do this ${SUCH_ESCAPE}"},
      {"AS $$ BEGIN", "AS $ BEGIN"},  // why PL/pgSQL bodies must stay outside ENVSUB ON
      {"a\\\\b", "a\\\\b"},           // \\ keeps both characters
      {"\\\\$SET", "\\\\value"},      // ... so \\$ is not \ followed by \$
      {"a\\b", "a\\b"},
      {"$(echo hello world)", "$(echo hello world)"},
      {"testing $(echo hello world)", "testing $(echo hello world)"},
      {"$(", "$("},
      {"cost 5$", "cost 5$"},
      {"$", "$"},
  });
}

TEST_CASE("envsub: invalid UTF-8 in text becomes U+FFFD, as in Go", "[envsub]") {
  check_rows({
      {"a\xFF"
       "b",
       "a\xEF\xBF\xBD"
       "b"},
      {"'\xFF\xC3('", "'\xEF\xBF\xBD\xEF\xBF\xBD('"},
      {"\xC3\xA9t\xC3\xA9 \xE4\xB8\xAD", "\xC3\xA9t\xC3\xA9 \xE4\xB8\xAD"},  // valid UTF-8 is untouched
  });
}

TEST_CASE("envsub: errors carry goose's message", "[envsub]") {
  const std::string replacement = "\xEF\xBF\xBD";  // Go's %c of end of input
  const std::vector<std::pair<std::string, std::string>> rows = {
      {"${UNSET?msg}", "$UNSET: msg"},
      {"${UNSET?}", "$UNSET: not set"},
      {"Hello ${REQUIRED_VAR?y u no set me? :-{}", "$REQUIRED_VAR: y u no set me? :-{"},
      {"Hello ${REQUIRED_VAR?{}}", "$REQUIRED_VAR: {"},
      {"${UNSET?need $SET}", "$UNSET: need value"},
      {"${SET:?msg}", "Unable to parse offset: strconv.Atoi: parsing \"?msg\": invalid syntax"},
      {"${V:}", "Unable to parse offset: strconv.Atoi: parsing \"\": invalid syntax"},
      {"${V:1:x}", "Unable to parse length: strconv.Atoi: parsing \"x\": invalid syntax"},
      {"${V:99999999999999999999}",
       "Unable to parse offset: strconv.Atoi: parsing \"99999999999999999999\": value out of range"},
      {"$1 burgers", "Expected identifier to start with a letter, got 1"},
      {"$99bottles", "Expected identifier to start with a letter, got 9"},
      {"$ x", "Expected identifier to start with a letter, got  "},
      {"'$'", "Expected identifier to start with a letter, got '"},
      {"$_x", "Expected identifier to start with a letter, got _"},
      {"${1}", "Expected identifier to start with a letter, got 1"},
      {"${", "Expected identifier to start with a letter, got " + replacement},
      {"$\xFF", "Expected identifier to start with a letter, got " + replacement},
      {"${A", "Expected an operator, got " + replacement},
      {"${A!}", "Expected an operator, got !"},
      {"${A:-x", "Expected brace expansion to end with }, got " + replacement},
      // The whole line is parsed before anything is expanded.
      {"${UNSET?first} $1", "Expected identifier to start with a letter, got 1"},
  };
  for (const auto& [input, message] : rows) {
    INFO("input: " << input);
    const SubstitutionResult result = substitute_env(input, lookup);
    REQUIRE(result.error.has_value());
    CHECK(*result.error == message);
  }
}

TEST_CASE("envsub: an empty lookup means every variable is unset", "[envsub]") {
  const EnvLookup none;
  CHECK(substitute_env("${X-dflt} [$X]", none).text == "dflt []");
  const SubstitutionResult failed = substitute_env("${X?}", none);
  REQUIRE(failed.error.has_value());
  CHECK(*failed.error == "$X: not set");
}

TEST_CASE("envsub: the lookup is asked for the identifier exactly", "[envsub]") {
  std::vector<std::string> asked;
  const EnvLookup recording = [&asked](std::string_view name) -> std::optional<std::string> {
    asked.emplace_back(name);
    return std::nullopt;
  };
  substitute_env("$A_1 ${B:-$C} $\xC3\xA9t\xC3\xA9_x.y", recording);
  CHECK(asked == std::vector<std::string>{"A_1", "B", "C", "\xC3\xA9t\xC3\xA9_x"});
}
