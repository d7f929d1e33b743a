// Internal text helpers shared by the front end and the engine (the facade is hunch/ruleset.h).
#ifndef HUNCH_RULES_TEXT_H_
#define HUNCH_RULES_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

namespace hunch {

// Shortest decimal that reads back as the same double; "1.0" rather than "1" when force_point.
std::string FormatDouble(double d, bool force_point = false);
// A double-quoted literal with CEL escapes, readable back by the lexer.
std::string QuoteString(std::string_view s);
// Levenshtein distance, for "did you mean" hints.
size_t EditDistance(std::string_view a, std::string_view b);
// The candidate closest to `word` when it is close enough to be a plausible typo, else "".
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates);
// True when `s` is valid UTF-8.
bool IsValidUtf8(std::string_view s);
// Length of the longest prefix of `s` that is valid UTF-8: the offset of the first bad byte.
size_t ValidUtf8Prefix(std::string_view s);
// Number of Unicode code points in valid UTF-8.
size_t CodePointCount(std::string_view s);

}  // namespace hunch

#endif  // HUNCH_RULES_TEXT_H_
