// Object 2, LwM2M Access Control: which server may do what on which object instance.
#include "lwm2m/model/builtin_table.h"

namespace custos::lwm2m::builtin {
namespace {

using enum ResourceType;

constexpr Header kAccessControl11{2,
                                  "LwM2M Access Control",
                                  {1, 1},
                                  {1, 0},
                                  "urn:oma:lwm2m:oma:2:1.1",
                                  kMultiple,
                                  kOptional,
                                  "Access rights of LwM2M Servers to one object instance (or to "
                                  "creating instances of an object)."};
constexpr Header kAccessControl10{2,         "",        {1, 0}, {1, 0}, "urn:oma:lwm2m:oma:2",
                                  kMultiple, kOptional, ""};

constexpr Row kRows[] = {
    {0, "Object ID", kR, kSingle, kMandatory, kInteger, "1..65534", "",
     "The object the rights apply to."},
    {1, "Object Instance ID", kR, kSingle, kMandatory, kInteger, "0..65535", "",
     "The object instance the rights apply to; 65535 for the right to create."},
    {2, "ACL", kRW, kMultiple, kOptional, kInteger, "0..31", "",
     "Per Short Server ID (the instance id; 0 for the default) a bit mask: 1 read, 2 write, "
     "4 execute, 8 delete, 16 create."},
    {3, "Access Control Owner", kRW, kSingle, kMandatory, kInteger, "0..65535", "",
     "Short Server ID of the server that manages this instance; 65535 for the bootstrap."},
};

}  // namespace

void AddAccessControl(std::vector<ObjectDefinition>& out) {
  const auto v11 = Make(kAccessControl11, kRows);
  auto v10 = Older(v11, kAccessControl10, Ids(0, 3));
  Resource(v10, 2).range = "16-bit";
  out.push_back(std::move(v10));
  out.push_back(v11);
}

}  // namespace custos::lwm2m::builtin
