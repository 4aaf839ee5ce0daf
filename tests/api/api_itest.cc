// `qmnmr serve` for real: the built binary on a loopback port, reached with an
// HTTP client - every route and error, the token, the body limit, and four
// clients submitting at once while a real worker (test preset) runs every job
// exactly once; the results, downloads and readiness then; SIGINT stops it.
#include <httplib.h>
#include <signal.h>

#include <atomic>
#include <regex>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "chem/presets.h"

#include "support/worker_fixture.h"

namespace qmnmr::worker_testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class ApiItest : public WorkerItest {
 protected:
  std::unique_ptr<QmnmrProcess> server_;
  int port_ = 0;

  void start_server(const Env& extra = {}, std::vector<std::string> args = {}) {
    Env e = env();
    for (const auto& [k, v] : extra) e[k] = v;
    std::vector<std::string> argv{"serve", "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), args.begin(), args.end());
    server_ = std::make_unique<QmnmrProcess>(argv, e, logs_, "serve");
    std::smatch m;
    ASSERT_TRUE(wait_until(
        [&] {
          const std::string out = server_->out();
          return std::regex_search(out, m, std::regex(R"(listening on http://127\.0\.0\.1:(\d+))"));
        },
        10s))
        << server_->out() << server_->err();
    port_ = std::stoi(m[1]);
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30);
    return c;
  }
};

json body_of(const httplib::Result& r) { return json::parse(r->body); }

// The reference service's error shape: {"detail": {"status", "title", ...}}.
void expect_problem(const httplib::Result& r, int status, const std::string& field = "") {
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, status) << r->body;
  auto j = body_of(r);
  EXPECT_EQ(j["detail"]["status"], status) << r->body;
  EXPECT_TRUE(j["detail"]["title"].is_string());
  if (!field.empty()) EXPECT_EQ(j["detail"]["field"], field) << r->body;
}

constexpr const char* kEthaneMol =
    "ethane\n  qmnmr\n\n  2  1  0  0  0  0  0  0  0  0999 V2000\n"
    "    0.0000    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "    1.5400    0.0000    0.0000 C   0  0  0  0  0  0  0  0  0  0  0  0\n"
    "  1  2  1  0\nM  END\n";

TEST_F(ApiItest, EveryRouteAndEveryErrorWithoutAWorker) {
  start_server({}, {"--max-body", "0.01"});
  auto c = client();

  auto health = c.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(body_of(health)["status"], "alive");
  auto ready = c.Get("/health/ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503) << "no worker runs yet";
  EXPECT_EQ(body_of(ready)["checks"]["task_queue"], "ok");
  EXPECT_NE(body_of(ready)["checks"]["workers"].get<std::string>().find("start a worker"),
            std::string::npos);

  for (const char* path : {"/api/v1/solvents", "/api/v1/jobs/solvents"}) {
    auto s = c.Get(path);
    ASSERT_TRUE(s);
    auto names = body_of(s);
    EXPECT_EQ(names.size(), 13u) << path;
    EXPECT_NE(std::find(names.begin(), names.end(), "chcl3"), names.end());
  }

  // The presets with their levels per nucleus, as qmnmr plan shows them.
  auto presets = c.Get("/api/v1/presets");
  ASSERT_TRUE(presets);
  auto preset_list = body_of(presets);
  ASSERT_EQ(preset_list.size(), chem::all_presets().size());
  EXPECT_EQ(preset_list[0]["name"], "production");
  EXPECT_EQ(preset_list[0]["level"], chem::find_preset("production").level_label());
  EXPECT_EQ(preset_list[0]["shielding_level"]["1H"], "B3LYP/6-311+G(2d,p)");
  for (const auto& p : preset_list) EXPECT_TRUE(p.contains("figures")) << p.dump();

  // The reference service's request body, as its tests send it.
  auto post = c.Post("/api/v1/jobs", R"({"smiles": "CCO", "name": "Ethanol", "solvent": "chcl3"})",
                     "application/json");
  ASSERT_TRUE(post);
  ASSERT_EQ(post->status, 202) << post->body;
  auto job = body_of(post);
  const std::string id = job["job_id"];
  EXPECT_EQ(job["status"], "queued");
  EXPECT_EQ(job["input_smiles"], "CCO");
  EXPECT_EQ(job["input_name"], "Ethanol");
  EXPECT_EQ(job["preset"], "production");
  EXPECT_EQ(job["solvent"], "chcl3");
  EXPECT_EQ(job["conformer_mode"], "single");
  EXPECT_EQ(post->get_header_value("Location"), "/api/v1/jobs/" + id);
  EXPECT_EQ(post->get_header_value("Retry-After"), "30");

  // Errors name the field and the fix; nothing is queued for them.
  expect_problem(c.Post("/api/v1/jobs", R"({"smiles": "not-a-valid-smiles-string", "solvent": "chcl3"})",
                        "application/json"),
                 422, "smiles");
  expect_problem(c.Post("/api/v1/jobs", R"({"smiles": "CCO", "solvent": "lava"})", "application/json"),
                 422, "solvent");
  expect_problem(c.Post("/api/v1/jobs", R"({"smiles": "CCO", "preset": "ultra"})", "application/json"),
                 422, "preset");
  expect_problem(c.Post("/api/v1/jobs", R"({"smiles": "CCO", "conformer_mode": "many"})",
                        "application/json"),
                 422, "conformer_mode");
  expect_problem(c.Post("/api/v1/jobs", R"({"smiles": "CCO", "max_conformers": 0})", "application/json"),
                 422, "max_conformers");
  expect_problem(c.Post("/api/v1/jobs", R"({"smiles": "CCO", "colour": "blue"})", "application/json"),
                 422, "colour");
  expect_problem(c.Post("/api/v1/jobs", R"({"smiles": "[Xe]"})", "application/json"), 422, "smiles");
  expect_problem(c.Post("/api/v1/jobs", "{not json", "application/json"), 400);
  expect_problem(c.Post("/api/v1/jobs", std::string(20000, ' '), "application/json"), 413);

  // Upload: a MOL file and the same fields; a wrong type; no file.
  httplib::MultipartFormDataItems mol = {{"file", kEthaneMol, "ethane.mol", "chemical/x-mdl-molfile"},
                                         {"name", "Ethane", "", ""},
                                         {"solvent", "chcl3", "", ""}};
  auto up = c.Post("/api/v1/jobs/upload", mol);
  ASSERT_TRUE(up);
  ASSERT_EQ(up->status, 202) << up->body;
  EXPECT_EQ(body_of(up)["input_name"], "Ethane");
  EXPECT_EQ(body_of(up)["input_smiles"], "CC") << "an upload's canonical SMILES";
  httplib::MultipartFormDataItems txt = {{"file", "not a molecule", "test.txt", "text/plain"},
                                         {"solvent", "chcl3", "", ""}};
  expect_problem(c.Post("/api/v1/jobs/upload", txt), 422, "file");
  httplib::MultipartFormDataItems bad_mol = {{"file", "garbage\n", "x.mol", ""}};
  expect_problem(c.Post("/api/v1/jobs/upload", bad_mol), 422, "file");
  httplib::MultipartFormDataItems no_file = {{"solvent", "chcl3", "", ""}};
  expect_problem(c.Post("/api/v1/jobs/upload", no_file), 422, "file");

  // Status, results and downloads of a queued job; unknown and hostile ids.
  auto st = c.Get(("/api/v1/jobs/" + id).c_str());
  ASSERT_TRUE(st);
  EXPECT_EQ(st->status, 200);
  EXPECT_EQ(body_of(st)["status"], "queued");
  expect_problem(c.Get(("/api/v1/jobs/" + id + "/results").c_str()), 409);
  for (const char* d : {"geometry", "geometry.sdf", "nmredata.sdf", "shifts.csv", "spectrum/1h.svg",
                        "spectrum/13c.svg", "output"})
    expect_problem(c.Get(("/api/v1/jobs/" + id + "/" + d).c_str()), 409);
  expect_problem(c.Get("/api/v1/jobs/nonexistent123"), 404);
  expect_problem(c.Get("/api/v1/jobs/..%2F..%2Fqueue.db"), 404);
  expect_problem(c.Get("/api/v1/jobs/j-..-x/results"), 404);
  expect_problem(c.Get("/no/such/route"), 404);

  // The list: newest first, paged, filtered; a bad filter is named.
  auto list = c.Get("/api/v1/jobs?limit=1");
  ASSERT_TRUE(list);
  auto l = body_of(list);
  EXPECT_EQ(l["total"], 2);
  ASSERT_EQ(l["jobs"].size(), 1u);
  EXPECT_EQ(l["jobs"][0]["input_name"], "Ethane");
  expect_problem(c.Get("/api/v1/jobs?status=bogus"), 422, "status");
  expect_problem(c.Get("/api/v1/jobs?limit=0"), 422, "limit");
  auto second = c.Get("/api/v1/jobs?limit=1&offset=1");
  ASSERT_TRUE(second);
  EXPECT_EQ(body_of(second)["total"], 2);
  ASSERT_EQ(body_of(second)["jobs"].size(), 1u);
  EXPECT_EQ(body_of(second)["jobs"][0]["job_id"], id) << "the older job on the second page";
  auto past = c.Get("/api/v1/jobs?limit=5&offset=7");
  ASSERT_TRUE(past);
  EXPECT_EQ(body_of(past)["total"], 2);
  EXPECT_TRUE(body_of(past)["jobs"].empty());
  EXPECT_EQ(c.Get("/api/v1/jobs?limit=200")->status, 200);
  auto too_many = c.Get("/api/v1/jobs?limit=201");
  expect_problem(too_many, 422, "limit");
  EXPECT_NE(body_of(too_many)["detail"]["detail"].get<std::string>().find("200"),
            std::string::npos)
      << too_many->body;

  // Cancel: a queued job at once (DELETE), then again is a conflict; POST .../cancel.
  auto del = c.Delete(("/api/v1/jobs/" + id).c_str());
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 200) << del->body;
  EXPECT_EQ(body_of(del)["status"], "cancelled");
  expect_problem(c.Delete(("/api/v1/jobs/" + id).c_str()), 409);
  const std::string upload_id = body_of(up)["job_id"];
  auto cancel = c.Post(("/api/v1/jobs/" + upload_id + "/cancel").c_str());
  ASSERT_TRUE(cancel);
  EXPECT_EQ(cancel->status, 200);
  expect_problem(c.Delete("/api/v1/jobs/nonexistent123"), 404);
  auto cancelled = c.Get("/api/v1/jobs?status=cancelled");
  EXPECT_EQ(body_of(cancelled)["total"], 2);

  // The pages answer without a worker too; an unknown job is a 404 page.
  auto index = c.Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_NE(index->body.find("<form method=\"post\" action=\"/submit\""), std::string::npos);
  EXPECT_NE(index->body.find(upload_id), std::string::npos) << "recent jobs are listed";
  auto missing = c.Get("/status/nonexistent123");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  // A form submit with an error comes back as the form with the error, the input kept.
  httplib::Params bad{{"smiles", "C1CC"}, {"solvent", "chcl3"}, {"name", "<b>ring</b>"}};
  auto form = c.Post("/submit", bad);
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 422);
  EXPECT_NE(form->body.find("class=\"error\""), std::string::npos);
  EXPECT_NE(form->body.find("&lt;b&gt;ring&lt;/b&gt;"), std::string::npos) << "escaped";
  EXPECT_EQ(form->body.find("<b>ring</b>"), std::string::npos);

  server_->signal(SIGINT);
  EXPECT_EQ(server_->wait_exit(10s), 0) << server_->err();
}

// Issue 21: a body of a few hundred kB, far under the body limit, whose
// calibration is nested 200,000 levels deep. Parsed and then copied, dumped or
// compared recursively it overflows a handler thread's stack and kills the
// server; it must be refused with a problem naming the field and the limit,
// and the server go on.
TEST_F(ApiItest, ADeeplyNestedBodyIsRefusedAndTheServerGoesOn) {
  start_server();
  auto c = client();
  constexpr size_t kLevels = 200000;
  const std::string arrays = std::string(kLevels, '[') + std::string(kLevels, ']');
  std::string objects;
  for (size_t i = 0; i < kLevels; ++i) objects += R"({"a":)";
  objects += "1" + std::string(kLevels, '}');
  for (const std::string& nested : std::vector<std::string>{arrays, objects}) {
    const std::string body = R"({"smiles":"CCO","calibration":)" + nested + "}";
    ASSERT_LT(body.size(), 4u << 20) << "under the default --max-body";
    auto r = c.Post("/api/v1/jobs", body, "application/json");
    ASSERT_TRUE(r) << "no answer (" << httplib::to_string(r.error())
                   << "): the server died; its stderr:\n" << server_->err();
    expect_problem(r, 422, "calibration");
    EXPECT_NE(body_of(r)["detail"]["detail"].get<std::string>().find("64"), std::string::npos)
        << "the problem names the limit: " << r->body.substr(0, 400);
    // The same as a form field of the upload route: larger than a calibration
    // can be (413), and nested 10,000 deep in 20 kB (422).
    httplib::MultipartFormDataItems form = {{"file", kEthaneMol, "ethane.mol", ""},
                                            {"calibration", nested, "", ""}};
    auto up = c.Post("/api/v1/jobs/upload", form);
    ASSERT_TRUE(up) << "no answer to the upload: " << server_->err();
    expect_problem(up, 413, "calibration");
  }
  httplib::MultipartFormDataItems form = {
      {"file", kEthaneMol, "ethane.mol", ""},
      {"calibration", std::string(10000, '[') + std::string(10000, ']'), "", ""}};
  auto up = c.Post("/api/v1/jobs/upload", form);
  ASSERT_TRUE(up) << "no answer to the upload: " << server_->err();
  expect_problem(up, 422, "calibration");
  EXPECT_NE(body_of(up)["detail"]["detail"].get<std::string>().find("limit of 64 levels"),
            std::string::npos)
      << up->body;

  // The server is alive and still queues ordinary jobs; nothing was queued before.
  auto health = c.Get("/health");
  ASSERT_TRUE(health) << server_->err();
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(body_of(c.Get("/api/v1/jobs"))["total"], 0);
  auto ok = c.Post("/api/v1/jobs", R"({"smiles": "CCO"})", "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 202) << ok->body;
  server_->signal(SIGINT);
  EXPECT_EQ(server_->wait_exit(10s), 0) << server_->err();
}

// Integers narrowed by get<int>(): 4294967296 would become charge 0.
TEST_F(ApiItest, IntegersOutOfRangeAreRefusedNamingTheField) {
  start_server();
  auto c = client();
  for (const char* field : {"charge", "multiplicity", "max_conformers", "priority"}) {
    for (const char* value : {"4294967296", "-4294967296", "18446744073709551615"}) {
      const std::string body =
          std::string(R"({"smiles": "CCO", ")") + field + "\": " + value + "}";
      expect_problem(c.Post("/api/v1/jobs", body, "application/json"), 422, field);
    }
  }
  EXPECT_EQ(body_of(c.Get("/api/v1/jobs"))["total"], 0) << "nothing was queued";
}

TEST_F(ApiItest, ATokenGuardsSubmitAndCancelButNotReading) {
  start_server({{"QMNMR_API_TOKEN", "s3cret"}});
  auto c = client();
  const std::string body = R"({"smiles": "C", "solvent": "vacuum", "preset": "test"})";
  expect_problem(c.Post("/api/v1/jobs", body, "application/json"), 401);
  httplib::Headers wrong = {{"Authorization", "Bearer nope"}};
  expect_problem(c.Post("/api/v1/jobs", wrong, body, "application/json"), 401);
  httplib::Headers right = {{"Authorization", "Bearer s3cret"}};
  auto ok = c.Post("/api/v1/jobs", right, body, "application/json");
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->status, 202) << ok->body;
  const std::string id = body_of(ok)["job_id"];
  EXPECT_EQ(c.Get(("/api/v1/jobs/" + id).c_str())->status, 200) << "reading needs no token";
  expect_problem(c.Delete(("/api/v1/jobs/" + id).c_str()), 401);
  EXPECT_EQ(c.Delete(("/api/v1/jobs/" + id).c_str(), right)->status, 200);
  // The page's form carries the token in a field.
  httplib::Params form{{"smiles", "C"}, {"solvent", "vacuum"}, {"preset", "test"}};
  EXPECT_EQ(c.Post("/submit", form)->status, 401);
  form.emplace("token", "s3cret");
  auto sent = c.Post("/submit", form);
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->status, 303);
  EXPECT_EQ(sent->get_header_value("Location").rfind("/status/j-", 0), 0u);
}

// Without QMNMR_API_TOKEN, another site's page cannot submit or cancel
// through a visitor's browser: a request whose Origin (or, without one,
// Referer) is not this server is refused with 403 and why; this server's own
// page and clients that send neither (curl, scripts) go on working.
TEST_F(ApiItest, WithoutATokenCrossSitePostsAreRefusedAndSameSiteOnesAccepted) {
  start_server();
  auto c = client();
  const std::string self = "http://127.0.0.1:" + std::to_string(port_);
  const std::string body = R"({"smiles": "C", "solvent": "vacuum", "preset": "test"})";
  auto total = [&] { return body_of(c.Get("/api/v1/jobs"))["total"].get<int>(); };

  // curl and scripts: no Origin, no Referer.
  auto plain = c.Post("/api/v1/jobs", body, "application/json");
  ASSERT_TRUE(plain);
  ASSERT_EQ(plain->status, 202) << plain->body;
  const std::string id = body_of(plain)["job_id"];

  // Another site's form, posting to the API (a text/plain form body is JSON enough).
  httplib::Headers evil = {{"Origin", "http://evil.example"}};
  auto refused = c.Post("/api/v1/jobs", evil, body, "text/plain");
  expect_problem(refused, 403);
  const std::string why = body_of(refused)["detail"]["detail"];
  EXPECT_NE(why.find("http://evil.example"), std::string::npos) << why;
  EXPECT_NE(why.find("QMNMR_API_TOKEN"), std::string::npos) << why;
  EXPECT_EQ(body_of(refused)["detail"]["title"], "Cross-Site Request Refused");
  // Same host, another port is another site; so is an Origin of "null".
  const httplib::Headers other_port = {{"Origin", "http://127.0.0.1:1"}};
  expect_problem(c.Post("/api/v1/jobs", other_port, body, "application/json"), 403);
  const httplib::Headers null_origin = {{"Origin", "null"}};
  expect_problem(c.Post("/api/v1/jobs", null_origin, body, "application/json"), 403);
  // No Origin, but a Referer of another site.
  const httplib::Headers evil_referer = {{"Referer", "https://evil.example/page.html"}};
  expect_problem(c.Post("/api/v1/jobs", evil_referer, body, "application/json"), 403);
  httplib::MultipartFormDataItems mol = {{"file", kEthaneMol, "ethane.mol", ""}};
  expect_problem(c.Post("/api/v1/jobs/upload", evil, mol), 403);
  // The page's own form, posted from elsewhere: the form again, with why, as 403.
  httplib::Params form{{"smiles", "C"}, {"solvent", "vacuum"}, {"preset", "test"}};
  auto page = c.Post("/submit", evil, form);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 403);
  EXPECT_NE(page->body.find("evil.example"), std::string::npos);
  // Cancel from elsewhere, by POST and by DELETE: the job stays queued.
  expect_problem(c.Post(("/api/v1/jobs/" + id + "/cancel").c_str(), evil, std::string(),
                        "text/plain"),
                 403);
  expect_problem(c.Delete(("/api/v1/jobs/" + id).c_str(), evil), 403);
  EXPECT_EQ(body_of(c.Get(("/api/v1/jobs/" + id).c_str()))["status"], "queued");
  EXPECT_EQ(total(), 1) << "nothing queued by the refused requests";

  // This server's own page: its Origin, or its Referer, is the Host it talks to.
  const httplib::Headers own_page = {{"Origin", self}, {"Referer", self + "/"}};
  auto own = c.Post("/submit", own_page, form);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 303) << own->body;
  const httplib::Headers own_referer = {{"Referer", self + "/status/x"}};
  auto referred = c.Post("/api/v1/jobs", own_referer, body, "application/json");
  ASSERT_TRUE(referred);
  EXPECT_EQ(referred->status, 202) << referred->body;
  const httplib::Headers own_origin = {{"Origin", self}};
  auto cancelled = c.Post(("/api/v1/jobs/" + id + "/cancel").c_str(), own_origin, std::string(),
                          "text/plain");
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(cancelled->status, 200) << cancelled->body;
  EXPECT_EQ(total(), 3);
  // Reading is never refused.
  EXPECT_EQ(c.Get(("/api/v1/jobs/" + id).c_str(), evil)->status, 200);
}

// A 500 answer says that the server failed and names an error id, never the
// internal text; the server's log has the text under that id.
TEST_F(ApiItest, AnInternalErrorAnswers500WithAnIdAndLogsTheCause) {
  start_server();
  auto c = client();
  auto post = c.Post("/api/v1/jobs", R"({"smiles": "C", "preset": "test"})", "application/json");
  ASSERT_TRUE(post);
  ASSERT_EQ(post->status, 202) << post->body;
  const std::string id = body_of(post)["job_id"];
  // A status.json damaged on disk: reading it fails inside the job store.
  const auto status_path = store_.status_path(id);
  queue::write_file_atomic(status_path, "{not json");
  for (const std::string& path : {"/api/v1/jobs/" + id, "/status/" + id}) {
    auto r = c.Get(path.c_str());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 500) << path << ": " << r->body;
    const auto j = body_of(r);
    EXPECT_EQ(j["detail"]["status"], 500);
    EXPECT_EQ(j["detail"]["title"], "Internal Server Error");
    const std::string error_id = j["detail"]["error_id"];
    EXPECT_TRUE(std::regex_match(error_id, std::regex("e-[0-9a-f]{16}"))) << error_id;
    const std::string detail = j["detail"]["detail"];
    EXPECT_NE(detail.find(error_id), std::string::npos) << detail;
    for (const std::string& internal : {status_path.string(), std::string("not valid JSON"),
                                       data_.string(), std::string("status.json")})
      EXPECT_EQ(r->body.find(internal), std::string::npos) << internal << " in " << r->body;
    ASSERT_TRUE(wait_until(
        [&] { return server_->err().find("error id " + error_id) != std::string::npos; }, 5s))
        << server_->err();
    const std::string log = server_->err();
    const std::string line = log.substr(log.find("error id " + error_id));
    EXPECT_NE(line.substr(0, line.find('\n')).find("not valid JSON"), std::string::npos) << line;
  }
  server_->signal(SIGINT);
  EXPECT_EQ(server_->wait_exit(10s), 0) << server_->err();
}

TEST_F(ApiItest, FourClientsSubmitAtOnceAWorkerRunsEveryJobOnceAndTheResultsCanBeRead) {
  start_server();
  QmnmrProcess worker({"worker"}, env(), logs_, "worker");
  auto c = client();
  ASSERT_TRUE(wait_until([&] { return c.Get("/health/ready")->status == 200; }, 20s))
      << c.Get("/health/ready")->body;

  // Water at the test level: the first job computes, the run cache serves the rest.
  constexpr int kClients = 4, kEach = 3;
  std::vector<std::string> ids(kClients * kEach);
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int k = 0; k < kClients; ++k)
    clients.emplace_back([&, k] {
      httplib::Client own("127.0.0.1", port_);
      for (int i = 0; i < kEach; ++i) {
        auto r = own.Post("/api/v1/jobs",
                          R"({"smiles": "O", "solvent": "chcl3", "preset": "test", "name": "water )" +
                              std::to_string(k) + "-" + std::to_string(i) + "\"}",
                          "application/json");
        if (!r || r->status != 202) ++failures;
        else ids[k * kEach + i] = json::parse(r->body)["job_id"];
      }
    });
  for (auto& t : clients) t.join();
  ASSERT_EQ(failures.load(), 0);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());

  // The server answers while the worker runs NWChem.
  double slowest = 0;
  ASSERT_TRUE(wait_until(
      [&] {
        auto t0 = std::chrono::steady_clock::now();
        auto l = c.Get("/api/v1/jobs?status=complete&limit=200");
        slowest = std::max(slowest, std::chrono::duration<double>(
                                        std::chrono::steady_clock::now() - t0).count());
        return l && body_of(l)["total"] == static_cast<int>(ids.size());
      },
      300s, 500ms))
      << c.Get("/api/v1/jobs?limit=200")->body << worker.err();
  EXPECT_LT(slowest, 2.0) << "a list request took " << slowest << " s while the worker ran";

  for (const auto& id : ids) {
    auto st = body_of(c.Get(("/api/v1/jobs/" + id).c_str()));
    EXPECT_EQ(st["status"], "complete") << id;
    EXPECT_EQ(st["attempts"], 1) << id << ": claimed more than once";
    auto r = c.Get(("/api/v1/jobs/" + id + "/results").c_str());
    ASSERT_EQ(r->status, 200) << r->body;
    auto res = body_of(r);
    ASSERT_EQ(res["h1_shifts"].size(), 2u);
    EXPECT_EQ(res["h1_shifts"][0]["atom"], "H");
    EXPECT_TRUE(res["h1_shifts"][0]["shift"].is_number());
    EXPECT_EQ(res["functional"], "b3lyp");
    EXPECT_EQ(res["basis_set"], "STO-3G");
    EXPECT_EQ(res["solvent"], "chcl3");
  }
  // Every job exactly once: one completion per job in the queue's events.
  queue::JobQueue q(store_.queue_db_path());
  for (const auto& id : ids) {
    int completed = 0;
    for (const auto& e : q.events(id)) completed += e.kind == "completed";
    EXPECT_EQ(completed, 1) << id;
  }

  const std::string id = ids.front();
  const std::map<std::string, std::string> types = {
      {"geometry", "chemical/x-xyz"},        {"geometry.sdf", "chemical/x-mdl-sdfile"},
      {"nmredata.sdf", "chemical/x-mdl-sdfile"}, {"shifts.csv", "text/csv; charset=utf-8"},
      {"spectrum/1h.svg", "image/svg+xml"},  {"spectrum/13c.svg", "image/svg+xml"},
      {"output", "application/zip"}};
  for (const auto& [route, type] : types) {
    auto d = c.Get(("/api/v1/jobs/" + id + "/" + route).c_str());
    ASSERT_TRUE(d);
    EXPECT_EQ(d->status, 200) << route << ": " << d->body;
    EXPECT_EQ(d->get_header_value("Content-Type"), type) << route;
    EXPECT_NE(d->get_header_value("Content-Disposition").find("attachment; filename=\"" + id),
              std::string::npos)
        << route;
  }
  auto sdf = c.Get(("/api/v1/jobs/" + id + "/geometry.sdf").c_str())->body;
  EXPECT_NE(sdf.find("M  END\n$$$$"), std::string::npos);
  EXPECT_EQ(sdf.find("NMREDATA"), std::string::npos) << "the geometry alone";
  auto zip = c.Get(("/api/v1/jobs/" + id + "/output").c_str())->body;
  EXPECT_EQ(zip.substr(0, 4), std::string("PK\x03\x04", 4));
  EXPECT_NE(zip.find(id + "_output/results.json"), std::string::npos);
  auto results_page = c.Get(("/results/" + id).c_str());
  EXPECT_EQ(results_page->status, 200);
  EXPECT_NE(results_page->body.find("/api/v1/jobs/" + id + "/spectrum/1h.svg"), std::string::npos);

  server_->signal(SIGTERM);
  EXPECT_EQ(server_->wait_exit(10s), 0) << server_->err();
  worker.signal(SIGINT);
  EXPECT_TRUE(worker.wait_exit(30s).has_value());
}

TEST_F(ApiItest, TheLoadBenchmarkMeasuresARealServer) {
  auto r = run_qmnmr({"bench", "api", "--clients", "2", "--seconds", "0.5", "--json"}, env());
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  auto j = json::parse(r.out);
  EXPECT_GT(j["submit"]["ok"].get<int>(), 0);
  EXPECT_EQ(j["submit"]["failed"], 0);
  EXPECT_EQ(j["jobs_in_queue"], j["submit"]["ok"]);
  EXPECT_GT(j["get_job"]["ok"].get<int>(), j["submit"]["ok"].get<int>()) << "reads are cheaper";
  EXPECT_GT(j["server_rss_mb"]["peak"].get<double>(), 1.0) << "read from the server's /proc";
  EXPECT_GE(j["server_rss_mb"]["peak"].get<double>(), j["server_rss_mb"]["idle"].get<double>());
}

}  // namespace
}  // namespace qmnmr::worker_testing
