#include "transaction_ended.hpp"

namespace gander::detail {

Error transaction_ended_error() {
  return Error(ErrorKind::sql,
               "the statement ended the transaction gander runs this migration in (COMMIT, END or ROLLBACK), so what "
               "ran before it may be committed without its tracking row; check the database");
}

}  // namespace gander::detail
