// split_lines and split_fields: the line and field views every parser in chem/ reads text through
// ('\n' or "\r\n" endings; no copy of the text); and the two helpers every table qmnmr writes
// uses: a CSV field and a number with fixed digits.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace qmnmr::chem {

// The lines of `text` without their endings; a final newline adds no empty line.
std::vector<std::string_view> split_lines(std::string_view text);

// The whitespace-separated fields of one line.
std::vector<std::string> split_fields(std::string_view line);

// `text` as one CSV field: quoted (quotes doubled) when it holds a comma, a
// quote or a line break.
std::string csv_field(std::string_view text);

// `value` with `digits` decimals ("%.*f").
std::string fixed_digits(double value, int digits);

}  // namespace qmnmr::chem
