// The hunch command-line tool: each subcommand registers its options and runs over the library.
#ifndef HUNCH_CLI_COMMANDS_H_
#define HUNCH_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <string_view>

namespace hunch::cli {

// Exit codes shared by every subcommand.
enum ExitCode { kOk = 0, kErrors = 1, kUsage = 2, kBelowThreshold = 3 };

// Each registers its subcommand on `app`; when it is chosen, parsing sets `*run` to the function
// that runs it and returns the exit code.
using Runner = std::function<int()>;

// Writes `text` to stdout when `path` is empty, else to the file `path`. False, with an error
// naming the file and `what` on stderr, when the file cannot be written.
bool WriteOutput(const std::string& path, const std::string& text, std::string_view what);
void AddCheck(CLI::App& app, Runner* run);
void AddExplain(CLI::App& app, Runner* run);
void AddEval(CLI::App& app, Runner* run);
void AddPredict(CLI::App& app, Runner* run);
void AddDataset(CLI::App& app, Runner* run);
void AddSql(CLI::App& app, Runner* run);
void AddLabel(CLI::App& app, Runner* run);
void AddServe(CLI::App& app, Runner* run);
void AddReport(CLI::App& app, Runner* run);
void AddCompare(CLI::App& app, Runner* run);
void AddDiff(CLI::App& app, Runner* run);

}  // namespace hunch::cli

#endif  // HUNCH_CLI_COMMANDS_H_
