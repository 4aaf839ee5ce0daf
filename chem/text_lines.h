// split_lines and split_fields: the line and field views every parser in chem/ reads text through
// ('\n' or "\r\n" endings; no copy of the text).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace qmnmr::chem {

// The lines of `text` without their endings; a final newline adds no empty line.
std::vector<std::string_view> split_lines(std::string_view text);

// The whitespace-separated fields of one line.
std::vector<std::string> split_fields(std::string_view line);

}  // namespace qmnmr::chem
