// The web page: HTML built on the server from the same views the JSON API
// returns - a submit form (SMILES or a MOL/SDF/XYZ file, solvent, preset,
// conformers), a status page that follows the stages and conformers, and a
// results page with the shift tables, both spectra and the downloads. Plain
// forms and links work with JavaScript off (the status page then refreshes
// itself); with it on, the status page updates in place from the API. No
// external resources: styles and script are inline.
#pragma once
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace qmnmr::api {

// Text safe inside HTML elements and quoted attributes (chem::xml_escape).
std::string html_escape(const std::string& text);

struct SubmitPage {
  std::map<std::string, std::string> values;  // what the user typed, shown again after an error
  std::string error;                          // empty: none
  std::string error_field;
  bool token_required = false;
  std::vector<nlohmann::json> recent_jobs;  // job_list_row()s, newest first
};
std::string submit_page(const SubmitPage& page);

// `view` is job_status_response().
std::string status_page(const nlohmann::json& view);
std::string results_page(const nlohmann::json& view);

// A page for an error (404, 409): the problem's title and detail, a way back.
std::string error_page(const std::string& title, const std::string& detail);

}  // namespace qmnmr::api
