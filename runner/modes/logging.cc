// spdlog sinks: text for terminals, JSON lines for machines.
#include "runner/modes/logging.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace qmnmr::runner {
namespace {

std::string iso_time(spdlog::log_clock::time_point tp) {
  auto t = spdlog::log_clock::to_time_t(tp);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(tp.time_since_epoch()).count() %
            1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

std::string json_line(const spdlog::details::log_msg& msg) {
  nlohmann::json j;
  j["time"] = iso_time(msg.time);
  j["level"] = std::string(spdlog::level::to_string_view(msg.level).data(),
                           spdlog::level::to_string_view(msg.level).size());
  j["pid"] = static_cast<int>(::getpid());
  j["msg"] = std::string(msg.payload.data(), msg.payload.size());
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// Writes JSON lines to a FILE* (stderr) or to a file it owns.
class JsonSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit JsonSink(std::FILE* out) : out_(out) {}
  explicit JsonSink(const std::filesystem::path& path) : file_(path, std::ios::app) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    auto line = json_line(msg);
    if (out_) std::fwrite(line.data(), 1, line.size(), out_);
    else file_ << line;
  }
  void flush_() override {
    if (out_) std::fflush(out_);
    else file_.flush();
  }

 private:
  std::FILE* out_ = nullptr;
  std::ofstream file_;
};

}  // namespace

void setup_logging(const std::string& format, const std::string& level) {
  std::shared_ptr<spdlog::sinks::sink> sink;
  if (format == "json") {
    sink = std::make_shared<JsonSink>(stderr);
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    sink->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
  }
  auto logger = std::make_shared<spdlog::logger>("qmnmr", sink);
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

std::shared_ptr<spdlog::sinks::sink> make_json_file_sink(const std::filesystem::path& path) {
  std::filesystem::create_directories(path.parent_path());
  return std::make_shared<JsonSink>(path);
}

std::shared_ptr<spdlog::logger> make_job_logger(const std::filesystem::path& job_log) {
  auto base = spdlog::default_logger();
  std::vector<spdlog::sink_ptr> sinks(base->sinks().begin(), base->sinks().end());
  sinks.push_back(make_json_file_sink(job_log));
  auto logger = std::make_shared<spdlog::logger>("job", sinks.begin(), sinks.end());
  logger->set_level(base->level());
  logger->flush_on(spdlog::level::info);
  return logger;
}

}  // namespace qmnmr::runner
