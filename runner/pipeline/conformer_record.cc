// reusable_record / write_record.
#include "runner/pipeline/conformer_record.h"

#include "queue/atomic_file.h"
#include "queue/json_limits.h"

namespace qmnmr::runner {

std::optional<Conformer> reusable_record(const std::filesystem::path& record) {
  if (!std::filesystem::exists(record)) return std::nullopt;
  auto c = Conformer::from_json(queue::read_json_file(record));
  if (c.state == ConformerState::dropped && c.failure && !c.failure->final) return std::nullopt;
  return c;
}

void write_record(const std::filesystem::path& record, const Conformer& conformer) {
  queue::write_file_atomic(record, conformer.to_json().dump(1));
}

}  // namespace qmnmr::runner
