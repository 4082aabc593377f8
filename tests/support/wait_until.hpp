#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace gander::test {

// Polls `is_done` every 20 ms for up to `timeout`; fails the test naming
// `what` when it never becomes true.
void wait_until(const std::function<bool()>& is_done, const std::string& what,
                std::chrono::seconds timeout = std::chrono::seconds(10));

}  // namespace gander::test
