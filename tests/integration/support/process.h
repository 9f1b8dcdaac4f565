// Running the real `recotem` binary from integration tests: one-shot runs
// with captured stdout/stderr/exit code, and background processes (serve)
// with stderr captured to a file. The child's environment is the test's
// environment with every RECOTEM_* variable removed, plus `env`.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace recotem::testing {

// Path of the recotem binary under test (build/bin/recotem).
std::string RecotemBinary();

struct ProcessResult {
  int exit_code = -1;  // 128 + signal when killed by a signal
  std::string out;
  std::string err;
};

ProcessResult RunRecotem(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env = {},
                         const std::string& cwd = "",
                         std::chrono::seconds timeout = std::chrono::seconds(120));

class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& args,
                    const std::map<std::string, std::string>& env, const std::string& cwd = "");
  ~BackgroundProcess();  // SIGKILLs the child if still running
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  int pid() const { return pid_; }
  // Sends `signal`; returns the exit code (128+sig if killed), or -1 on timeout.
  int Stop(int signal, std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));
  // Non-blocking: true while the child runs.
  bool Running();
  std::string Stderr() const;  // everything written so far
  std::string Stdout() const;

 private:
  int pid_ = -1;
  int exit_code_ = -1;
  std::string out_path_;
  std::string err_path_;
};

// A free TCP port on 127.0.0.1 (bound and released; racy but fine here).
int FreePort();

// A fresh temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void WriteTextFile(const std::string& path, const std::string& text);
std::string ReadTextFile(const std::string& path);

}  // namespace recotem::testing
