#include <gander/store.hpp>

#include <catch2/catch.hpp>

#include <gander/error.hpp>

TEST_CASE("redact_dsn hides the password of a URL's userinfo") {
  CHECK(gander::redact_dsn("postgres://app:s3cret@db.internal:5432/prod?sslmode=require") ==
        "postgres://app:***@db.internal:5432/prod?sslmode=require");
  // The userinfo ends at the last '@' before the path.
  CHECK(gander::redact_dsn("postgresql://app:p@ss@db/prod") == "postgresql://app:***@db/prod");
  CHECK(gander::redact_dsn("postgres://app@db/prod") == "postgres://app@db/prod");
  CHECK(gander::redact_dsn("postgres://db/prod?password=s3cret&sslmode=require") ==
        "postgres://db/prod?password=***&sslmode=require");
}

TEST_CASE("redact_dsn hides a key=value password whether quoted or not") {
  CHECK(gander::redact_dsn("host=db password=s3cret user=app") == "host=db password=*** user=app");
  CHECK(gander::redact_dsn("password = s3cret dbname=prod") == "password = *** dbname=prod");
  CHECK(gander::redact_dsn("host=db password='it\\'s a secret' user=app") == "host=db password=*** user=app");
  CHECK(gander::redact_dsn("password=a host=db password=b") == "password=*** host=db password=***");
}

TEST_CASE("redact_dsn leaves a DSN without a password alone") {
  CHECK(gander::redact_dsn("host=db dbname=prod passfile=/run/pgpass") == "host=db dbname=prod passfile=/run/pgpass");
  CHECK(gander::redact_dsn("host=db mypassword=x") == "host=db mypassword=x");
  CHECK(gander::redact_dsn("") == "");
  CHECK(gander::redact_dsn("gander.db") == "gander.db");
}

TEST_CASE("parse_table_name accepts a schema only where it is allowed") {
  const gander::TableName table = gander::parse_table_name("ops.Mixed_Case", true);
  CHECK(table.quoted() == "\"ops\".\"Mixed_Case\"");
  CHECK(table.display() == "ops.Mixed_Case");
  CHECK_THROWS_AS(gander::parse_table_name("ops.t", false), gander::Error);
  CHECK_THROWS_AS(gander::parse_table_name("t\"; DROP TABLE x", true), gander::Error);
}
