// ApiServer: routes, authentication, errors as problems, per-thread queues.
#include "runner/api/api_server.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <optional>

#include <spdlog/spdlog.h>

#include "chem/presets.h"
#include "chem/solvents.h"
#include "container/health.h"
#include "queue/error.h"
#include "queue/job_id.h"
#include "queue/job_queue.h"
#include "queue/job_status.h"
#include "queue/job_store.h"
#include "queue/job_submission.h"
#include "queue/json_limits.h"
#include "runner/api/job_files.h"
#include "runner/api/job_view.h"
#include "runner/api/metrics.h"
#include "runner/api/problem.h"
#include "runner/api/web_pages.h"

namespace qmnmr::api {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 200;  // a larger limit is 422: page with offset
constexpr int kRecentJobsOnPage = 20;

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(2) + "\n", "application/json");
}

void send_problem(httplib::Response& res, const ApiProblem& p) {
  if (p.status == 401) res.set_header("WWW-Authenticate", "Bearer");
  send_json(res, p.status, problem_json(p));
}

// Constant time in the length of the presented token.
bool same_token(const std::string& given, const std::string& expected) {
  unsigned diff = given.size() == expected.size() ? 0u : 1u;
  for (size_t i = 0; i < given.size(); ++i)
    diff |= static_cast<unsigned char>(given[i]) ^
            static_cast<unsigned char>(expected[i % std::max<size_t>(1, expected.size())]);
  return diff == 0;
}

std::optional<std::string> bearer(const httplib::Request& req) {
  const std::string h = req.get_header_value("Authorization");
  if (h.rfind("Bearer ", 0) != 0) return std::nullopt;
  return h.substr(7);
}

// "host:port" in lower case from "host", "host:port", "[v6]" or "[v6]:port",
// with `default_port` when none is given.
std::string normalised_authority(std::string authority, const std::string& default_port) {
  for (char& c : authority) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string host = authority, port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close != std::string::npos) {
      host = authority.substr(0, close + 1);
      if (close + 1 < authority.size() && authority[close + 1] == ':')
        port = authority.substr(close + 2);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  return host + ":" + (port.empty() ? default_port : port);
}

// Where an Origin or Referer says a request came from: its normalised
// authority and the default port of its scheme; nullopt for anything that is
// no http(s) URL (an Origin of "null" above all).
struct Sender {
  std::string authority;
  std::string default_port;
};
std::optional<Sender> sender_of(const std::string& url) {
  const bool https = url.rfind("https://", 0) == 0;
  if (!https && url.rfind("http://", 0) != 0) return std::nullopt;
  const std::string default_port = https ? "443" : "80";
  const size_t start = https ? 8 : 7;
  const auto end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? end : end - start);
  if (const auto at = authority.rfind('@'); at != std::string::npos)
    authority = authority.substr(at + 1);
  if (authority.empty()) return std::nullopt;
  return Sender{normalised_authority(authority, default_port), default_port};
}

// A state-changing request without a token: a browser names the page that
// sent it in Origin (or, failing that, Referer); curl and scripts send
// neither. One sent from another site's page - a form there posting here - is
// refused, so that no page elsewhere can submit or cancel through a visitor's
// browser.
void require_same_site(const httplib::Request& req) {
  const bool has_origin = req.has_header("Origin");
  if (!has_origin && !req.has_header("Referer")) return;
  const std::string header = has_origin ? "Origin" : "Referer";
  const std::string sent = req.get_header_value(header.c_str());
  const std::string host = req.get_header_value("Host");
  const auto sender = sender_of(sent);
  if (sender && !host.empty() &&
      sender->authority == normalised_authority(host, sender->default_port))
    return;
  throw ApiProblem(
      403, "cross-site-request", "Cross-Site Request Refused",
      "this request's " + header + " header ('" + sent.substr(0, 200) +
          "') is not this server ('" + host.substr(0, 200) +
          "'): without QMNMR_API_TOKEN, jobs are submitted and cancelled only from this "
          "server's own page or by clients that send no Origin (curl, scripts), so that no "
          "other site's page can do it through a visitor's browser; submit from this server's "
          "page, or start the server with QMNMR_API_TOKEN and send 'Authorization: Bearer "
          "<token>'");
}

std::optional<int> int_param(const httplib::Request& req, const char* key, int low, int high) {
  if (!req.has_param(key)) return std::nullopt;
  const auto n = whole_number(req.get_param_value(key));
  if (!n || *n < low || *n > high)
    throw ApiProblem(422, "invalid-" + std::string(key), "Invalid value for '" + std::string(key) + "'",
                     std::string(key) + " must be a whole number from " + std::to_string(low) +
                         " to " + std::to_string(high),
                     key);
  return n;
}

}  // namespace

struct ApiServer::Impl {
  ApiOptions options;
  queue::JobStore store;
  httplib::Server server;
  RequestStats request_stats;  // /metrics: what this process answered

  explicit Impl(ApiOptions o) : options(std::move(o)), store(options.data_root) {
    store.ensure_layout();
    { queue::JobQueue schema(store.queue_db_path()); }  // created or migrated once, here
    routes();
  }

  // This handler thread's connection to the queue.
  queue::JobQueue& jobs() {
    thread_local std::map<fs::path, std::unique_ptr<queue::JobQueue>> open;
    auto& q = open[store.queue_db_path()];
    if (!q) q = std::make_unique<queue::JobQueue>(store.queue_db_path());
    return *q;
  }

  // Every route that submits or cancels: the token when the server has one,
  // else a request from this server's own page or from no browser at all.
  void require_token(const httplib::Request& req, const std::string& form_token = {}) {
    if (options.token.empty()) return require_same_site(req);
    const auto given = bearer(req);
    if (given && same_token(*given, options.token)) return;
    if (!form_token.empty() && same_token(form_token, options.token)) return;
    throw ApiProblem(401, "unauthorized", "Unauthorized",
                     given ? "the bearer token is not this server's; use the value of "
                             "QMNMR_API_TOKEN the server was started with"
                           : "this server needs a token to submit or cancel: send "
                             "'Authorization: Bearer <QMNMR_API_TOKEN>'");
  }

  json status_or_404(const std::string& id) {
    try {
      queue::validate_job_id(id);
    } catch (const queue::QueueError&) {
      throw job_not_found(id);
    }
    auto status = queue::job_status(store, jobs(), id);
    if (!status) throw job_not_found(id);
    return *status;
  }

  json submit(const Submission& s) {
    const auto id = queue::submit_job(store, jobs(), s.request.to_json(), s.priority,
                                      {{"molecule", {{"canonical_smiles", s.canonical_smiles}}}});
    spdlog::info("api: queued job {} ({})", id, s.request.molecule.format ==
                                                        chem::MoleculeInput::Format::smiles
                                                    ? s.request.molecule.text
                                                    : "uploaded file");
    return job_status_response(status_or_404(id));
  }

  void accepted(httplib::Response& res, const json& view) {
    const std::string id = view.value("job_id", std::string());
    res.set_header("Location", "/api/v1/jobs/" + id);
    res.set_header("Retry-After", "30");
    send_json(res, 202, view);
  }

  static std::map<std::string, std::string> form_fields(const httplib::Request& req,
                                                        std::optional<UploadedFile>* file) {
    std::map<std::string, std::string> fields;
    if (req.is_multipart_form_data()) {
      for (const auto& [name, part] : req.files) {
        if (name == "file") {
          if (file && !part.content.empty()) *file = UploadedFile{part.filename, part.content};
        } else {
          fields[name] = part.content;
        }
      }
    } else {
      for (const auto& [name, value] : req.params) fields[name] = value;
    }
    return fields;
  }

  // A handler that answers problems as JSON.
  template <class F>
  httplib::Server::Handler api(F f) {
    return [this, f](const httplib::Request& req, httplib::Response& res) {
      try {
        f(req, res);
      } catch (const ApiProblem& p) {
        send_problem(res, p);
      }
    };
  }

  // A page handler: problems become HTML pages with the same status.
  template <class F>
  httplib::Server::Handler page(F f) {
    return [this, f](const httplib::Request& req, httplib::Response& res) {
      try {
        f(req, res);
      } catch (const ApiProblem& p) {
        res.status = p.status;
        res.set_content(error_page(p.title, p.what()), "text/html; charset=utf-8");
      }
    };
  }

  void routes() {
    auto& s = server;
    s.set_payload_max_length(options.max_body_bytes);
    // Small JSON answers: without this, Nagle's algorithm and the client's
    // delayed ACK hold each response ~40 ms.
    s.set_tcp_nodelay(true);
    s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return;
      const bool too_large = res.status == 413;
      ApiProblem p(res.status, too_large ? "payload-too-large" : "not-found",
                   too_large ? "Payload Too Large" : res.status == 404 ? "Not Found" : "Error",
                   too_large ? "the request body is larger than the server accepts "
                               "(--max-body); a molecule file is a few kB"
                             : "no route " + req.method + " " + req.path);
      send_json(res, res.status, problem_json(p));
    });
    s.set_exception_handler([](const httplib::Request& req, httplib::Response& res,
                               std::exception_ptr ep) {
      std::string what = "unknown error";
      try {
        std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      // The internal text (paths, SQL, library messages) goes to the log only;
      // the answer names the log line by its id.
      const std::string error_id = new_error_id();
      spdlog::error("api: {} {} failed (error id {}): {}", req.method, req.path, error_id, what);
      send_json(res, 500, internal_error_json(error_id));
    });
    // A request's latency runs from routing (its headers and body read) to
    // the logger, which httplib calls once the answer is written.
    static thread_local std::chrono::steady_clock::time_point request_began;
    s.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
      request_began = std::chrono::steady_clock::now();
      return httplib::Server::HandlerResponse::Unhandled;
    });
    s.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - request_began).count();
      request_stats.record(req.method, route_label(req.path), res.status, seconds);
      spdlog::debug("api: {} {} -> {}", req.method, req.path, res.status);
    });

    s.Get("/health", [](const httplib::Request&, httplib::Response& res) {
      send_json(res, 200, {{"status", "alive"}});
    });
    s.Get("/health/ready", [this](const httplib::Request&, httplib::Response& res) {
      json checks = json::object();
      bool ready = true;
      std::error_code ec;
      if (fs::is_directory(store.jobs_dir(), ec)) checks["data_directory"] = "ok";
      else ready = false, checks["data_directory"] = "error: " + store.jobs_dir().string() +
                                                     " is not a folder";
      if (ready) try {
          jobs().count_by_state();
          checks["task_queue"] = "ok";
        } catch (const std::exception& e) {
          ready = false;
          checks["task_queue"] = std::string("error: ") + e.what();
        }
      if (ready) {
        auto workers = container::fresh_workers(options.data_root, options.worker_max_age);
        if (workers.empty()) {
          ready = false;
          checks["workers"] = "error: no worker heartbeat in " +
                              (options.data_root / "workers").string() + " newer than " +
                              std::to_string(options.worker_max_age.count()) +
                              " s: start a worker on this data root";
        } else {
          checks["workers"] = "ok";
          checks["worker_count"] = workers.size();
        }
      }
      json body{{"status", ready ? "ready" : "not ready"}, {"checks", checks},
                {"timestamp", queue::iso8601_utc(std::chrono::duration<double>(
                                  std::chrono::system_clock::now().time_since_epoch()).count())}};
      send_json(res, ready ? 200 : 503, body);
    });

    s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
      const double now = std::chrono::duration<double>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
      res.set_content(render_metrics(jobs().figures(), container::read_heartbeats(options.data_root),
                                     request_stats.snapshot(), now, QMNMR_VERSION),
                      "text/plain; version=0.0.4; charset=utf-8");
    });

    auto solvents = [](const httplib::Request&, httplib::Response& res) {
      std::vector<std::string> keys;
      for (const auto& sv : chem::all_solvents()) keys.emplace_back(sv.key);
      std::sort(keys.begin(), keys.end());
      send_json(res, 200, keys);
    };
    s.Get("/api/v1/solvents", solvents);
    s.Get("/api/v1/presets", [](const httplib::Request&, httplib::Response& res) {
      json list = json::array();
      for (const auto& p : chem::all_presets()) list.push_back(chem::preset_to_json(p));
      send_json(res, 200, list);
    });
    s.Get("/api/v1/jobs/solvents", solvents);

    s.Post("/api/v1/jobs", api([this](const httplib::Request& req, httplib::Response& res) {
      require_token(req);
      json body;
      try {
        body = queue::parse_json(req.body, "the request body");
      } catch (const queue::JsonLimitError& e) {
        throw json_limit_problem(e, e.member);
      } catch (const json::exception& e) {
        throw ApiProblem(400, "invalid-json", "Invalid JSON",
                         std::string("the body is not JSON (") + e.what() +
                             "); send {\"smiles\": \"CCO\", \"solvent\": \"chcl3\"}");
      }
      accepted(res, submit(submission_from_json(body, options.defaults)));
    }));
    s.Post("/api/v1/jobs/upload", api([this](const httplib::Request& req, httplib::Response& res) {
      require_token(req);
      if (!req.is_multipart_form_data())
        throw ApiProblem(422, "invalid-upload", "Invalid Upload",
                         "send multipart/form-data with the molecule in the part 'file'", "file");
      std::optional<UploadedFile> file;
      auto fields = form_fields(req, &file);
      if (!file)
        throw ApiProblem(422, "invalid-upload", "Invalid Upload",
                         "the part 'file' (a MOL, SDF or XYZ file) is missing or empty", "file");
      accepted(res, submit(submission_from_form(fields, file, options.defaults)));
    }));
    s.Get("/api/v1/jobs", api([this](const httplib::Request& req, httplib::Response& res) {
      const int limit = int_param(req, "limit", 1, kMaxPageSize).value_or(kDefaultPageSize);
      const int offset = int_param(req, "offset", 0, 1 << 30).value_or(0);
      std::optional<queue::JobState> state;
      if (req.has_param("status")) try {
          state = queue::parse_job_state(req.get_param_value("status"));
        } catch (const queue::QueueError& e) {
          throw ApiProblem(422, "invalid-status", "Invalid value for 'status'", e.what(), "status");
        }
      // One page from SQL, newest first; the total counted there too.
      const auto page = jobs().page(state, static_cast<size_t>(limit), static_cast<size_t>(offset));
      json rows = json::array();
      for (const auto& record : page.jobs) rows.push_back(job_list_row(record));
      send_json(res, 200, {{"jobs", rows}, {"total", page.total}, {"limit", limit},
                           {"offset", offset}});
    }));
    s.Get(R"(/api/v1/jobs/([^/]+))", api([this](const httplib::Request& req, httplib::Response& res) {
      send_json(res, 200, job_status_response(status_or_404(req.matches[1])));
    }));
    s.Get(R"(/api/v1/jobs/([^/]+)/results)",
          api([this](const httplib::Request& req, httplib::Response& res) {
            const std::string id = req.matches[1];
            const json status = status_or_404(id);
            const std::string state = status.value("status", std::string());
            if (state != "complete")
              throw ApiProblem(409, "job-not-complete", "Job Not Complete",
                               "Job '" + id + "' is in '" + state +
                                   "' state. Results available when complete.");
            const json results = results_response(status);
            if (results.is_null())
              throw ApiProblem(404, "results-not-found", "Results Not Found",
                               "Job '" + id + "' completed but no NMR results available.");
            send_json(res, 200, results);
          }));
    s.Get(R"(/api/v1/jobs/([^/]+)/(geometry|geometry\.sdf|nmredata\.sdf|shifts\.csv|output|spectrum/1h\.svg|spectrum/13c\.svg))",
          api([this](const httplib::Request& req, httplib::Response& res) {
            const std::string id = req.matches[1];
            auto d = job_download(store, id, status_or_404(id), req.matches[2]);
            res.set_header("Content-Disposition", "attachment; filename=\"" + d.filename + "\"");
            res.set_content(std::move(d.body), d.content_type.c_str());
          }));
    auto cancel = api([this](const httplib::Request& req, httplib::Response& res) {
      require_token(req);
      const std::string id = req.matches[1];
      status_or_404(id);
      auto r = queue::cancel_job(store, jobs(), id);
      const std::string state = r.state ? std::string(queue::to_string(*r.state)) : "unknown";
      switch (r.outcome) {
        case queue::CancelOutcome::not_found: throw job_not_found(id);
        case queue::CancelOutcome::already_terminal:
          throw ApiProblem(409, "job-already-finished", "Job Already Finished", r.message);
        case queue::CancelOutcome::cancelled:
          spdlog::info("api: cancelled job {}", id);
          send_json(res, 200, {{"job_id", id}, {"status", state}, {"message", r.message}});
          return;
        case queue::CancelOutcome::requested:
        case queue::CancelOutcome::already_requested:
          spdlog::info("api: cancel requested for running job {}", id);
          send_json(res, 202, {{"job_id", id}, {"status", state}, {"message", r.message}});
          return;
      }
    });
    s.Delete(R"(/api/v1/jobs/([^/]+))", cancel);
    s.Post(R"(/api/v1/jobs/([^/]+)/cancel)", cancel);

    // The web page.
    s.Get("/", page([this](const httplib::Request&, httplib::Response& res) {
      res.set_content(submit_page(page_with_jobs({})), "text/html; charset=utf-8");
    }));
    s.Post("/submit", [this](const httplib::Request& req, httplib::Response& res) {
      std::optional<UploadedFile> file;
      auto fields = form_fields(req, &file);
      try {
        auto token = fields.count("token") ? fields["token"] : std::string();
        require_token(req, token);
        auto view = submit(submission_from_form(fields, file, options.defaults));
        res.set_redirect("/status/" + view.value("job_id", std::string()), 303);
      } catch (const ApiProblem& p) {
        SubmitPage again = page_with_jobs(fields);
        again.values.erase("token");
        again.error = p.what();
        again.error_field = p.field;
        res.status = p.status;
        res.set_content(submit_page(again), "text/html; charset=utf-8");
      }
    });
    s.Get(R"(/status/([^/]+))", page([this](const httplib::Request& req, httplib::Response& res) {
      res.set_content(status_page(job_status_response(status_or_404(req.matches[1]))),
                      "text/html; charset=utf-8");
    }));
    s.Get(R"(/results/([^/]+))", page([this](const httplib::Request& req, httplib::Response& res) {
      const std::string id = req.matches[1];
      const json view = job_status_response(status_or_404(id));
      if (view.value("status", std::string()) != "complete") {
        res.set_redirect("/status/" + id, 303);
        return;
      }
      res.set_content(results_page(view), "text/html; charset=utf-8");
    }));
  }

  SubmitPage page_with_jobs(std::map<std::string, std::string> values) {
    SubmitPage p;
    p.values = std::move(values);
    p.token_required = !options.token.empty();
    for (const auto& record : jobs().page(std::nullopt, kRecentJobsOnPage, 0).jobs)
      p.recent_jobs.push_back(job_list_row(record));
    return p;
  }
};

ApiServer::ApiServer(ApiOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
ApiServer::~ApiServer() = default;

int ApiServer::bind(const std::string& host, int port) {
  const int bound = port == 0 ? impl_->server.bind_to_any_port(host)
                              : (impl_->server.bind_to_port(host, port) ? port : -1);
  if (bound < 0)
    throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) +
                             " (address in use, or not an address of this host); choose "
                             "another --listen");
  return bound;
}

bool ApiServer::run() { return impl_->server.listen_after_bind(); }

void ApiServer::stop() { impl_->server.stop(); }

}  // namespace qmnmr::api
