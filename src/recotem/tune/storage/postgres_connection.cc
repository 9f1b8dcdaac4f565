// PostgreSQL driver for SqlConnection (see postgres_connection.h). Parameters
// and results travel as text; the server infers parameter types (enums,
// timestamps) from the statement.
#include "recotem/tune/storage/postgres_connection.h"

#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace recotem::tune::storage {

namespace {

// SQLSTATEs a retry of the transaction can cure.
constexpr const char* kSerializationFailure = "40001";
constexpr const char* kDeadlockDetected = "40P01";

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

void IgnoreNotice(void* /*arg*/, const char* /*message*/) {}

std::string ParamText(const SqlValue& value) {
  if (auto* n = std::get_if<int64_t>(&value)) return std::to_string(*n);
  if (auto* d = std::get_if<double>(&value)) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.17g", *d);
    return buf;
  }
  return std::get<std::string>(value);
}

}  // namespace

std::string NumberPostgresPlaceholders(const std::string& sql) {
  std::string out;
  int next = 1;
  bool quoted = false;
  for (char c : sql) {
    if (c == '\'') quoted = !quoted;
    if (c == '?' && !quoted) {
      out += '$' + std::to_string(next++);
    } else {
      out += c;
    }
  }
  return out;
}

struct PostgresConnection::Result {
  ResultPtr result;
};

PostgresConnection::PostgresConnection(const std::string& conninfo, const std::string& description)
    : description_(description) {
  conn_ = PQconnectdb(conninfo.c_str());
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    std::string message = conn_ ? PQerrorMessage(conn_) : "out of memory";
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    PQfinish(conn_);
    conn_ = nullptr;
    throw std::runtime_error("cannot connect to PostgreSQL study storage " + description + ": " +
                             message);
  }
  PQsetNoticeProcessor(conn_, IgnoreNotice, nullptr);
}

PostgresConnection::~PostgresConnection() { PQfinish(conn_); }

PostgresConnection::Result PostgresConnection::Run(const std::string& sql,
                                                   const SqlParams& params) {
  std::vector<std::string> texts;
  std::vector<const char*> values;
  texts.reserve(params.size());
  for (const SqlValue& param : params) {
    bool is_null = std::holds_alternative<std::monostate>(param);
    texts.push_back(is_null ? std::string() : ParamText(param));
    values.push_back(is_null ? nullptr : texts.back().c_str());
  }
  std::string numbered = NumberPostgresPlaceholders(sql);
  ResultPtr result(PQexecParams(conn_, numbered.c_str(), static_cast<int>(values.size()), nullptr,
                                values.data(), nullptr, nullptr, 0));
  ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const char* state = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
    std::string code = state ? state : "";
    bool transient = code == kSerializationFailure || code == kDeadlockDetected;
    std::string message = PQerrorMessage(conn_);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw SqlError(
        "PostgreSQL study storage " + description_ + ": " + message + " (in: " + sql + ")",
        transient);
  }
  return Result{std::move(result)};
}

void PostgresConnection::Execute(const std::string& sql) { Run(sql, {}); }

std::vector<SqlRow> PostgresConnection::Query(const std::string& sql, const SqlParams& params) {
  Result run = Run(sql, params);
  PGresult* result = run.result.get();
  std::vector<SqlRow> rows;
  int n_rows = PQntuples(result);
  int n_columns = PQnfields(result);
  for (int r = 0; r < n_rows; ++r) {
    std::vector<SqlValue> values;
    for (int c = 0; c < n_columns; ++c) {
      if (PQgetisnull(result, r, c)) {
        values.emplace_back(std::monostate{});
      } else {
        values.emplace_back(
            std::string(PQgetvalue(result, r, c), static_cast<size_t>(PQgetlength(result, r, c))));
      }
    }
    rows.emplace_back(std::move(values));
  }
  return rows;
}

int64_t PostgresConnection::Update(const std::string& sql, const SqlParams& params) {
  Result run = Run(sql, params);
  return std::strtoll(PQcmdTuples(run.result.get()), nullptr, 10);
}

int64_t PostgresConnection::Insert(const std::string& sql, const SqlParams& params,
                                   const std::string& id_column) {
  std::vector<SqlRow> rows = Query(sql + " RETURNING " + id_column, params);
  if (rows.size() != 1) {
    throw SqlError("PostgreSQL study storage " + description_ + ": INSERT returned no key", false);
  }
  return rows[0].Int(0);
}

}  // namespace recotem::tune::storage
