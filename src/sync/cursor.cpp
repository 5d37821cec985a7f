#include "sync/flow.hpp"

namespace avni::sync {

bool After(const Cursor& position, const Cursor& cursor) {
  if (cursor.empty()) return true;
  if (cursor.time) {
    if (!position.time) return true;
    if (*position.time != *cursor.time) return *position.time > *cursor.time;
    return position.id > cursor.id;
  }
  if (cursor.numeric) return !position.numeric || *position.numeric > *cursor.numeric;
  return true;
}

}  // namespace avni::sync
