// The plan inside a real limited process: makes child cgroups (cgroup v1 on this machine:
// cpu and memory; v2 where the host is unified) with a 1.5-CPU quota and a 3 GiB limit,
// moves a forked child into them, and asserts what the library, and `qmnmr plan --json`
// when the binary supports it, report there. Where cgroups cannot be made the test says
// so: it fails when CI is set and skips otherwise.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "runner/resources/cgroup.h"
#include "runner/resources/resource_plan.h"

extern char** environ;

namespace qmnmr::runner {
namespace {

namespace fs = std::filesystem;
constexpr std::uint64_t kGiB = 1ULL << 30;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

bool write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p);
  out << text;
  out.flush();
  return static_cast<bool>(out);
}

void fail_or_skip(const std::string& why) {
  if (std::getenv("CI")) {
    FAIL() << why << " (CI is set, so this fails instead of skipping)";
  }
  GTEST_SKIP() << why;
}

// A cgroup directory this test made; rmdir on destruction (retrying while the kernel
// finishes tearing the exited child out of it).
struct TestCgroup {
  fs::path dir;
  ~TestCgroup() {
    if (dir.empty()) return;
    for (int i = 0; i < 50; ++i) {
      if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
};

// Where this process sits in a v1 controller's hierarchy.
std::optional<fs::path> v1_dir(const std::vector<ProcCgroupEntry>& entries,
                               const std::string& controller) {
  for (const auto& e : entries) {
    for (const auto& c : e.controllers) {
      if (c != controller) continue;
      std::string joined;
      for (const auto& x : e.controllers) joined += (joined.empty() ? "" : ",") + x;
      for (const auto& name : {joined, controller}) {
        const fs::path mount = fs::path("/sys/fs/cgroup") / name;
        if (fs::is_directory(mount)) {
          const fs::path leaf = mount / fs::path(e.path).relative_path();
          return fs::is_directory(leaf) ? leaf : mount;
        }
      }
    }
  }
  return std::nullopt;
}

// Environment without anything that would override the plan.
std::vector<std::string> clean_environment() {
  std::vector<std::string> out;
  for (char** e = environ; *e; ++e) {
    const std::string kv = *e;
    if (kv.rfind("QMNMR_", 0) == 0 || kv.rfind("SLURM_", 0) == 0 ||
        kv.rfind("NWCHEM_NPROC=", 0) == 0) {
      continue;
    }
    out.push_back(kv);
  }
  return out;
}

// Runs argv (no shell) with stdout to `out`; returns the exit status or -1.
int run_to_file(const std::vector<std::string>& argv, const fs::path& out) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  auto env_strings = clean_environment();
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ResourcesRealCgroup, OneAndAHalfCpusAnd3GiB) {
  const std::string self = slurp("/proc/self/cgroup");
  const auto entries = parse_proc_cgroup(self);
  const std::string name = "qmnmr-test-" + std::to_string(::getpid());
  const bool unified = fs::exists("/sys/fs/cgroup/cgroup.controllers");

  TestCgroup cpu_cg, mem_cg;
  std::vector<fs::path> procs_files;
  if (unified) {
    // v2: a sibling of our own leaf (a cgroup with processes cannot have limited children),
    // with cpu and memory enabled in the parent's subtree_control.
    std::string path = "/";
    for (const auto& e : entries) {
      if (e.hierarchy == 0) path = e.path;
    }
    const fs::path parent = fs::path("/sys/fs/cgroup") / fs::path(path).relative_path().parent_path();
    write_file(parent / "cgroup.subtree_control", "+cpu +memory");
    cpu_cg.dir = parent / name;
    if (::mkdir(cpu_cg.dir.c_str(), 0755) != 0) {
      const std::string why = "cannot make cgroup " + cpu_cg.dir.string() + ": " +
                              std::strerror(errno);
      cpu_cg.dir.clear();
      return fail_or_skip(why);
    }
    if (!write_file(cpu_cg.dir / "cpu.max", "150000 100000") ||
        !write_file(cpu_cg.dir / "memory.max", std::to_string(3 * kGiB))) {
      return fail_or_skip("cannot write cpu.max/memory.max in " + cpu_cg.dir.string() +
                          " (controllers not delegated)");
    }
    procs_files.push_back(cpu_cg.dir / "cgroup.procs");
  } else {
    const auto cpu_parent = v1_dir(entries, "cpu");
    const auto mem_parent = v1_dir(entries, "memory");
    if (!cpu_parent || !mem_parent) {
      return fail_or_skip("no cgroup v1 cpu and memory hierarchies under /sys/fs/cgroup");
    }
    cpu_cg.dir = *cpu_parent / name;
    mem_cg.dir = *mem_parent / name;
    for (auto* cg : {&cpu_cg, &mem_cg}) {
      if (::mkdir(cg->dir.c_str(), 0755) != 0) {
        const std::string why =
            "cannot make cgroup " + cg->dir.string() + ": " + std::strerror(errno);
        cg->dir.clear();
        return fail_or_skip(why);
      }
    }
    if (!write_file(cpu_cg.dir / "cpu.cfs_period_us", "100000") ||
        !write_file(cpu_cg.dir / "cpu.cfs_quota_us", "150000") ||
        !write_file(mem_cg.dir / "memory.limit_in_bytes", std::to_string(3 * kGiB))) {
      return fail_or_skip("cannot write the quota or limit in " + cpu_cg.dir.string() + " / " +
                          mem_cg.dir.string());
    }
    procs_files.push_back(cpu_cg.dir / "cgroup.procs");
    procs_files.push_back(mem_cg.dir / "cgroup.procs");
  }

  const fs::path out_dir = fs::path(testing::TempDir()) / name;
  fs::create_directories(out_dir);
  const fs::path lib_json = out_dir / "library.json";
  const fs::path cli_json = out_dir / "cli.json";
  const fs::path child_error = out_dir / "error.txt";
  const fs::path cli_status = out_dir / "cli_status.txt";

  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Child: move in, then plan. No gtest assertions here: results go to files.
    for (const auto& procs : procs_files) {
      if (!write_file(procs, std::to_string(::getpid()))) {
        write_file(child_error, "cannot write my pid to " + procs.string());
        ::_exit(2);
      }
    }
    try {
      const auto plan = make_plan(read_plan_inputs(SystemRoots{}, {}));
      write_file(lib_json, plan.to_json().dump(2));
    } catch (const std::exception& e) {
      write_file(child_error, e.what());
      ::_exit(3);
    }
    const std::string binary = QMNMR_BINARY;
    int status = -2;  // -2: no binary
    if (::access(binary.c_str(), X_OK) == 0) {
      status = run_to_file({binary, "plan", "--json"}, cli_json);
    }
    write_file(cli_status, std::to_string(status));
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0) << slurp(child_error);

  const auto lib = nlohmann::json::parse(slurp(lib_json));
  SCOPED_TRACE(lib.dump(2));
  EXPECT_EQ(lib["cpus"], 1);
  EXPECT_EQ(lib["ranks"], 1);
  EXPECT_EQ(lib["omp_threads"], 1);
  EXPECT_EQ(lib["threads_per_rank"], 1);
  EXPECT_LE(lib["memory_bytes"].get<std::uint64_t>(), 3 * kGiB);
  EXPECT_GE(lib["memory_bytes"].get<std::uint64_t>(), 3 * kGiB - (64ULL << 20));
  EXPECT_LT(lib["ranks"].get<int>() * lib["nwchem_memory_mb_per_rank"].get<int>(), 3072);
  EXPECT_GE(lib["nwchem_memory_mb_per_rank"].get<int>(), 256);
  EXPECT_TRUE(lib["ok"].get<bool>());
  EXPECT_DOUBLE_EQ(lib["inputs"]["cgroup"]["cpu_quota"].get<double>(), 1.5);
  EXPECT_NE(lib["inputs"]["cgroup"]["cpu_quota_source"].get<std::string>().find(name),
            std::string::npos);

  const int cli = std::stoi(slurp(cli_status));
  if (cli == -2) {
    std::cout << "note: " << QMNMR_BINARY << " not built; only the library was checked\n";
  } else if (cli != 0) {
    std::cout << "note: `qmnmr plan --json` exited " << cli
              << " (not wired yet?); only the library was checked\n";
  } else {
    const auto j = nlohmann::json::parse(slurp(cli_json));
    SCOPED_TRACE("qmnmr plan --json: " + j.dump(2));
    EXPECT_EQ(j["ranks"], 1);
    EXPECT_EQ(j["cpus"], 1);
    EXPECT_LE(j["memory_bytes"].get<std::uint64_t>(), 3 * kGiB);
    EXPECT_LT(j["ranks"].get<int>() * j["nwchem_memory_mb_per_rank"].get<int>(), 3072);
  }
  fs::remove_all(out_dir);
}

}  // namespace
}  // namespace qmnmr::runner
