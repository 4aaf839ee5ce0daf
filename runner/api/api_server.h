// ApiServer: `qmnmr serve`'s HTTP server (cpp-httplib, Debian's
// libcpp-httplib-dev: a thread pool of blocking handlers, which is all a front
// end of an SQLite queue needs, without Boost.Beast's asynchronous plumbing).
// Routes: the reference service's REST API under /api/v1 (jobs, upload,
// status, results, downloads, cancel, list, solvents), /health and
// /health/ready, and the web page (/, /submit, /status/{id}, /results/{id}).
// It only reads the job store and queues or cancels jobs - it never runs a
// chemistry program - so it answers while the workers are busy. Each handler
// thread opens its own queue connection.
#pragma once
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "runner/api/submission.h"

namespace qmnmr::api {

struct ApiOptions {
  std::filesystem::path data_root;
  // Required as `Authorization: Bearer <token>` (or the page's token field) to
  // submit and cancel; empty: no token asked.
  std::string token;
  size_t max_body_bytes = 4 * 1024 * 1024;  // larger requests get 413
  std::chrono::seconds worker_max_age{60};  // /health/ready: a heartbeat this fresh
  SubmissionDefaults defaults;
};

class ApiServer {
 public:
  explicit ApiServer(ApiOptions options);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Binds host:port (port 0: a free one) and returns the port. Throws
  // std::runtime_error naming the address when it cannot.
  int bind(const std::string& host, int port);
  // Serves until stop(); returns false when the socket failed.
  bool run();
  // Stops run() from any thread (requests in flight finish).
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qmnmr::api
