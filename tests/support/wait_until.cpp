#include "wait_until.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>

namespace gander::test {

void wait_until(const std::function<bool()>& is_done, const std::string& what) {
  for (int attempt = 0; attempt < 500; ++attempt) {
    if (is_done()) return;
    ::usleep(20 * 1000);
  }
  FAIL("gave up after 10 s waiting for " << what);
}

}  // namespace gander::test
