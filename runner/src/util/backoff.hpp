#pragma once

// The pause between attempts of a retry loop: it grows by a factor after
// each pause, up to a cap, and never runs past the loop's deadline. The
// migration lock (both stores), the first connection and the retries of a
// migration that could not get its locks all wait this way.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

namespace gander::detail {

class Backoff {
 public:
  using Clock = std::chrono::steady_clock;

  // Pauses of `first`, then each `numerator / denominator` times the one
  // before, at most `longest`.
  Backoff(std::chrono::milliseconds first, std::chrono::milliseconds longest, int numerator = 2,
          int denominator = 1) noexcept
      : m_delay(first), m_longest(longest), m_numerator(numerator), m_denominator(denominator) {}

  // The next pause.
  std::chrono::milliseconds delay() const noexcept { return m_delay; }

  // Sleeps for the next pause, or until `deadline` if that comes first,
  // then lengthens the pause. With `is_cancelled`, wakes every `slice` to
  // look at it and returns false as soon as it is set.
  bool pause(Clock::time_point deadline, const std::atomic<bool>* is_cancelled = nullptr,
             std::chrono::milliseconds slice = std::chrono::milliseconds(100)) {
    const Clock::time_point wake = std::min(Clock::now() + m_delay, deadline);
    m_delay = std::min(m_delay * m_numerator / m_denominator, m_longest);
    for (Clock::time_point now = Clock::now(); now < wake; now = Clock::now()) {
      if (is_cancelled != nullptr && is_cancelled->load()) return false;
      const Clock::duration rest = wake - now;
      std::this_thread::sleep_for(is_cancelled != nullptr ? std::min<Clock::duration>(rest, slice) : rest);
    }
    return is_cancelled == nullptr || !is_cancelled->load();
  }

 private:
  std::chrono::milliseconds m_delay;
  std::chrono::milliseconds m_longest;
  int m_numerator;
  int m_denominator;
};

}  // namespace gander::detail
