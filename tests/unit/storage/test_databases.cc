// Private PostgreSQL and MariaDB servers for the storage tests (see
// test_databases.h). Started as in docs: initdb/pg_ctl as the postgres user
// (they refuse root), mariadb-install-db + mariadbd --user=mysql.
#include "test_databases.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace recotem::tune::storage::testing {

namespace {

constexpr const char* kPgBin = "/usr/lib/postgresql/15/bin";
constexpr const char* kUser = "recotem";
constexpr const char* kPassword = "recopw";

std::vector<std::string>& TempDirs() {
  static std::vector<std::string> dirs;
  return dirs;
}

bool IsRoot() { return geteuid() == 0; }

// `command` run as `user` when we are root (servers refuse to run as root).
std::string AsUser(const std::string& user, const std::string& command) {
  return IsRoot() ? "runuser -u " + user + " -- " + command : command;
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string ServerDir(const char* owner) {
  std::string dir = MakeTempDir();
  if (IsRoot()) RunCommand(std::string("chown ") + owner + ":" + owner + " " + dir);
  return dir;
}

class PostgresServer {
 public:
  // Empty when the server is up; else why it is not.
  std::string Start() {
    if (!std::filesystem::exists(std::string(kPgBin) + "/initdb")) {
      return std::string("PostgreSQL server binaries not found in ") + kPgBin;
    }
    dir_ = ServerDir("postgres");
    port_ = FreePort();
    std::ofstream(dir_ + "/pwfile") << "superpw\n";
    RunCommand("chmod 644 " + dir_ + "/pwfile");
    std::string pg = kPgBin;
    CommandResult init = RunCommand(
        AsUser("postgres", pg + "/initdb -D " + dir_ + "/data -U postgres --pwfile=" + dir_ +
                               "/pwfile --auth-local=trust --auth-host=scram-sha-256 -E UTF8 "
                               "--locale=C.UTF-8 --no-sync > " +
                               dir_ + "/initdb.log 2>&1"));
    if (init.status != 0) return "initdb failed, see " + dir_ + "/initdb.log";
    CommandResult start = RunCommand(AsUser(
        "postgres", pg + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/server.log -w -t 30 -o \"" +
                        "-c listen_addresses=127.0.0.1 -p " + std::to_string(port_) + " -k " +
                        dir_ + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off" +
                        " -c max_connections=50\" start > /dev/null"));
    if (start.status != 0) return "pg_ctl start failed, see " + dir_ + "/server.log";
    started_ = true;
    if (Psql(std::string("CREATE ROLE ") + kUser + " LOGIN PASSWORD '" + kPassword + "'") != 0) {
      return "could not create the test role";
    }
    std::string pgpass = dir_ + "/pgpass";
    std::ofstream(pgpass) << "127.0.0.1:" << port_ << ":*:" << kUser << ":" << kPassword << "\n";
    chmod(pgpass.c_str(), 0600);
    setenv("PGPASSFILE", pgpass.c_str(), 1);
    setenv("PGUSER", kUser, 1);
    return "";
  }

  void Stop() {
    if (!started_) return;
    RunCommand(AsUser("postgres", std::string(kPgBin) + "/pg_ctl -D " + dir_ +
                                      "/data -m immediate -w stop > /dev/null 2>&1"));
    started_ = false;
  }

  std::string CreateDatabase(const std::string& name) {
    Psql("CREATE DATABASE " + name + " OWNER " + kUser);
    return name;
  }

  int port() const { return port_; }

 private:
  int Psql(const std::string& sql) {
    return RunCommand("env -u PGPASSFILE -u PGUSER psql -q -h " + dir_ + " -p " +
                      std::to_string(port_) + " -U postgres -d postgres -v ON_ERROR_STOP=1 -c \"" +
                      sql + "\" > /dev/null 2>&1")
        .status;
  }

  std::string dir_;
  int port_ = 0;
  bool started_ = false;
};

std::string FindMariadbd() {
  for (const char* path : {"/usr/sbin/mariadbd", "/usr/bin/mariadbd"}) {
    if (std::filesystem::exists(path)) return path;
  }
  return "";
}

class MariadbServer {
 public:
  std::string Start() {
    std::string mariadbd = FindMariadbd();
    if (mariadbd.empty() || RunCommand("command -v mariadb-install-db").status != 0) {
      return "MariaDB server binaries (mariadbd, mariadb-install-db) not found";
    }
    dir_ = ServerDir("mysql");
    port_ = FreePort();
    std::string user_flag = IsRoot() ? " --user=mysql" : "";
    CommandResult init =
        RunCommand("mariadb-install-db --no-defaults" + user_flag + " --datadir=" + dir_ +
                   "/data --auth-root-authentication-method=normal --skip-test-db > " + dir_ +
                   "/install.log 2>&1");
    if (init.status != 0) return "mariadb-install-db failed, see " + dir_ + "/install.log";
    pid_ = fork();
    if (pid_ == 0) {
      setsid();
      int null_fd = open("/dev/null", O_WRONLY);
      dup2(null_fd, STDOUT_FILENO);
      dup2(null_fd, STDERR_FILENO);
      std::string datadir = "--datadir=" + dir_ + "/data";
      std::string port = "--port=" + std::to_string(port_);
      std::string socket = "--socket=" + Socket();
      std::string pid_file = "--pid-file=" + dir_ + "/mysqld.pid";
      std::string log = "--log-error=" + dir_ + "/err.log";
      std::vector<std::string> args = {mariadbd,
                                       "--no-defaults",
                                       datadir,
                                       "--bind-address=127.0.0.1",
                                       port,
                                       socket,
                                       pid_file,
                                       log,
                                       "--skip-name-resolve",
                                       "--innodb-flush-log-at-trx-commit=0",
                                       "--innodb-buffer-pool-size=64M"};
      if (IsRoot()) args.insert(args.begin() + 2, "--user=mysql");
      std::vector<char*> argv;
      for (std::string& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    for (int i = 0; i < 300; ++i) {
      if (Admin("ping") == 0) {
        started_ = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!started_) return "mariadbd did not start, see " + dir_ + "/err.log";
    std::string user = std::string("'") + kUser + "'@'127.0.0.1'";
    if (Sql("CREATE USER " + user + " IDENTIFIED BY '" + kPassword + "'; GRANT ALL ON *.* TO " +
            user) != 0) {
      return "could not create the test user";
    }
    setenv("USER", kUser, 1);
    setenv("MYSQL_PWD", kPassword, 1);
    return "";
  }

  void Stop() {
    if (!started_) return;
    if (Admin("shutdown") != 0) kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 300 && waitpid(pid_, &status, WNOHANG) == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (waitpid(pid_, &status, WNOHANG) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
    started_ = false;
  }

  std::string CreateDatabase(const std::string& name) {
    Sql("CREATE DATABASE " + name);
    return name;
  }

  int port() const { return port_; }

 private:
  std::string Socket() const { return dir_ + "/mysqld.sock"; }
  int Admin(const std::string& command) {
    return RunCommand("env -u MYSQL_PWD mariadb-admin --no-defaults --socket=" + Socket() +
                      " -uroot " + command + " > /dev/null 2>&1")
        .status;
  }
  int Sql(const std::string& sql) {
    return RunCommand("env -u MYSQL_PWD mariadb --no-defaults --socket=" + Socket() +
                      " -uroot -e \"" + sql + "\" > /dev/null 2>&1")
        .status;
  }

  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  bool started_ = false;
};

// Starts each server once, on first use; stops them when the tests end.
class Servers : public ::testing::Environment {
 public:
  static Servers& Get() {
    static Servers* servers = [] {
      auto* created = new Servers;
      ::testing::AddGlobalTestEnvironment(created);  // gtest owns it
      return created;
    }();
    return *servers;
  }

  template <typename Server>
  struct Started {
    Server server;
    bool tried = false;
    std::string failure;
  };

  template <typename Server>
  Server* Ensure(Started<Server>& started) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!started.tried) {
      started.tried = true;
      started.failure = started.server.Start();
    }
    return started.failure.empty() ? &started.server : nullptr;
  }

  void TearDown() override {
    postgres.server.Stop();
    mariadb.server.Stop();
    std::error_code ignored;
    for (const std::string& dir : TempDirs()) std::filesystem::remove_all(dir, ignored);
  }

  Started<PostgresServer> postgres;
  Started<MariadbServer> mariadb;
  int next_database = 0;

 private:
  std::mutex mutex_;
};

// Registered before main() so TearDown runs even if no test used a server.
[[maybe_unused]] const bool kServersRegistered = (Servers::Get(), true);

}  // namespace

const char* BackendName(Backend backend) {
  switch (backend) {
    case Backend::kSqlite:
      return "sqlite";
    case Backend::kPostgres:
      return "postgres";
    case Backend::kMysql:
      return "mysql";
  }
  return "unknown";
}

std::string MakeTempDir() {
  std::string pattern = std::filesystem::temp_directory_path() / "recotem-storage-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  chmod(pattern.c_str(), 0755);
  TempDirs().push_back(pattern);
  return pattern;
}

CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.out.append(buffer.data(), n);
  int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

TestDatabase CreateTestDatabase(Backend backend) {
  Servers& servers = Servers::Get();
  std::string name = "study_db_" + std::to_string(servers.next_database++);
  TestDatabase db;
  switch (backend) {
    case Backend::kSqlite: {
      std::string path = MakeTempDir() + "/study.db";
      db.url = "sqlite:///" + path;
      db.python_url = "sqlite:///" + path;
      return db;
    }
    case Backend::kPostgres: {
      PostgresServer* server = servers.Ensure(servers.postgres);
      if (server == nullptr) return {"", "", servers.postgres.failure};
      std::string host = "127.0.0.1:" + std::to_string(server->port());
      db.url = "postgresql://" + host + "/" + server->CreateDatabase(name);
      db.python_url = "postgresql+psycopg2://" + host + "/" + name;
      return db;
    }
    case Backend::kMysql: {
      MariadbServer* server = servers.Ensure(servers.mariadb);
      if (server == nullptr) return {"", "", servers.mariadb.failure};
      std::string host = "127.0.0.1:" + std::to_string(server->port());
      db.url = "mysql://" + host + "/" + server->CreateDatabase(name);
      db.python_url =
          std::string("mysql+pymysql://") + kUser + ":" + kPassword + "@" + host + "/" + name;
      return db;
    }
  }
  return db;
}

}  // namespace recotem::tune::storage::testing
