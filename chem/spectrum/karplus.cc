// The HLA generalised Karplus relation and its parameter sets.
#include "chem/spectrum/karplus.h"

#include <cmath>
#include <numbers>

namespace qmnmr::chem::spectrum {
namespace {

// Haasnoot, de Leeuw and Altona 1980, Table 2: the general set (all
// fragments) and the sets for two, three and four substituents.
constexpr HlaParameters kGeneral{13.70, -0.73, 0.0, 0.56, -2.47, 16.9, 0.14};
constexpr HlaParameters kTwo{13.89, -0.98, 0.0, 1.02, -3.40, 14.9, 0.24};
constexpr HlaParameters kThree{13.22, -0.99, 0.0, 0.87, -2.46, 19.9, 0.0};
constexpr HlaParameters kFour{13.24, -0.91, 0.0, 0.53, -2.41, 15.5, 0.19};

double radians(double deg) { return deg * std::numbers::pi / 180.0; }

}  // namespace

const HlaParameters& hla_parameters(int substituents) {
  switch (substituents) {
    case 2: return kTwo;
    case 3: return kThree;
    case 4: return kFour;
    default: return kGeneral;
  }
}

double huggins_electronegativity(int z) {
  switch (z) {
    case 1: return 2.20;
    case 6: return 2.60;
    case 7: return 3.05;
    case 8: return 3.50;
    case 9: return 3.90;
    case 14: return 1.90;
    case 15: return 2.19;
    case 16: return 2.58;
    case 17: return 3.15;
    case 35: return 2.95;
    case 53: return 2.65;
    default: return 0.0;
  }
}

double hla_coupling(double phi_deg, const std::vector<HlaSubstituent>& substituents,
                    const HlaParameters& p) {
  const double phi = radians(phi_deg);
  const double c = std::cos(phi);
  double j = p.p1 * c * c + p.p2 * c + p.p3;
  for (const HlaSubstituent& s : substituents) {
    const double arg = s.xi * phi + radians(p.p6_deg * std::abs(s.dchi));
    const double ca = std::cos(arg);
    j += s.dchi * (p.p4 + p.p5 * ca * ca);
  }
  return j;
}

}  // namespace qmnmr::chem::spectrum
