// A worker given a relative data root (QMNMR_DATA=data, the default's form)
// completes a job with the real NWChem: every path NWChem and xTB see is made
// absolute before they start in their own folders.
#include <gtest/gtest.h>

#include "support/worker_fixture.h"

namespace qmnmr::worker_testing {
namespace {
using namespace std::chrono_literals;

class WorkerRelativeDataItest : public WorkerItest {};

TEST_F(WorkerRelativeDataItest, RelativeDataRootCompletesAJob) {
  const std::string job = submit(ethanol());
  // The worker starts in the folder that holds data/ and is told "data".
  auto w = start_worker("rel-w1", {"--once"}, 1, {{"QMNMR_DATA", "data"}}, tmp_.path());
  auto code = w->wait_exit(600s);
  ASSERT_TRUE(code.has_value()) << "worker did not finish";
  EXPECT_EQ(*code, 0) << w->err();
  auto st = status_json(job);
  EXPECT_EQ(st.value("status", ""), "complete") << st.dump(1);
  // NWChem was given absolute scratch and permanent folders.
  const auto input = queue::read_file(store_.job_dir(job) / "scratch/dft_opt/conf_001/nwchem.nw");
  EXPECT_NE(input.find("scratch_dir /"), std::string::npos) << input;
  EXPECT_NE(input.find("permanent_dir /"), std::string::npos) << input;
}

}  // namespace
}  // namespace qmnmr::worker_testing
