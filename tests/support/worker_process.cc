// QmnmrProcess, run_qmnmr and the /proc scan of worker_process.h, on the spawning of
// qmnmr_process.h.
#include "support/worker_process.h"

#include "support/qmnmr_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace qmnmr::worker_testing {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

pid_t spawn(const std::vector<std::string>& args, const Env& overrides, const fs::path& out,
            const fs::path& err, const fs::path& cwd) {
  testing::QmnmrLaunch launch;
  launch.args = args;
  launch.cwd = cwd;
  launch.stdout_path = out;
  launch.stderr_path = err;
  for (const auto& [k, v] : overrides) launch.env[k] = v;
  const pid_t pid = testing::start_qmnmr(launch);
  if (pid < 0) throw std::runtime_error("fork failed");
  return pid;
}

int decode(int st) { return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st); }

bool read_stat(const fs::path& dir, ProcInfo& info) {
  std::ifstream in(dir / "stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  auto open = line.find('(');
  auto close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos) return false;
  info.comm = line.substr(open + 1, close - open - 1);
  std::istringstream rest(line.substr(close + 1));
  char state = 0;
  long ppid = 0, pgid = 0, sid = 0;
  if (!(rest >> state >> ppid >> pgid >> sid)) return false;
  if (state == 'Z' || state == 'X') return false;
  info.ppid = static_cast<pid_t>(ppid);
  info.pgid = static_cast<pid_t>(pgid);
  info.sid = static_cast<pid_t>(sid);
  return true;
}

}  // namespace

QmnmrProcess::QmnmrProcess(const std::vector<std::string>& args, const Env& env,
                           const fs::path& log_dir, const std::string& name,
                           const fs::path& cwd)
    : out_(log_dir / (name + ".out")), err_(log_dir / (name + ".err")) {
  fs::create_directories(log_dir);
  pid_ = spawn(args, env, out_, err_, cwd);
}

QmnmrProcess::~QmnmrProcess() {
  if (pid_ > 0 && !reaped_) {
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    int st = 0;
    ::waitpid(pid_, &st, 0);
  }
}

void QmnmrProcess::signal(int sig) {
  if (pid_ > 0 && !reaped_) ::kill(pid_, sig);
}

std::optional<int> QmnmrProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!reaped_) {
    int st = 0;
    pid_t r = ::waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      code_ = decode(st);
      break;
    }
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return code_;
}

bool QmnmrProcess::running() { return !wait_exit(std::chrono::milliseconds(0)).has_value(); }

std::string QmnmrProcess::out() const { return testing::slurp(out_); }
std::string QmnmrProcess::err() const { return testing::slurp(err_); }

CliResult run_qmnmr(const std::vector<std::string>& args, const Env& env,
                    std::chrono::seconds timeout) {
  testing::TempDir logs("cli");
  QmnmrProcess p(args, env, logs.path(), "cli");
  CliResult r;
  auto code = p.wait_exit(timeout);
  r.code = code ? *code : -1;
  r.out = p.out();
  r.err = p.err();
  return r;
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout,
                std::chrono::milliseconds step) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(step);
  }
}

std::vector<ProcInfo> processes_under(const fs::path& dir) {
  std::vector<ProcInfo> out;
  std::error_code ec;
  const std::string root = fs::weakly_canonical(dir, ec).string();
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    ProcInfo info;
    info.pid = static_cast<pid_t>(std::stol(name));
    if (!read_stat(entry.path(), info)) continue;
    std::error_code cwd_ec;
    info.cwd = fs::read_symlink(entry.path() / "cwd", cwd_ec);
    if (cwd_ec) continue;
    const std::string cwd = info.cwd.string();
    if (cwd == root || cwd.rfind(root + "/", 0) == 0) out.push_back(info);
  }
  return out;
}

std::vector<ProcInfo> processes_under(const fs::path& dir, const std::string& comm) {
  std::vector<ProcInfo> out;
  for (auto& p : processes_under(dir))
    if (p.comm == comm) out.push_back(p);
  return out;
}

std::string describe(const std::vector<ProcInfo>& procs) {
  std::string s;
  for (const auto& p : procs)
    s += p.comm + " pid " + std::to_string(p.pid) + " ppid " + std::to_string(p.ppid) + " sid " +
         std::to_string(p.sid) + " in " + p.cwd.string() + "\n";
  return s.empty() ? "(none)" : s;
}

}  // namespace qmnmr::worker_testing
