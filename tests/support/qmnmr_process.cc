// Test-only: fork/exec of the qmnmr binary with argv only, files for its
// output, and the per-test folders and shared TMS cache the tests use.
#include "support/qmnmr_process.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace qmnmr::testing {
namespace fs = std::filesystem;

fs::path qmnmr_binary() { return fs::path(QMNMR_BINARY); }

fs::path shared_reference_dir() { return qmnmr_binary().parent_path() / "test-reference"; }

std::map<std::string, std::optional<std::string>> base_environment(const fs::path& dir) {
  std::map<std::string, std::optional<std::string>> env;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    if (kv.rfind("QMNMR_", 0) == 0) env[kv.substr(0, kv.find('='))] = std::nullopt;
  }
  env["QMNMR_REFERENCE_DIR"] = shared_reference_dir().string();
  env["QMNMR_DATA"] = (dir / "data").string();
  return env;
}

pid_t start_qmnmr(const QmnmrLaunch& launch) {
  // Everything the child needs is built before fork: only async-signal-safe
  // calls after it.
  std::map<std::string, std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : launch.env) {
    if (v) env[k] = *v;
    else env.erase(k);
  }
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string program = qmnmr_binary().string();
  std::vector<std::string> args{program};
  args.insert(args.end(), launch.args.begin(), launch.args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string cwd = launch.cwd.string(), out = launch.stdout_path.string(),
              err = launch.stderr_path.string();

  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    int in = open("/dev/null", O_RDONLY);
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (in < 0 || o < 0 || e < 0) _exit(126);
    dup2(in, 0);
    dup2(o, 1);
    dup2(e, 2);
    execve(program.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  setpgid(pid, pid);  // also from the parent, so a kill right away finds the group
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

QmnmrOutcome run_qmnmr(const std::vector<std::string>& args, const fs::path& dir,
                       const std::map<std::string, std::optional<std::string>>& env,
                       const std::string& tag) {
  QmnmrLaunch launch;
  launch.args = args;
  launch.cwd = dir;
  launch.stdout_path = dir / (tag + ".stdout");
  launch.stderr_path = dir / (tag + ".stderr");
  launch.env = base_environment(dir);
  for (const auto& [k, v] : env) launch.env[k] = v;
  QmnmrOutcome outcome;
  pid_t pid = start_qmnmr(launch);
  if (pid < 0) return outcome;
  outcome.exit_code = wait_exit(pid);
  outcome.out = slurp(launch.stdout_path);
  outcome.err = slurp(launch.stderr_path);
  return outcome;
}

std::vector<pid_t> processes_tagged(const std::string& tag) {
  std::vector<pid_t> pids;
  const std::string want = "QMNMR_TEST_TAG=" + tag;
  DIR* proc = opendir("/proc");
  if (!proc) return pids;
  while (dirent* d = readdir(proc)) {
    char* end = nullptr;
    long pid = std::strtol(d->d_name, &end, 10);
    if (pid <= 0 || *end != '\0' || pid == getpid()) continue;
    std::string base = std::string("/proc/") + d->d_name;
    std::string stat = slurp(base + "/stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos || close + 2 >= stat.size() || stat[close + 2] == 'Z') continue;
    std::string environ_text = slurp(base + "/environ");
    size_t start = 0;
    while (start < environ_text.size()) {
      size_t nul = environ_text.find('\0', start);
      if (nul == std::string::npos) nul = environ_text.size();
      if (environ_text.compare(start, nul - start, want) == 0) {
        pids.push_back(static_cast<pid_t>(pid));
        break;
      }
      start = nul + 1;
    }
  }
  closedir(proc);
  return pids;
}

}  // namespace qmnmr::testing
