// check_labels SMILES JOBDIR: whether every conformer geometry a job wrote
// (scratch/conformers/ and output/conformers/) carries the labels of the job's
// reference geometry (scratch/prepare/start.xyz), atom by atom, by the
// substitution test of tests/support/labels.h. Prints one line per file and
// exits 1 when any atom differs. For checking real jobs by hand; the CI row of
// tests/runner/real_molecules_itest.cc uses the same check.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "chem/error.h"
#include "chem/molecule.h"
#include "queue/atomic_file.h"
#include "support/labels.h"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  using namespace qmnmr;
  if (argc != 3) {
    std::cerr << "usage: check_labels SMILES JOBDIR\n";
    return 2;
  }
  try {
    chem::MoleculeInput in;
    in.text = argv[1];
    chem::Molecule m = chem::load_molecule(in);
    const fs::path job = argv[2];
    m.geometry = chem::parse_xyz(queue::read_file(job / "scratch/prepare/start.xyz"));
    chem::check_geometry_matches(m, m.geometry);
    int files = 0, bad = 0;
    for (const char* sub : {"scratch/conformers", "output/conformers"}) {
      if (!fs::is_directory(job / sub)) continue;
      std::vector<fs::path> paths;
      for (const auto& e : fs::directory_iterator(job / sub))
        if (e.path().extension() == ".xyz") paths.push_back(e.path());
      std::sort(paths.begin(), paths.end());
      for (const auto& p : paths) {
        auto g = chem::parse_xyz(queue::read_file(p));
        auto diff = testing::label_differences(m, m.geometry, g);
        ++files;
        bad += !diff.empty();
        std::cout << sub << "/" << p.filename().string() << ": "
                  << (diff.empty() ? "all " + std::to_string(g.atoms.size()) +
                                         " atoms carry the reference's labels"
                                   : std::to_string(diff.size()) + " atom(s) differ")
                  << "\n";
        for (const auto& d : diff) std::cout << "  " << d << "\n";
      }
    }
    std::cout << files << " geometries, " << bad << " with a label that differs\n";
    return files > 0 && bad == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "check_labels: " << e.what() << "\n";
    return 2;
  }
}
