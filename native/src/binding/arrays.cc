#include "arrays.h"

#include <string>

namespace quantkit {

bool refuse_array(const char* name, ArrayKind kind, Failure* f) {
  const ArrayRule r = rule_of(kind);
  return f->set(r.code, std::string(name) + " must be " + r.types);
}

}  // namespace quantkit
