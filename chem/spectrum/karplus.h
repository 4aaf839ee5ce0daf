// Vicinal 3J(H,H) across an sp3-sp3 C-C bond from the generalised Karplus
// relation of Haasnoot, de Leeuw and Altona (Tetrahedron 1980, 36, 2783),
// "HLA": the H-C-C-H dihedral phi and each non-hydrogen substituent's
// electronegativity and orientation,
//   3J = P1 cos^2(phi) + P2 cos(phi) + P3
//        + sum_i dchi_i (P4 + P5 cos^2(xi_i phi + P6 |dchi_i|))
//   dchi_i = (chi_alpha - chi_H) - P7 sum_beta (chi_beta - chi_H)
// with Huggins electronegativities (H 2.20, C 2.60, N 3.05, O 3.50, F 3.90,
// Cl 3.15, Br 2.95, I 2.65, S 2.58, Si 1.90, P 2.19). The parameter set goes
// by the number of substituents: the paper's sets for two, three and four
// substituents, its general set otherwise (the values as tabulated in the
// paper and reproduced in PyDP4's Karplus module and Colby College's HLA
// calculator). xi_i = +1 or -1 by the substituent's place around its carbon
// (Altona's convention): -1 where, looking along the C-C bond, the
// substituent lies on the side that brings it anti-periplanar to the other
// carbon's proton when phi is positive - which lowers a gauche coupling, as
// an electronegative group anti to a coupled proton is known to.
#pragma once
#include <vector>

namespace qmnmr::chem::spectrum {

struct HlaSubstituent {
  double dchi = 0;  // (chi_alpha - chi_H) - P7 * sum over its beta atoms, Huggins scale
  int xi = 1;       // orientation, +1 or -1
};

struct HlaParameters {
  double p1, p2, p3, p4, p5, p6_deg, p7;
};

// The paper's parameter set for `substituents` non-hydrogen substituents on
// the H-C-C-H fragment: 2, 3, 4, or the general set for 0, 1.
const HlaParameters& hla_parameters(int substituents);

// Huggins electronegativity of an element by atomic number; 0 when the
// table has none (the caller then leaves the substituent term out).
double huggins_electronegativity(int atomic_number);

// 3J in Hz at dihedral `phi_deg` (H-C-C-H, signed, degrees).
double hla_coupling(double phi_deg, const std::vector<HlaSubstituent>& substituents,
                    const HlaParameters& parameters);

}  // namespace qmnmr::chem::spectrum
