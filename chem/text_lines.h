// split_lines: the line view every parser in chem/ reads text through
// ('\n' or "\r\n" endings; no copy of the text).
#pragma once
#include <string_view>
#include <vector>

namespace qmnmr::chem {

// The lines of `text` without their endings; a final newline adds no empty line.
std::vector<std::string_view> split_lines(std::string_view text);

}  // namespace qmnmr::chem
