#include "wait_until.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>

namespace gander::test {

void wait_until(const std::function<bool()>& is_done, const std::string& what, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (is_done()) return;
    ::usleep(20 * 1000);
  }
  if (is_done()) return;
  FAIL("gave up after " << timeout.count() << " s waiting for " << what);
}

}  // namespace gander::test
