#pragma once

#include <string>

#include <gander/error.hpp>

namespace gander::cli {

// The command line's words for what a person can do about an error: the
// library states the remedy as data, and only the tool knows its commands
// and flags. Empty for RemedyKind::none.
std::string remedy_text(const Remedy& remedy);

}  // namespace gander::cli
