// Runs the argv and environment that mpi_launch builds, for real: a water HF/STO-3G
// energy with NWChem under mpirun, with the plan's ranks capped at 2. Shows that the
// produced command line starts NWChem on the planned number of ranks.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <fstream>
#include <regex>
#include <sstream>

#include "runner/resources/mpi_launch.h"
#include "runner/resources/resource_plan.h"
#include "runner/resources/shm_check.h"

extern char** environ;

namespace qmnmr::runner {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

// Spawns argv in `cwd` with the current environment plus `extra`, stdout+stderr to `log`.
int run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra,
        const fs::path& cwd, const fs::path& log) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    const std::string kv = *e;
    if (extra.count(kv.substr(0, kv.find('=')))) continue;
    env_strings.push_back(kv);
  }
  for (const auto& [k, v] : extra) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) ::_exit(126);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::setpgid(0, 0);
    ::execvpe(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  if (pid < 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(ResourcesMpiLaunch, PlannedRanksRunNwchem) {
  PlanInputs in = read_plan_inputs(SystemRoots{}, {});
  ResourcePlan plan = make_plan(in);
  ASSERT_TRUE(plan.ok) << plan.refusal;
  plan.ranks = std::min(plan.ranks, 2);  // keep the test small on a shared machine
  plan.threads_per_rank = std::max(1, plan.cpus / plan.ranks);
  const auto verdict = check_shm("/dev/shm", plan.ranks);
  ASSERT_TRUE(verdict.ok) << verdict.message;
  plan.ranks = verdict.ranks_allowed;

  const fs::path dir = fs::path(testing::TempDir()) / ("qmnmr-mpi-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "scratch");
  std::ofstream(dir / "water.nw")
      << "start water\n"
      << "scratch_dir " << (dir / "scratch").string() << "\n"
      << "permanent_dir " << (dir / "scratch").string() << "\n"
      << "memory total " << std::min(plan.nwchem_memory_mb_per_rank, 200) << " mb\n"
      << "geometry units angstrom noautosym\n"
      << " O 0.000 0.000 0.117\n H 0.000 0.757 -0.469\n H 0.000 -0.757 -0.469\nend\n"
      << "basis\n * library sto-3g\nend\n"
      << "scf\n singlet\n rhf\nend\n"
      << "task scf energy\n";

  const auto argv = nwchem_launch_argv(plan, dir / "water.nw", LaunchMode::mpirun);
  const auto env = mpi_environment(plan, ::geteuid() == 0);
  const fs::path log = dir / "nwchem.log";
  const int rc = run(argv, env, dir, log);
  const std::string out = slurp(log);
  ASSERT_EQ(rc, 0) << out.substr(out.size() > 4000 ? out.size() - 4000 : 0);
  EXPECT_THAT(out, HasSubstr("Total SCF energy"));
  std::smatch m;
  const std::regex energy(R"(Total SCF energy =\s+(-?[0-9.]+))");
  ASSERT_TRUE(std::regex_search(out, m, energy));
  EXPECT_NEAR(std::stod(m[1]), -74.9629, 1e-3);
  const std::regex nproc(R"(nproc\s+=\s+([0-9]+))");
  ASSERT_TRUE(std::regex_search(out, m, nproc)) << "NWChem did not print nproc";
  EXPECT_EQ(std::stoi(m[1]), plan.ranks);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace qmnmr::runner
