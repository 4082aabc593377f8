// Built into gander only with GANDER_SANITIZE. libpqxx 6.4 leaks the result
// of a query whose session the server ended: connection_base::make_result
// asks the closed connection for its client encoding and throws before it
// owns the PGresult (fixed in libpqxx 7). The leak is libpqxx's and happens
// once, on the way out with Error{connection}.
extern "C" const char* __lsan_default_suppressions() { return "leak:PQmakeEmptyPGresult\n"; }
