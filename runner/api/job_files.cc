// job_download: the route table and the geometry SDF cut from the NMReDATA file.
#include "runner/api/job_files.h"

#include <filesystem>

#include "queue/atomic_file.h"
#include "runner/api/problem.h"
#include "runner/api/zip_archive.h"

namespace qmnmr::api {
namespace {

struct Route {
  std::string what, file, content_type, suffix, noun;
};

const std::vector<Route>& routes() {
  static const std::vector<Route> table = {
      {"geometry", "optimized.xyz", "chemical/x-xyz", "_optimized.xyz", "Geometry"},
      {"geometry.sdf", "nmredata.sdf", "chemical/x-mdl-sdfile", "_optimized.sdf", "Geometry"},
      {"nmredata.sdf", "nmredata.sdf", "chemical/x-mdl-sdfile", "_nmredata.sdf", "NMReData"},
      {"shifts.csv", "shifts.csv", "text/csv; charset=utf-8", "_shifts.csv", "Shifts"},
      {"spectrum/1h.svg", "spectrum_1H.svg", "image/svg+xml", "_1H_spectrum.svg",
       "Visualizations"},
      {"spectrum/13c.svg", "spectrum_13C.svg", "image/svg+xml", "_13C_spectrum.svg",
       "Visualizations"},
      {"output", "", "application/zip", "_output.zip", "Output files"},
  };
  return table;
}

// The first record's molecule block (header, counts, atoms, bonds, M  END) of
// an SDF: the optimised geometry without the NMReDATA tags.
std::string first_molblock(const std::string& sdf) {
  const auto end = sdf.find("M  END");
  if (end == std::string::npos) return {};
  return sdf.substr(0, end) + "M  END\n$$$$\n";
}

}  // namespace

Download job_download(const queue::JobStore& store, const std::string& id,
                      const nlohmann::json& status, const std::string& what) {
  const Route* route = nullptr;
  for (const auto& r : routes())
    if (r.what == what) route = &r;
  if (route == nullptr)
    throw ApiProblem(404, "not-found", "Not Found", "no download '" + what + "'");
  const std::string state = status.value("status", std::string());
  if (state != "complete")
    throw ApiProblem(409, "job-not-complete", "Job Not Complete",
                     "Job '" + id + "' is in '" + state + "' state. " + route->noun +
                         " available when complete.");
  const auto output = store.output_dir(id);
  Download d{{}, route->content_type, id + route->suffix};
  std::error_code ec;
  if (route->file.empty()) {
    if (!std::filesystem::is_directory(output, ec))
      throw ApiProblem(404, "output-not-found", "Output Files Not Found",
                       "No output files found for job '" + id + "'.");
    d.body = zip_folder(output, id + "_output");
    return d;
  }
  const auto path = output / route->file;
  if (!std::filesystem::is_regular_file(path, ec))
    throw ApiProblem(404, "file-not-found", route->noun + " Not Found",
                     route->file + " is not in the output of job '" + id + "'.");
  d.body = queue::read_file(path);
  if (what == "geometry.sdf") d.body = first_molblock(d.body);
  return d;
}

}  // namespace qmnmr::api
