// run_process: spawn (posix_spawn), the wait loop and stop escalation for one
// process group. See supervisor.h for the layers.
#include "container/supervisor.h"

#include "container/proc_table.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include <spdlog/spdlog.h>

#include "container/fd.h"
#include "container/reaper.h"
#include "container/signals.h"

extern char** environ;

namespace qmnmr::container {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kPollStep{100};

std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

// Quotes an argv for the log only (it never reaches a shell).
std::string loggable(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) {
    if (!out.empty()) out += ' ';
    const bool plain = !arg.empty() && arg.find_first_of(" \t\n'\"\\$`;&|<>*?()") == std::string::npos;
    if (plain) {
      out += arg;
    } else {
      out += '\'';
      for (char c : arg) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
      out += '\'';
    }
  }
  return out;
}

std::string seconds_text(double s) { return fmt::format("{:.2f} s", s); }

// Processes of session `sid` that are not in process group `sid` (Open MPI's
// ranks: mpirun puts each in a group of its own, but they keep the session).
std::vector<pid_t> session_strays(pid_t sid) {
  std::vector<pid_t> out;
  for (const auto& p : scan_processes())
    if (p.session == sid && p.pgid != sid) out.push_back(p.pid);
  return out;
}

// True while any process of the group or the session is left (zombies count).
bool tree_exists(pid_t sid) {
  if (::kill(-sid, 0) == 0 || errno == EPERM) return true;
  return !session_strays(sid).empty();
}

// What the forked child needs, prepared before fork().
struct ChildSetup {
  int stdin_fd, stdout_fd, stderr_fd;  // -1: keep
  bool stderr_to_stdout;
  const char* cwd;  // nullptr: keep
  const char* exe;
  char* const* argv;
  char* const* envp;
  pid_t parent;
  int report_fd;
};

struct ChildFailure {
  enum Step : int { chdir, exec } step;
  int error;
};

[[noreturn]] void child_fail(const ChildSetup& s, ChildFailure::Step step) {
  ChildFailure f{step, errno};
  ssize_t ignored = ::write(s.report_fd, &f, sizeof f);
  (void)ignored;
  ::_exit(127);
}

// dup2 that also works when `from` already is `to` (then only FD_CLOEXEC is cleared).
void child_dup(int from, int to) {
  if (from < 0) return;
  if (from == to) ::fcntl(to, F_SETFD, 0);
  else ::dup2(from, to);
}

// Runs in the forked child: async-signal-safe calls only. A new session (so
// a new process group, pgid = sid = pid); SIGKILL when the worker dies (so a
// kill -9 of the worker leaves no orphan: mpirun's ranks abort once mpirun
// is gone); default dispositions and an empty mask; stdio; cwd; exec.
[[noreturn]] void run_child(const ChildSetup& s) {
  ::setsid();
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != s.parent) ::_exit(127);  // the worker died before prctl
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &dfl, nullptr);
  sigset_t empty;
  sigemptyset(&empty);
  ::sigprocmask(SIG_SETMASK, &empty, nullptr);
  child_dup(s.stdin_fd, 0);
  child_dup(s.stdout_fd, 1);
  child_dup(s.stderr_fd, 2);
  if (s.stderr_to_stdout) ::dup2(1, 2);
  if (s.cwd && ::chdir(s.cwd) != 0) child_fail(s, ChildFailure::chdir);
  ::execve(s.exe, s.argv, s.envp);
  child_fail(s, ChildFailure::exec);
}

// Layer 1 and the owner of one process group: spawns, reaps its leader, and
// in its destructor makes sure neither the leader nor its group outlives it.
class ProcessGroup {
 public:
  ProcessGroup() = default;
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  ~ProcessGroup() {
    if (pid_ <= 0) return;
    if (!reaped_) {
      signal_group(SIGKILL);
      wait_leader_blocking();
    }
    if (!drained_) drain_group(SIGKILL, milliseconds(0), milliseconds(10000));
    ChildRegistry::unregister(pid_);
  }

  // Why an output file did not open, for the message.
  static const char* open_hint(int error) {
    return error == EEXIST || error == ELOOP
               ? " (a private output file is only ever created new: something else is there)"
               : " (does its directory exist?)";
  }

  // Returns an error text, empty on success.
  std::string spawn(const ProcessSpec& spec) {
    const std::string& program = spec.argv.front();
    const Environment env = spec.env ? *spec.env : current_environment();
    const auto path_it = env.find("PATH");
    const std::string path_list =
        path_it != env.end() ? path_it->second : "/usr/local/bin:/usr/bin:/bin";
    auto resolved = find_program(program, path_list);
    if (!resolved) {
      if (program.find('/') != std::string::npos) {
        return "program '" + program + "' does not exist or is not executable: check the path "
               "(relative paths are taken from the worker's directory)";
      }
      return "program '" + program + "' not found in PATH (" + path_list +
             "): install the package that provides it, or add its directory to PATH";
    }
    if (!spec.cwd.empty()) {
      std::error_code ec;
      if (!std::filesystem::is_directory(spec.cwd, ec)) {
        return "working directory " + spec.cwd.string() + " does not exist: create it first";
      }
    }

    const bool private_file = spec.output_mode == OutputMode::create_private;
    const int out_flags = O_WRONLY | O_CREAT | O_CLOEXEC |
                          (private_file                                ? O_EXCL | O_NOFOLLOW
                           : spec.output_mode == OutputMode::append ? O_APPEND
                                                                    : O_TRUNC);
    const mode_t out_mode = private_file ? 0600 : 0644;
    Fd devnull(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    Fd out, err;
    if (!spec.stdout_path.empty()) {
      out = Fd(::open(spec.stdout_path.c_str(), out_flags, out_mode));
      if (!out.valid()) {
        return "cannot open stdout file " + spec.stdout_path.string() + ": " +
               std::strerror(errno) + open_hint(errno);
      }
    }
    const bool shared = !spec.stderr_path.empty() && spec.stderr_path == spec.stdout_path;
    if (!spec.stderr_path.empty() && !shared) {
      err = Fd(::open(spec.stderr_path.c_str(), out_flags, out_mode));
      if (!err.valid()) {
        return "cannot open stderr file " + spec.stderr_path.string() + ": " +
               std::strerror(errno) + open_hint(errno);
      }
    }

    // Everything the child needs is built here: after fork() it only makes
    // async-signal-safe system calls (no allocation, no locks).
    std::vector<std::string> env_strings;
    env_strings.reserve(env.size());
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = spec.argv;
    std::vector<char*> argvp;
    for (auto& s : args) argvp.push_back(s.data());
    argvp.push_back(nullptr);
    const std::string exe = resolved->string();
    const std::string cwd = spec.cwd.string();
    ChildSetup setup{devnull.get(), out.get(), err.get(), shared, cwd.empty() ? nullptr : cwd.c_str(),
                     exe.c_str(), argvp.data(), envp.data(), ::getpid(), -1};

    // The child reports a failed chdir/exec through this pipe (closed on exec).
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0)
      return std::string("cannot start ") + exe + ": pipe: " + std::strerror(errno);
    Fd report_read(report[0]);
    Fd report_write(report[1]);
    setup.report_fd = report_write.get();

    ensure_sigchld_default();
    int fork_errno = 0;
    pid_t pid = ChildRegistry::spawn_registered([&]() -> pid_t {
      pid_t child = ::fork();
      if (child == 0) run_child(setup);  // never returns
      if (child < 0) fork_errno = errno;
      return child;
    });
    if (pid < 0) return std::string("cannot start ") + exe + ": fork: " + std::strerror(fork_errno);
    report_write = Fd();
    ChildFailure failure{};
    ssize_t got;
    do {
      got = ::read(report_read.get(), &failure, sizeof failure);
    } while (got < 0 && errno == EINTR);
    if (got == static_cast<ssize_t>(sizeof failure)) {
      int st = 0;
      while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
      }
      ChildRegistry::unregister(pid);
      if (failure.step == ChildFailure::chdir)
        return "cannot change into " + cwd + ": " + std::strerror(failure.error);
      return "cannot start " + exe + ": " + std::strerror(failure.error) +
             (failure.error == ENOENT ? " (a missing interpreter or loader?)" : "");
    }
    pid_ = pid;
    pidfd_ = Fd(static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0)));
    return {};
  }

  pid_t pid() const { return pid_; }
  bool reaped() const { return reaped_; }
  int status() const { return status_; }
  long peak_rss_kb() const { return peak_rss_kb_; }
  double cpu_seconds() const { return cpu_seconds_; }
  int last_signal() const { return last_signal_; }
  const std::string& note() const { return note_; }

  // Signals the process group and every other process of the session.
  void signal_group(int sig) {
    last_signal_ = sig;
    if (::kill(-pid_, sig) != 0 && errno != ESRCH) {
      spdlog::warn("kill(-{}, {}) failed: {}", pid_, signal_name(sig), std::strerror(errno));
    }
    for (pid_t stray : session_strays(pid_)) {
      spdlog::debug("{} to pid {} (session {}, own process group)", signal_name(sig), stray, pid_);
      ::kill(stray, sig);
    }
  }

  // Reaps the leader if it has exited. Never blocks.
  bool try_reap() {
    if (reaped_) return true;
    int st = 0;
    pid_t r;
    struct rusage usage {};
    do {
      r = ::wait4(pid_, &st, WNOHANG, &usage);
    } while (r < 0 && errno == EINTR);
    if (r == pid_) {
      reaped_ = true;
      status_ = st;
      // The leader's and its reaped descendants' peak: for mpirun, its largest rank.
      peak_rss_kb_ = usage.ru_maxrss;
      cpu_seconds_ = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    } else if (r < 0) {
      // ECHILD: someone else took the status (SIGCHLD ignored, or a stray waitpid(-1)).
      reaped_ = true;
      status_ = -1;
      note_ = std::string("exit status lost: waitpid: ") + std::strerror(errno) +
              " (is SIGCHLD ignored, or did other code call wait()?)";
    }
    return reaped_;
  }

  // Waits up to `limit` for the leader to exit; true when reaped.
  bool wait_leader(milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (!try_reap()) {
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
      if (left <= milliseconds(0)) return false;
      pause(std::min(left, kPollStep));
    }
    return true;
  }

  void wait_leader_blocking() {
    while (!wait_leader(milliseconds(10000))) {
      spdlog::warn("pid {} survives SIGKILL (uninterruptible sleep?); still waiting", pid_);
    }
  }

  // Sleeps up to `d`, waking early when the leader exits.
  void pause(milliseconds d) {
    if (pidfd_.valid() && !reaped_) {
      pollfd p{pidfd_.get(), POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(d.count()));
    } else {
      std::this_thread::sleep_for(d);
    }
  }

  // Layer 3, leader alive: SIGINT, SIGTERM, SIGKILL with graces until the
  // leader is reaped.
  void stop_leader(const ProcessSpec& spec) {
    signal_group(SIGINT);
    if (wait_leader(spec.int_grace)) return;
    signal_group(SIGTERM);
    if (wait_leader(spec.term_grace)) return;
    signal_group(SIGKILL);
    wait_leader_blocking();
  }

  // Layer 3, leader gone: the rest of the group gets `first` (SIGTERM, or
  // SIGKILL when the escalation already reached it), then SIGKILL after
  // `grace`; waits until no process of the group remains (or `kill_wait`).
  void drain_group(int first, milliseconds grace, milliseconds kill_wait) {
    drained_ = true;
    reap_orphans();
    if (!tree_exists(pid_)) return;
    spdlog::info("processes of group {} outlived their leader; sending {}", pid_, signal_name(first));
    signal_group(first);
    auto wait_gone = [&](milliseconds limit) {
      const auto deadline = Clock::now() + limit;
      for (;;) {
        reap_orphans();  // group members reparented to us must be reaped to vanish
        if (!tree_exists(pid_)) return true;
        if (Clock::now() >= deadline) return false;
        std::this_thread::sleep_for(milliseconds(20));
      }
    };
    if (first != SIGKILL) {
      if (wait_gone(grace)) return;
      spdlog::info("processes of group {} still alive; sending SIGKILL", pid_);
      signal_group(SIGKILL);
    }
    if (!wait_gone(kill_wait)) {
      note_ += (note_.empty() ? "" : "; ") + std::string("process group ") + std::to_string(pid_) +
               " still has members after SIGKILL (zombies of a parent outside our control?)";
      spdlog::error("{}", note_);
    }
  }

 private:
  pid_t pid_ = -1;
  Fd pidfd_;
  bool reaped_ = false;
  bool drained_ = false;
  int status_ = 0;
  long peak_rss_kb_ = 0;
  double cpu_seconds_ = 0;
  int last_signal_ = 0;
  std::string note_;
};

}  // namespace

const char* to_string(Outcome::Kind kind) {
  switch (kind) {
    case Outcome::Kind::exited: return "exited";
    case Outcome::Kind::signalled: return "signalled";
    case Outcome::Kind::timed_out: return "timed_out";
    case Outcome::Kind::stopped: return "stopped";
    case Outcome::Kind::failed_to_start: return "failed_to_start";
  }
  return "unknown";
}

std::string Outcome::describe() const {
  const std::string who = program.empty() ? "program" : program;
  std::string text;
  switch (kind) {
    case Kind::exited:
      text = who + " exited with code " + std::to_string(exit_code) + " after " +
             seconds_text(seconds);
      break;
    case Kind::signalled:
      text = who + " was killed by " + signal_name(signal) + " after " + seconds_text(seconds);
      break;
    case Kind::timed_out:
      text = who + " timed out after " + seconds_text(seconds);
      if (stop_signal) text += " (stopped with " + signal_name(stop_signal) + ")";
      break;
    case Kind::stopped:
      text = who + " was stopped on request after " + seconds_text(seconds);
      if (stop_signal) text += " (with " + signal_name(stop_signal) + ")";
      break;
    case Kind::failed_to_start:
      return who + " failed to start: " + error;
  }
  if (!error.empty()) text += ": " + error;
  return text;
}

Environment current_environment() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

Environment current_environment(const Environment& overrides) {
  Environment env = current_environment();
  for (const auto& [k, v] : overrides) env[k] = v;
  return env;
}

std::optional<std::filesystem::path> find_program(const std::string& name,
                                                  const std::string& path_list) {
  auto usable = [](const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
  };
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string::npos) {
    std::error_code ec;
    auto p = std::filesystem::absolute(name, ec);
    if (!ec && usable(p)) return p;
    return std::nullopt;
  }
  std::string_view rest(path_list);
  for (;;) {
    const auto colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (dir.empty()) dir = ".";
    auto candidate = std::filesystem::path(dir) / name;
    if (usable(candidate)) return candidate;
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

Outcome run_process(const ProcessSpec& spec, const std::function<bool()>& should_stop,
                    const std::function<void(pid_t)>& on_start) {
  Outcome outcome;
  if (spec.argv.empty() || spec.argv.front().empty()) {
    outcome.error = "empty argv: give at least the program to run";
    return outcome;
  }
  outcome.program = spec.argv.front();
  // The caller (runner/pipeline/tool_runner.cc) logs the start and the outcome to the job's log at
  // info level; here they are debug, so that the console does not show each twice.
  spdlog::debug("run: {}{}{}", loggable(spec.argv),
               spec.cwd.empty() ? "" : " (in " + spec.cwd.string() + ")",
               spec.timeout.count() ? " (limit " + seconds_text(spec.timeout.count() / 1000.0) + ")"
                                    : "");

  ProcessGroup group;
  const auto start = Clock::now();
  if (std::string error = group.spawn(spec); !error.empty()) {
    outcome.error = error;
    spdlog::debug("{}", outcome.describe());
    return outcome;
  }
  spdlog::debug("{} started as pid {} (own process group)", outcome.program, group.pid());
  if (on_start) on_start(group.pid());

  // Layer 2: the wait loop.
  enum class Reason { none, timeout, stop } reason = Reason::none;
  const bool has_deadline = spec.timeout.count() > 0;
  const auto deadline = start + spec.timeout;
  while (!group.try_reap()) {
    if (should_stop && should_stop()) {
      reason = Reason::stop;
      break;
    }
    auto step = kPollStep;
    if (has_deadline) {
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
      if (left <= milliseconds(0)) {
        reason = Reason::timeout;
        break;
      }
      step = std::min(step, left);
    }
    group.pause(step);
  }
  if (reason != Reason::none) {
    spdlog::info("{} (pid {}): {}; stopping its process group", outcome.program, group.pid(),
                 reason == Reason::timeout ? "wall-clock limit reached" : "stop requested");
    group.stop_leader(spec);
  }
  const int escalated = group.last_signal();
  group.drain_group(escalated == SIGKILL ? SIGKILL : SIGTERM, spec.term_grace, spec.kill_wait);

  outcome.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  outcome.stop_signal = group.last_signal();
  outcome.error = group.note();
  outcome.peak_rss_kb = group.peak_rss_kb();
  outcome.cpu_seconds = group.cpu_seconds();
  const int st = group.status();
  if (st != -1 && WIFEXITED(st)) outcome.exit_code = WEXITSTATUS(st);
  if (st != -1 && WIFSIGNALED(st)) outcome.signal = WTERMSIG(st);
  if (reason == Reason::timeout) {
    outcome.kind = Outcome::Kind::timed_out;
  } else if (reason == Reason::stop) {
    outcome.kind = Outcome::Kind::stopped;
  } else if (outcome.signal != 0) {
    outcome.kind = Outcome::Kind::signalled;
  } else {
    outcome.kind = Outcome::Kind::exited;
  }
  spdlog::debug("{}", outcome.describe());
  return outcome;
}

}  // namespace qmnmr::container
