// SqliteDb, Statement and ImmediateTransaction: a thin RAII layer over the
// SQLite C API for the job queue. Prepared statements with bound parameters
// only; every SQLite failure becomes a QueueError that names the database.
#pragma once
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace qmnmr::queue {

// One open connection. Not thread-safe: one object per thread. Not movable:
// SQLite keeps a pointer to it for the busy handler.
class SqliteDb {
 public:
  explicit SqliteDb(const std::filesystem::path& path);
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb();

  // Waits up to `timeout` for a lock held by another connection, polling in
  // short randomised sleeps (SQLite's own handler sleeps up to 100 ms at a
  // time, which starves busy workers of the lock under contention).
  void set_busy_timeout(std::chrono::milliseconds timeout);

  sqlite3* handle() const { return db_; }
  const std::filesystem::path& path() const { return path_; }

  // Runs SQL without parameters (PRAGMAs, DDL); several statements allowed.
  void exec(const std::string& sql);
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int changes() const;

  // Throws QueueError for result code `rc`, with `what` as context.
  [[noreturn]] void raise(int rc, std::string_view what) const;

 private:
  static int on_busy(void* self, int count);

  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
  std::chrono::milliseconds busy_timeout_{0};
  std::chrono::steady_clock::time_point busy_since_;
  uint64_t busy_rng_ = 0x9e3779b97f4a7c15ull;
};

// One prepared statement; bind by 1-based index, step, read columns.
class Statement {
 public:
  Statement(SqliteDb& db, const char* sql);
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind_null(int index);
  Statement& bind(int index, const std::optional<std::string>& text);

  // Advances; true while there is a row, false when done. Throws on error.
  bool step();
  // Steps to the end, ignoring rows (for INSERT/UPDATE without RETURNING).
  void run();
  void reset();

  bool is_null(int col) const;
  int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  std::optional<std::string> opt_text(int col) const;
  std::optional<double> opt_real(int col) const;

 private:
  SqliteDb& db_;
  sqlite3_stmt* stmt_ = nullptr;
  const char* sql_;
};

// BEGIN IMMEDIATE on construction (takes the write lock now, waiting up to the
// busy timeout); ROLLBACK on destruction unless commit() was called.
class ImmediateTransaction {
 public:
  explicit ImmediateTransaction(SqliteDb& db);
  ImmediateTransaction(const ImmediateTransaction&) = delete;
  ImmediateTransaction& operator=(const ImmediateTransaction&) = delete;
  ~ImmediateTransaction();
  void commit();

 private:
  SqliteDb& db_;
  bool open_ = true;
};

// BEGIN (deferred) on construction, COMMIT on destruction: the reads between
// see one snapshot (WAL). For readers only: nothing written is lost if the
// COMMIT fails.
class ReadTransaction {
 public:
  explicit ReadTransaction(SqliteDb& db);
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  ~ReadTransaction();

 private:
  SqliteDb& db_;
};

}  // namespace qmnmr::queue
