#include "timestamp_version.hpp"

#include <cstdio>
#include <vector>

namespace gander::detail {

namespace {

constexpr std::int64_t k_smallest_14_digits = 10000000000000;
constexpr std::int64_t k_largest_14_digits = 99999999999999;

// 1970-01-01 00:00:00 as a version: goose takes only later times for
// timestamps. Within 14 digits, a larger version is a later time.
constexpr std::int64_t k_epoch_version = 19700101000000;

constexpr const char* k_month_names[] = {"January", "February", "March",     "April",   "May",      "June",
                                         "July",    "August",   "September", "October", "November", "December"};

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : k_days[month - 1];
}

// The two digits of a field as the file name shows them ("00", "07").
std::string two_digits(int value) {
  char text[8];
  std::snprintf(text, sizeof text, "%02d", value);
  return text;
}

// What is wrong with the day, or "" when it exists.
std::string day_problem(int year, int month, int day) {
  if (day < 1 || day > 31) return "there is no day " + two_digits(day);
  // A day 01-31 can be judged only against a month that exists.
  if (month < 1 || month > 12 || day <= days_in_month(year, month)) return "";
  if (month == 2 && day == 29) {
    const std::string year_text = std::to_string(year);
    return "February " + year_text + " has no day 29 (" + year_text + " is not a leap year)";
  }
  return std::string(k_month_names[month - 1]) + " has no day " + two_digits(day);
}

std::string joined(const std::vector<std::string>& parts) {
  std::string text;
  for (const std::string& part : parts) text += (text.empty() ? "" : ", ") + part;
  return text;
}

}  // namespace

bool has_timestamp_shape(std::int64_t version) {
  return version >= k_smallest_14_digits && version <= k_largest_14_digits;
}

std::optional<std::string> timestamp_flaw(std::int64_t version) {
  const auto field = [version](std::int64_t scale, std::int64_t range) {
    return static_cast<int>(version / scale % range);
  };
  const int year = field(10000000000, 10000);
  const int month = field(100000000, 100);
  const int day = field(1000000, 100);
  const int hour = field(10000, 100);
  const int minute = field(100, 100);
  const int second = field(1, 100);

  std::vector<std::string> date_problems;
  if (month < 1 || month > 12) date_problems.push_back("there is no month " + two_digits(month));
  const std::string day_wrong = day_problem(year, month, day);
  if (!day_wrong.empty()) date_problems.push_back(day_wrong);
  std::vector<std::string> time_problems;
  if (hour > 23) time_problems.push_back("there is no hour " + two_digits(hour));
  if (minute > 59) time_problems.push_back("there is no minute " + two_digits(minute));
  if (second > 59) time_problems.push_back("there is no second " + two_digits(second));

  if (!date_problems.empty() && !time_problems.empty()) {
    date_problems.insert(date_problems.end(), time_problems.begin(), time_problems.end());
    return "not a valid date and time: " + joined(date_problems);
  }
  if (!date_problems.empty()) return "not a valid date: " + joined(date_problems);
  if (!time_problems.empty()) return "not a valid time: " + joined(time_problems);
  if (version <= k_epoch_version) return "not later than 1970-01-01 00:00:00 UTC, where goose's timestamps begin";
  return std::nullopt;
}

}  // namespace gander::detail
