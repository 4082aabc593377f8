#include <gander/verify_report.hpp>

namespace gander {

const char* to_string(ViolationKind kind) {
  switch (kind) {
    case ViolationKind::modified: return "modified";
    case ViolationKind::deleted: return "deleted";
    case ViolationKind::renamed: return "renamed";
    case ViolationKind::unlisted: return "unlisted";
    case ViolationKind::missing: return "missing";
    case ViolationKind::partial: return "partial";
    case ViolationKind::sum_tampered: return "sum-tampered";
    case ViolationKind::amendment_removed: return "amendment-removed";
  }
  return "unknown";
}

const char* to_string(VerifyMode mode) {
  switch (mode) {
    case VerifyMode::git_base: return "git-base";
    case VerifyMode::sum: return "sum";
    case VerifyMode::base_sum: return "base-sum";
    case VerifyMode::database: return "db";
  }
  return "unknown";
}

}  // namespace gander
