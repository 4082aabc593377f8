// How gander reads a DSN: which driver it names, a PostgreSQL DSN's options
// as libpq parses them, and how any DSN is shown without its password.

#include "store/dsn.hpp"

#include <catch2/catch.hpp>
#include <gander/error.hpp>
#include "store/store.hpp"

#include "error_of.hpp"

using gander::Driver;
using gander::ErrorKind;
using gander::redact_dsn;
using gander::detail::dsn_shape;
using gander::detail::DsnOption;
using gander::detail::DsnShape;
using gander::detail::parse_postgres_dsn;

namespace {

// The value libpq parsed for `keyword`; empty when it set none.
std::string value_of(const std::vector<DsnOption>& options, const std::string& keyword) {
  for (const DsnOption& option : options) {
    if (option.keyword == keyword) return option.value;
  }
  return {};
}

}  // namespace

TEST_CASE("dsn_shape tells PostgreSQL URLs and key=value pairs from SQLite paths and foreign URLs") {
  struct Case {
    const char* dsn;
    DsnShape shape;
  };
  const Case cases[] = {
      {"postgres://app@db/prod", DsnShape::postgres_url},
      {"postgresql:///prod?host=/run/postgresql", DsnShape::postgres_url},
      {"host=db dbname=prod", DsnShape::postgres_keywords},
      {"\n\thost = db\npassword=x", DsnShape::postgres_keywords},
      {"passwrd=x", DsnShape::postgres_keywords},  // libpq refuses it, but it is no file name
      {"gander.db", DsnShape::sqlite},
      {"./data/app.db", DsnShape::sqlite},
      {"test.db?_foreign_keys=1", DsnShape::sqlite},
      {"/tmp/a=b/test.db", DsnShape::sqlite},
      {"file:test.db?mode=rwc", DsnShape::sqlite},
      {"file:///tmp/test.db", DsnShape::sqlite},
      {":memory:", DsnShape::sqlite},
      {"", DsnShape::sqlite},
      // libpq reads the scheme in lower case only.
      {"PostgreSQL://app:pw@db/prod", DsnShape::foreign_url},
      {"POSTGRES://app:pw@db/prod", DsnShape::foreign_url},
      {"postgress://app:pw@db/prod", DsnShape::foreign_url},
      {"mysql://app:pw@db/prod", DsnShape::foreign_url},
      {"sqlite3://app.db", DsnShape::foreign_url},
  };
  for (const Case& c : cases) {
    INFO(c.dsn);
    CHECK(dsn_shape(c.dsn) == c.shape);
  }
}

TEST_CASE("select_driver infers the driver from the DSN and refuses a pair that would open the wrong database") {
  CHECK(gander::driver_for_dsn("host=db dbname=prod") == Driver::postgres);
  CHECK(gander::driver_for_dsn("postgres://db/prod") == Driver::postgres);
  CHECK(gander::driver_for_dsn("gander.db") == Driver::sqlite);
  CHECK(gander::driver_for_dsn("app.db?_fk=1") == Driver::sqlite);
  CHECK(gander::select_driver("pgx", "gander.db") == Driver::postgres);  // libpq will say what is wrong
  CHECK(gander::select_driver("sqlite", "file:dbname=x") == Driver::sqlite);

  struct Case {
    const char* driver;
    const char* dsn;
    const char* message_part;
  };
  const Case refused[] = {
      {"", "mysql://app:zq7pw@db/prod", "unsupported scheme mysql://"},
      {"", "PostgreSQL://app:zq7pw@db/prod", "lower case"},
      {"postgres", "postgress://app:zq7pw@db/prod", "unsupported scheme postgress://"},
      {"sqlite3", "mysql://app:zq7pw@db/prod", "unsupported scheme"},
      {"sqlite3", "host=db password=zq7pw", "driver sqlite3 was given a PostgreSQL DSN"},
      {"sqlite", "postgres://app:zq7pw@db/prod", "driver sqlite was given a PostgreSQL DSN"},
      {"mysql", "app.db", "unknown driver 'mysql'"},
  };
  for (const Case& c : refused) {
    INFO(c.driver << " " << c.dsn);
    const gander::Error error = gander::test::error_of([&] { gander::select_driver(c.driver, c.dsn); });
    CHECK(error.kind() == ErrorKind::config);
    CHECK_THAT(error.what(), Catch::Contains(c.message_part) && !Catch::Contains("zq7pw"));
  }
}

TEST_CASE("parse_postgres_dsn reads key=value pairs and URLs as libpq does") {
  const auto pairs = parse_postgres_dsn("host=db\n\tport = 5433  password='it\\'s a secret'\tdbname=prod");
  CHECK(value_of(pairs, "host") == "db");
  CHECK(value_of(pairs, "port") == "5433");
  CHECK(value_of(pairs, "password") == "it's a secret");
  CHECK(value_of(pairs, "dbname") == "prod");

  const auto url = parse_postgres_dsn("postgres://app:p%2Fs%40s@db:5433/prod?sslmode=disable");
  CHECK(value_of(url, "user") == "app");
  CHECK(value_of(url, "password") == "p/s@s");
  CHECK(value_of(url, "host") == "db");
  CHECK(value_of(url, "sslmode") == "disable");

  // libpq reads '?' and '#' in the user info as part of the password.
  CHECK(value_of(parse_postgres_dsn("postgres://app:p?s#s@db/prod"), "password") == "p?s#s");

  for (const DsnOption& option : parse_postgres_dsn("password=a sslpassword=b user=c")) {
    INFO(option.keyword);
    CHECK(option.is_secret == (option.keyword != "user"));
  }
}

TEST_CASE("keyword_string writes options that libpq reads back unchanged") {
  const std::vector<DsnOption> options = {{"host", "db", false},
                                          {"password", "it's a \\ secret", true},
                                          {"options", "", false},
                                          {"dbname", "line\nbreak", false}};
  const std::string text = gander::detail::keyword_string(options);
  CHECK(text == "host=db password='it\\'s a \\\\ secret' options='' dbname='line\nbreak'");
  const auto read_back = parse_postgres_dsn(text);
  CHECK(value_of(read_back, "password") == "it's a \\ secret");
  CHECK(value_of(read_back, "dbname") == "line\nbreak");
}

TEST_CASE("parse_postgres_dsn refuses what libpq refuses, and a password libpq would split, without the password") {
  struct Case {
    const char* dsn;
    const char* message_part;
  };
  const Case cases[] = {
      // libpq would read host "zq7b@127.0.0.1" and password "zq7a".
      {"postgres://app:zq7a@zq7b@127.0.0.1/db", "percent-encode '@' as %40"},
      // libpq would find no user info at all: host "app", port "zq7a".
      {"postgres://app:zq7a/zq7b@127.0.0.1/db", "percent-encode '@' as %40 and '/' as %2F"},
      {"postgres://app:zq7a/zq7b?zq7c@zq7d#zq7e@127.0.0.1/db",
       "invalid PostgreSQL URL postgres://app:***@127.0.0.1/db"},
      {"postgres://app:zq7%zz@db/prod", "invalid percent-encoded token"},
      {"postgres://app:zq7pw@[::1/prod", "IPv6"},
      {"host=db password=zq7a zq7b", "missing \"=\" after \"***\""},
      {"host=db passwrd=zq7pw", "invalid connection option \"passwrd\""},
      {"host=db password='zq7pw", "unterminated quoted string"},
  };
  for (const Case& c : cases) {
    INFO(c.dsn);
    const gander::Error error = gander::test::error_of([&] { parse_postgres_dsn(c.dsn); });
    CHECK(error.kind() == ErrorKind::config);
    CHECK_THAT(error.what(), Catch::Contains(c.message_part) && !Catch::Contains("zq7"));
    CHECK(std::string(error.what()).find('\n') == std::string::npos);
  }
}

TEST_CASE("redact_dsn hides a URL's password, wherever it ends") {
  CHECK(redact_dsn("postgres://app:s3cret@db.internal:5432/prod?sslmode=require") ==
        "postgres://app:***@db.internal:5432/prod?sslmode=require");
  CHECK(redact_dsn("postgres://app@db/prod") == "postgres://app@db/prod");
  CHECK(redact_dsn("postgres://db/prod") == "postgres://db/prod");
  CHECK(redact_dsn("postgres://app:p%2Fs%40s@db/prod") == "postgres://app:***@db/prod");
  CHECK(redact_dsn("postgres://app:p?s#s@db/prod") == "postgres://app:***@db/prod");
  // The user info ends at the last '@'.
  CHECK(redact_dsn("postgresql://app:p@ss@db/prod") == "postgresql://app:***@db/prod");
  CHECK(redact_dsn("postgres://app:p@ss/w?rd@127.0.0.1/db") == "postgres://app:***@127.0.0.1/db");
  // Where the user name itself is unclear, all of the user info goes.
  CHECK(redact_dsn("postgres://db/prod?application_name=a@b") == "postgres://***@b");
  CHECK(redact_dsn("postgres://db/prod?password=s3cret&sslmode=require") ==
        "postgres://db/prod?password=***&sslmode=require");
  CHECK(redact_dsn("postgres://db/prod?sslpassword=s3cret&pass%77ord=s3cret&x") ==
        "postgres://db/prod?sslpassword=***&pass%77ord=***&***");
  CHECK(redact_dsn("mysql://app:s3cret@db/prod") == "mysql://app:***@db/prod");
  CHECK(redact_dsn("PostgreSQL://app:s3cret@db/prod?password=s3cret") == "PostgreSQL://app:***@db/prod?password=***");
}

TEST_CASE("redact_dsn shows key=value pairs as libpq parsed them, secrets hidden") {
  CHECK(redact_dsn("host=db password=s3cret user=app") == "user=app password=*** host=db");
  CHECK(redact_dsn("host=db\npassword=s3cret\tdbname=prod\n") == "password=*** dbname=prod host=db");
  CHECK(redact_dsn("password = 's3 cret' dbname='my db'") == "password=*** dbname='my db'");
  CHECK(redact_dsn("host=db password='it\\'s a secret' user=app") == "user=app password=*** host=db");
  CHECK(redact_dsn("password=a host=db password=b sslpassword=c") == "password=*** host=db sslpassword=***");
  CHECK(redact_dsn("host=db dbname=prod passfile=/run/pgpass") == "passfile=/run/pgpass dbname=prod host=db");
  // What libpq cannot parse cannot be shown safely.
  CHECK(redact_dsn("host=db password=s3 cret") == "(key=value pairs that libpq cannot parse)");
  CHECK(redact_dsn("host=db mypassword=s3cret") == "(key=value pairs that libpq cannot parse)");
}

TEST_CASE("redact_dsn leaves a SQLite DSN alone") {
  CHECK(redact_dsn("") == "");
  CHECK(redact_dsn("gander.db") == "gander.db");
  CHECK(redact_dsn("test.db?_foreign_keys=1") == "test.db?_foreign_keys=1");
  CHECK(redact_dsn("file:test.db?mode=rwc") == "file:test.db?mode=rwc");
}

TEST_CASE("scrub_secrets hides the secret values of parsed options in a message") {
  const auto options = parse_postgres_dsn("user=s3cret password=s3cret sslpassword=other");
  CHECK(gander::detail::scrub_secrets("user s3cret, key other", options) == "user ***, key ***");
}
