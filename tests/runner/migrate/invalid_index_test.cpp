// Which failed statements may have left an INVALID index behind.

#include "migrate/invalid_index.hpp"

#include <catch2/catch.hpp>

using gander::concurrently_created_index;

TEST_CASE("the index name of CREATE INDEX CONCURRENTLY is found in every spelling") {
  CHECK(concurrently_created_index("CREATE INDEX CONCURRENTLY users_email ON users (email)") == "users_email");
  CHECK(concurrently_created_index("create unique index concurrently if not exists u_e on users(email);") == "u_e");
  CHECK(concurrently_created_index("-- why\n/* note */ CREATE\n  UNIQUE INDEX\tCONCURRENTLY ops.idx ON ops.t (a)") ==
        "ops.idx");
  CHECK(concurrently_created_index("CREATE INDEX CONCURRENTLY \"Odd \"\"Name\" ON t (a)") == "\"Odd \"\"Name\"");
}

TEST_CASE("statements that build no named index concurrently give no name") {
  CHECK_FALSE(concurrently_created_index("CREATE INDEX idx ON t (a)"));
  CHECK_FALSE(concurrently_created_index("CREATE INDEX CONCURRENTLY ON t (a)"));
  CHECK_FALSE(concurrently_created_index("CREATE INDEX CONCURRENTLY IF EXISTS x ON t (a)"));
  CHECK_FALSE(concurrently_created_index("DROP INDEX CONCURRENTLY idx"));
  CHECK_FALSE(concurrently_created_index("CREATE INDEX CONCURRENTLY"));
  CHECK_FALSE(concurrently_created_index(""));
}
