// Tests for the NWChem input writer, including hostile titles and paths.
#include "chem/nwchem_input.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "chem/error.h"
#include "chem/presets.h"

namespace qmnmr::chem {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

NwchemInput water(NwchemTask task) {
  NwchemInput in;
  in.title = "water";
  in.geometry = parse_xyz("3\n\nO 0 0 0.1\nH 0 0.8 -0.5\nH 0 -0.8 -0.5\n");
  in.basis = "6-31G*";
  in.solvent = &find_solvent("chcl3");
  in.memory_mb = 500;
  in.scratch_dir = "/jobs/j1/dft_opt/c1/scratch";
  in.permanent_dir = "/jobs/j1/dft_opt/c1/perm";
  in.task = task;
  return in;
}

std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    size_t p = line.find_first_not_of(' ');
    if (p != std::string::npos && line.compare(p, prefix.size(), prefix) == 0) out.push_back(line);
  }
  return out;
}

TEST(NwchemInput, OptimizationDeck) {
  NwchemInput in = water(NwchemTask::optimize);
  in.max_opt_steps = 40;
  std::string text = write_nwchem_input(in);
  EXPECT_THAT(text, HasSubstr("title \"water\"\n"));
  EXPECT_THAT(text, HasSubstr("geometry units angstrom noautoz noautosym\n"));
  EXPECT_THAT(text, HasSubstr("basis spherical\n  * library 6-31G*\nend\n"));
  EXPECT_THAT(text, HasSubstr("cosmo\n  do_gasphase False\n  solvent chcl3\nend\n"));
  EXPECT_THAT(text, HasSubstr("memory total 500 mb\n"));
  EXPECT_THAT(text, HasSubstr("scratch_dir /jobs/j1/dft_opt/c1/scratch\n"));
  EXPECT_THAT(text, HasSubstr("permanent_dir /jobs/j1/dft_opt/c1/perm\n"));
  EXPECT_THAT(text, HasSubstr("  xc b3lyp\n  mult 1\n"));
  EXPECT_THAT(text, HasSubstr("driver\n  maxiter 40\nend\n"));
  EXPECT_THAT(text, Not(HasSubstr("direct")));
  EXPECT_THAT(text, Not(HasSubstr("odft")));
  EXPECT_EQ(lines_starting(text, "task"), std::vector<std::string>{"task dft optimize"});
  EXPECT_THAT(text, HasSubstr("  O    0.0000000000    0.0000000000    0.1000000000\n"));
}

TEST(NwchemInput, InternalCoordinatesLooseCriteriaAndScfRescue) {
  NwchemInput in = water(NwchemTask::optimize);
  in.max_opt_steps = optimisation_step_budget(in.geometry.atoms.size());
  in.internal_coordinates = true;
  in.opt_convergence = "loose";
  in.scf_rescue = true;
  std::string text = write_nwchem_input(in);
  EXPECT_THAT(text, HasSubstr("geometry units angstrom autoz noautosym\n"));
  EXPECT_THAT(text, HasSubstr("driver\n  loose\n  maxiter 60\nend\n"));
  EXPECT_THAT(text, HasSubstr("  iterations 300\n  convergence damp 40 ncydp 40 lshift 0.5\n"));
  // The budget grows with the molecule beyond the floor of 60.
  EXPECT_EQ(optimisation_step_budget(3), 60);
  EXPECT_EQ(optimisation_step_budget(40), 120);
  in.opt_convergence = "loose\ntask shell rm";
  EXPECT_THROW(write_nwchem_input(in), ChemError);
  // The draft and production criteria: one driver line per directive.
  in.opt_convergence = std::string(find_preset("production").geometry.opt_convergence);
  EXPECT_THAT(write_nwchem_input(in),
              HasSubstr("driver\n  gmax 0.00045\n  grms 0.0003\n  xmax 0.0072\n  xrms 0.0048\n"
                        "  maxiter 60\nend\n"));
}

TEST(NwchemInput, ShieldingDeckVacuumOpenShell) {
  NwchemInput in = water(NwchemTask::shielding);
  in.solvent = &find_solvent("vacuum");
  in.charge = 1;
  in.multiplicity = 2;
  in.grid = "xcoarse";
  std::string text = write_nwchem_input(in);
  EXPECT_THAT(text, Not(HasSubstr("cosmo")));
  EXPECT_THAT(text, HasSubstr("charge 1\n"));
  EXPECT_THAT(text, HasSubstr("  mult 2\n  odft\n  grid xcoarse\nend\n"));
  EXPECT_THAT(text, HasSubstr("property\n  shielding\nend\n"));
  EXPECT_EQ(lines_starting(text, "task"), std::vector<std::string>{"task dft property"});
}

TEST(NwchemInput, FunctionalsWriteTheirOwnDirectives) {
  NwchemInput cam = water(NwchemTask::shielding);
  cam.functional = &find_functional("cam-b3lyp");
  const auto text = write_nwchem_input(cam);
  EXPECT_EQ(lines_starting(text, "xc "),
            std::vector<std::string>{"  xc xcamb88 1.00 lyp 0.81 vwn_5 0.19 hfexch 1.00"});
  EXPECT_EQ(lines_starting(text, "cam "),
            std::vector<std::string>{"  cam 0.33 cam_alpha 0.19 cam_beta 0.46"});
  NwchemInput wp04 = water(NwchemTask::shielding);
  wp04.functional = &find_functional("WP04");
  const auto w = write_nwchem_input(wp04);
  EXPECT_EQ(lines_starting(w, "xc "),
            std::vector<std::string>{"  xc HFexch 0.1189 slater 0.9999 becke88 nonlocal 0.9614 "
                                     "vwn_1_rpa 0.9998 lyp 0.0001"});
  EXPECT_TRUE(lines_starting(w, "cam ").empty());
  EXPECT_THROW(find_functional("wb97x-d"), ChemError);
}

TEST(NwchemInput, ElementsTheBasisLacksGetTheirOwn) {
  NwchemInput in = water(NwchemTask::shielding);
  in.geometry = parse_xyz("3\n\nC 0 0 0\nBr 0 0 1.9\nI 0 1.9 0\n");
  in.basis = "6-311+G(2d,p)";
  // Xe is not in the geometry (a TMS run shares the job's choice): no line.
  in.element_basis = {{"Br", "6-311G*"}, {"I", "6-311G*"}, {"Xe", "6-311G*"}};
  std::string text = write_nwchem_input(in);
  EXPECT_THAT(text, HasSubstr("basis spherical\n  * library 6-311+G(2d,p) except Br I\n"
                              "  Br library 6-311G*\n  I library 6-311G*\nend\n"));
  EXPECT_THAT(text, Not(HasSubstr("Xe")));
  in.element_basis = {{"Br", "6-311G*\ntask shell rm"}};
  EXPECT_THROW(write_nwchem_input(in), ChemError);
  in.element_basis = {{"Qq", "6-311G*"}};
  EXPECT_THROW(write_nwchem_input(in), ChemError);
}

TEST(NwchemInput, HostileTitleCannotInjectDirectives) {
  NwchemInput in = water(NwchemTask::optimize);
  in.title = "x\ntask shell rm -rf /\n\"; task shell echo hi # \\";
  std::string text = write_nwchem_input(in);
  EXPECT_EQ(lines_starting(text, "task"), std::vector<std::string>{"task dft optimize"});
  auto titles = lines_starting(text, "title");
  ASSERT_EQ(titles.size(), 1u);
  const std::string& t = titles[0];
  EXPECT_EQ(t.front(), 't');
  EXPECT_EQ(std::count(t.begin(), t.end(), '"'), 2);
  EXPECT_EQ(t.find(';'), std::string::npos);
  EXPECT_EQ(t.find('#'), std::string::npos);
  EXPECT_EQ(t.find('\\'), std::string::npos);
}

TEST(NwchemInput, SanitizeTitle) {
  EXPECT_EQ(sanitize_nwchem_title("ethanol (run 2)"), "ethanol (run 2)");
  EXPECT_EQ(sanitize_nwchem_title("a\"b;c\nd"), "a_b_c_d");
  EXPECT_EQ(sanitize_nwchem_title("   "), "qmnmr");
  EXPECT_EQ(sanitize_nwchem_title(std::string(200, 'a')).size(), 80u);
}

TEST(NwchemInput, StartOrbitalsGoInTheDftBlock) {
  NwchemInput in = water(NwchemTask::shielding);
  EXPECT_THAT(write_nwchem_input(in), Not(HasSubstr("vectors")));
  in.start_orbitals = "/jobs/j1/dft_opt/c1/perm/qmnmr.movecs";
  const std::string text = write_nwchem_input(in);
  EXPECT_THAT(text, HasSubstr("dft\n  xc b3lyp\n  mult 1\n  vectors input "
                              "/jobs/j1/dft_opt/c1/perm/qmnmr.movecs\nend\n"));
  for (const char* bad : {"/tmp/a\nb", "/tmp/a b", "/tmp/a;b"}) {
    in.start_orbitals = bad;
    EXPECT_THROW(write_nwchem_input(in), ChemError) << bad;
  }
}

TEST(NwchemInput, InitialHessianIsReadByTheDriver) {
  NwchemInput in = water(NwchemTask::optimize);
  EXPECT_THAT(write_nwchem_input(in), Not(HasSubstr("inhess")));
  in.initial_hessian = true;
  // Even without other driver settings the block is written for it.
  EXPECT_THAT(write_nwchem_input(in), HasSubstr("driver\n  inhess 2\nend\n\ntask dft optimize\n"));
  in.max_opt_steps = 40;
  EXPECT_THAT(write_nwchem_input(in), HasSubstr("  maxiter 40\n  inhess 2\nend\n"));
  NwchemInput shielding = water(NwchemTask::shielding);
  shielding.initial_hessian = true;  // meaningless for a shielding: no driver block
  EXPECT_THAT(write_nwchem_input(shielding), Not(HasSubstr("inhess")));
}

TEST(NwchemInput, RejectsUnsafePaths) {
  for (const char* bad : {"/tmp/a\nb", "/tmp/a b", "/tmp/\"x", "/tmp/a;b", "/tmp/a\tb", ""}) {
    NwchemInput in = water(NwchemTask::optimize);
    in.scratch_dir = bad;
    EXPECT_THROW(write_nwchem_input(in), ChemError) << bad;
    NwchemInput in2 = water(NwchemTask::optimize);
    in2.permanent_dir = bad;
    EXPECT_THROW(write_nwchem_input(in2), ChemError) << bad;
  }
}

TEST(NwchemInput, RejectsBadSymbolsChargesAndTokens) {
  NwchemInput in = water(NwchemTask::optimize);
  in.geometry.atoms[0].symbol = "Xx";
  EXPECT_THROW(write_nwchem_input(in), ChemError);

  NwchemInput odd = water(NwchemTask::optimize);
  odd.charge = 1;  // 9 electrons cannot be a singlet
  try {
    write_nwchem_input(odd);
    FAIL();
  } catch (const ChemError& e) {
    EXPECT_THAT(e.what(), HasSubstr("9 electrons"));
  }

  NwchemInput func = water(NwchemTask::optimize);
  func.functional = nullptr;
  EXPECT_THROW(write_nwchem_input(func), ChemError);
  NwchemInput start = water(NwchemTask::optimize);
  start.start_name = "../x";
  EXPECT_THROW(write_nwchem_input(start), ChemError);
  NwchemInput mem = water(NwchemTask::optimize);
  mem.memory_mb = 0;
  EXPECT_THROW(write_nwchem_input(mem), ChemError);
}

}  // namespace
}  // namespace qmnmr::chem
