# FindRDKit: Debian's librdkit-dev ships headers and libraries but no CMake
# config. Defines the imported target RDKit::RDKit (the libraries qmnmr uses).
find_path(RDKit_INCLUDE_DIR GraphMol/ROMol.h PATH_SUFFIXES rdkit)
set(_rdkit_components
  FileParsers SmilesParse DistGeomHelpers ForceFieldHelpers MolAlign
  SubstructMatch Descriptors MolTransforms SimDivPickers DataStructs
  ForceField DistGeometry Optimizer Alignment EigenSolvers
  MolStandardize GraphMol RDGeometryLib RDGeneral RDStreams)
set(RDKit_LIBRARIES "")
foreach(c IN LISTS _rdkit_components)
  find_library(RDKit_${c}_LIBRARY NAMES RDKit${c})
  if(RDKit_${c}_LIBRARY)
    list(APPEND RDKit_LIBRARIES "${RDKit_${c}_LIBRARY}")
  else()
    list(APPEND _rdkit_missing ${c})
  endif()
endforeach()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(RDKit
  REQUIRED_VARS RDKit_INCLUDE_DIR RDKit_GraphMol_LIBRARY RDKit_SmilesParse_LIBRARY
  REASON_FAILURE_MESSAGE "install librdkit-dev (scripts/bootstrap does)")
if(RDKit_FOUND AND NOT TARGET RDKit::RDKit)
  add_library(RDKit::RDKit INTERFACE IMPORTED)
  set_target_properties(RDKit::RDKit PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${RDKit_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${RDKit_LIBRARIES};Boost::system")
endif()
mark_as_advanced(RDKit_INCLUDE_DIR)
