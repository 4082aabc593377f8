#pragma once

#include <functional>
#include <string>

namespace gander::test {

// Polls `is_done` every 20 ms for up to 10 s; fails the test naming `what`
// when it never becomes true.
void wait_until(const std::function<bool()>& is_done, const std::string& what);

}  // namespace gander::test
