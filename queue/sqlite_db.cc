// SqliteDb, Statement and ImmediateTransaction over the SQLite C API.
#include "queue/sqlite_db.h"

#include <unistd.h>

#include <thread>
#include <utility>

#include "queue/error.h"

namespace qmnmr::queue {

SqliteDb::SqliteDb(const std::filesystem::path& path) : path_(path) {
  int rc = sqlite3_open_v2(path.c_str(), &db_,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw QueueError("cannot open queue database " + path.string() + ": " + msg +
                     "; check that the data root exists and is writable");
  }
  sqlite3_extended_result_codes(db_, 1);
}

SqliteDb::~SqliteDb() { sqlite3_close_v2(db_); }

void SqliteDb::set_busy_timeout(std::chrono::milliseconds timeout) {
  busy_timeout_ = timeout;
  busy_rng_ ^= static_cast<uint64_t>(::getpid()) * 0x100000001b3ull ^
               static_cast<uint64_t>(reinterpret_cast<uintptr_t>(this));
  sqlite3_busy_handler(db_, &SqliteDb::on_busy, this);
}

int SqliteDb::on_busy(void* arg, int count) {
  auto* self = static_cast<SqliteDb*>(arg);
  auto now = std::chrono::steady_clock::now();
  if (count == 0) self->busy_since_ = now;
  if (now - self->busy_since_ >= self->busy_timeout_) return 0;  // give up: SQLITE_BUSY
  // xorshift: a little jitter so that waiting processes do not retry in step.
  uint64_t& x = self->busy_rng_;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  // 50..250 us at first, growing to at most 2..10 ms for long waits.
  int64_t cap_us = count < 20 ? 250 : count < 200 ? 2000 : 10000;
  int64_t us = cap_us / 5 + static_cast<int64_t>(x % static_cast<uint64_t>(cap_us - cap_us / 5));
  std::this_thread::sleep_for(std::chrono::microseconds(us));
  return 1;
}

void SqliteDb::exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (err) sqlite3_free(err);
  if (rc != SQLITE_OK) raise(rc, sql.substr(0, 60));
}

int SqliteDb::changes() const { return sqlite3_changes(db_); }

void SqliteDb::raise(int rc, std::string_view what) const {
  std::string where = path_.string();
  int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    throw QueueError(where + " stayed locked by another process beyond the busy timeout (" +
                     std::string(what) + "); a worker may be stuck in a transaction: " +
                     "retry, or look for a hung qmnmr process");
  }
  if (primary == SQLITE_NOTADB) {
    throw QueueError(where + " is not a SQLite database; point --data at a qmnmr data root " +
                     "or move the file away");
  }
  if (primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN) {
    throw QueueError(where + ": " + sqlite3_errmsg(db_) + " (" + std::string(what) +
                     "); the data root and its -wal/-shm files must be writable by this user");
  }
  if (primary == SQLITE_FULL) {
    throw QueueError(where + ": disk full (" + std::string(what) + "); free space on the volume");
  }
  throw QueueError(where + ": " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc)) + " (" +
                   std::string(what) + ")");
}

Statement::Statement(SqliteDb& db, const char* sql) : db_(db), sql_(sql) {
  int rc = sqlite3_prepare_v2(db.handle(), sql, -1, &stmt_, nullptr);
  if (rc != SQLITE_OK) db.raise(rc, std::string("prepare: ") + sql);
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, std::string_view text) {
  int rc = sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                             SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_.raise(rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK) db_.raise(rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  if (rc != SQLITE_OK) db_.raise(rc, "bind");
  return *this;
}

Statement& Statement::bind_null(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK) db_.raise(rc, "bind");
  return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.raise(rc, sql_);
}

void Statement::run() {
  while (step()) {
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
int64_t Statement::int64(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::real(int col) const { return sqlite3_column_double(stmt_, col); }

std::string Statement::text(int col) const {
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(p, static_cast<size_t>(n)) : std::string();
}

std::optional<std::string> Statement::opt_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}

std::optional<double> Statement::opt_real(int col) const {
  if (is_null(col)) return std::nullopt;
  return real(col);
}

ImmediateTransaction::ImmediateTransaction(SqliteDb& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

ImmediateTransaction::~ImmediateTransaction() {
  if (open_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void ImmediateTransaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

ReadTransaction::ReadTransaction(SqliteDb& db) : db_(db) { db_.exec("BEGIN"); }

ReadTransaction::~ReadTransaction() {
  sqlite3_exec(db_.handle(), "COMMIT", nullptr, nullptr, nullptr);
}

}  // namespace qmnmr::queue
