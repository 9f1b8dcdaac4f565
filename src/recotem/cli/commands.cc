#include "recotem/cli/commands.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace recotem::cli {
namespace {
std::vector<std::pair<int, AddCommandFn>>& Commands() {
  static auto* commands = new std::vector<std::pair<int, AddCommandFn>>();
  return *commands;
}
}  // namespace

bool RegisterCommand(int order, AddCommandFn add) {
  Commands().emplace_back(order, add);
  return true;
}

void AddRegisteredCommands(CLI::App& app, int& exit_code) {
  auto commands = Commands();
  std::sort(commands.begin(), commands.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [order, add] : commands) add(app, exit_code);
}

}  // namespace recotem::cli
