// Supervisor: the only place in qmnmr that starts programs. Runs one argv
// (never a shell) in its own process group with a cwd, an environment, stdout
// and stderr in files and a wall-clock limit, stops the whole group with
// SIGINT -> SIGTERM -> SIGKILL, and reports exactly one outcome.
//
// Three layers, all in supervisor.cc:
//  1. spawn: fork + execve. Everything the child needs (argv, envp, the
//     resolved path, the fds) is built before fork(); the child then makes
//     only async-signal-safe system calls: setsid() (a new session and so a
//     new process group, sid = pgid = child pid, set before exec: there is
//     no window where the group is unknown), prctl(PR_SET_PDEATHSIG,
//     SIGKILL) (the program dies with the worker: a kill -9 of the worker
//     leaves no orphan; mpirun's ranks abort within seconds once mpirun is
//     gone), default dispositions for every signal and an empty mask, stdin
//     from /dev/null, stdout/stderr dup2'ed from files the parent opened (so
//     an error names the file), chdir, execve. A failed chdir/exec comes back
//     through a close-on-exec pipe as an error text. The pid is registered
//     in ChildRegistry (reaper.h) while it is spawned, so reap_orphans()
//     never steals its exit status. PDEATHSIG fires when the *thread* that
//     forked exits; run_process waits for its child on that very thread, so
//     that thread only ends before the child when the whole worker dies.
//  2. wait loop: waits on a pidfd (poll, at most 100 ms at a time; a plain
//     100 ms sleep where pidfd_open is missing), reaps only its own pid with
//     waitpid(pid, WNOHANG), polls `should_stop` and the deadline.
//  3. stop escalation: SIGINT, wait `int_grace`; SIGTERM, wait `term_grace`;
//     SIGKILL. Each signal goes to the process group *and* to every other
//     process of the session: Open MPI 4's mpirun puts each rank in a process
//     group of its own, but the ranks stay in mpirun's session. After the
//     leader is reaped, whatever is left of the group or session (background
//     jobs of a script, ranks of a killed mpirun) gets SIGTERM then SIGKILL,
//     and the supervisor waits until none is left (kill(-pgid, 0) == ESRCH
//     and no /proc entry with that session), reaping members reparented to
//     us (subreaper / PID 1; the worker calls become_subreaper() at start).
//     A descendant that calls setsid() itself escapes; none of our tools do.
//
// Why fork + execve and not posix_spawn or Boost.Process 1.74: posix_spawn
// has no attribute for PR_SET_PDEATHSIG, and without it a kill -9 of the
// worker left mpirun (in its own session) and the NWChem ranks running as
// orphans. The child code above is the classic safe pattern for a
// multithreaded parent (no allocator or locks after fork). Boost.Process 1.74
// runs its initialisers in the child, its child::wait_for is known to
// misbehave, its destructor terminates the child, and it waits on the pid
// itself, which would give the exit status two owners next to reap_orphans().
#pragma once
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qmnmr::container {

using Environment = std::map<std::string, std::string>;

// How an output file is opened: truncate and append create it with mode 0644
// when missing; create_private only ever creates a new file (O_EXCL |
// O_NOFOLLOW, mode 0600), so a name that exists - a symlink planted there
// included - fails to start the program instead of being followed.
enum class OutputMode { truncate, append, create_private };

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0]: a path, or a name looked up in PATH of `env`
  std::filesystem::path cwd;      // empty: the worker's own cwd
  std::optional<Environment> env; // nullopt: the worker's environment; else exactly this
  std::filesystem::path stdout_path;  // empty: inherit the worker's stdout
  std::filesystem::path stderr_path;  // empty: inherit; equal to stdout_path: one shared file
  OutputMode output_mode = OutputMode::truncate;
  std::chrono::milliseconds timeout{0};  // wall-clock limit; 0 = none
  std::chrono::milliseconds int_grace{5000};   // after SIGINT, before SIGTERM
  std::chrono::milliseconds term_grace{5000};  // after SIGTERM, before SIGKILL
  std::chrono::milliseconds kill_wait{10000};  // after SIGKILL, before giving up on the group
};

struct Outcome {
  enum class Kind { exited, signalled, timed_out, stopped, failed_to_start };
  Kind kind = Kind::failed_to_start;
  std::string program;  // argv[0] as given
  int exit_code = -1;   // the leader's exit code when it exited, else -1
  int signal = 0;       // the signal that ended the leader, else 0
  int stop_signal = 0;  // the last signal the escalation sent to the group, else 0
  double seconds = 0;   // wall time from spawn until the group was gone
  // Peak resident memory (wait4's ru_maxrss) of the largest process among the
  // leader and the descendants it reaped - for mpirun, its largest rank. 0 when
  // the leader's status was lost.
  long peak_rss_kb = 0;
  // CPU seconds (user + system) of the leader and the descendants it reaped -
  // for mpirun, every rank. 0 when the leader's status was lost.
  double cpu_seconds = 0;
  std::string error;    // failed_to_start: why; otherwise notes (leftover group, lost status)

  // True only when the program exited with code 0.
  bool ok() const { return kind == Kind::exited && exit_code == 0; }
  // One line for logs and status.json, e.g. "xtb exited with code 1 after 2.3 s".
  std::string describe() const;
};

const char* to_string(Outcome::Kind kind);

// Runs `spec` to the end. `should_stop` is polled about every 100 ms from the
// calling thread; when it returns true the group is stopped with escalation
// and the outcome is `stopped`. `on_start(pid)` is called once, right after
// the child is spawned (the heartbeat reports that pid). Failures to start are
// outcomes, not exceptions; exceptions thrown by the callbacks propagate after
// the group has been killed and reaped.
Outcome run_process(const ProcessSpec& spec, const std::function<bool()>& should_stop = {},
                    const std::function<void(pid_t)>& on_start = {});

// The current process environment as a map.
Environment current_environment();

// current_environment() with `overrides` applied (an override replaces).
Environment current_environment(const Environment& overrides);

// Resolves argv[0] as exec would: a name with a '/' is taken as a path
// (relative to the worker's cwd), otherwise it is searched in `path_list`
// (colon-separated). Returns nullopt when nothing executable is found.
std::optional<std::filesystem::path> find_program(const std::string& name,
                                                  const std::string& path_list);

}  // namespace qmnmr::container
