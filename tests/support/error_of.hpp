#pragma once

#include <stdexcept>

#include <catch2/catch.hpp>

#include <gander/error.hpp>

namespace gander::test {

// The gander::Error `action` throws; fails the test when it throws none.
template <typename Action>
gander::Error error_of(const Action& action) {
  try {
    action();
  } catch (const gander::Error& error) {
    return error;
  }
  FAIL("no gander::Error was thrown");
  throw std::logic_error("unreachable");
}

}  // namespace gander::test
