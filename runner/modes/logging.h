// Logging set-up through spdlog: readable lines on a terminal, or one JSON
// object per line (--log-format json / QMNMR_LOG_FORMAT=json) for containers
// and log shippers. Also a JSON-lines file sink for each job's logs/job.log.
#pragma once
#include <filesystem>
#include <memory>
#include <string>

#include <spdlog/sinks/sink.h>
#include <spdlog/spdlog.h>

namespace qmnmr::runner {

// Replaces the default logger: stderr, text or JSON, at the given level.
void setup_logging(const std::string& format, const std::string& level);

// A sink appending JSON lines to `path` (created with its folder).
std::shared_ptr<spdlog::sinks::sink> make_json_file_sink(const std::filesystem::path& path);

// A logger for one job: everything the default logger shows, plus JSON
// lines appended to `job_log` (the job's logs/job.log).
std::shared_ptr<spdlog::logger> make_job_logger(const std::filesystem::path& job_log);

}  // namespace qmnmr::runner
