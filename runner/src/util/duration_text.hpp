#pragma once

#include <chrono>
#include <string>

namespace gander::detail {

// A duration as the flags take it and messages show it: "2s", "0.3s", "300s".
std::string duration_text(std::chrono::milliseconds duration);

}  // namespace gander::detail
