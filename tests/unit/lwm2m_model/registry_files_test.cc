// The OMA registry's own definition files (CUSTOS_LWM2M_MODELS_DIR): every one loads, and the
// built-in core objects agree with the registry's definitions of them, resource by resource.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "lwm2m/model/model.h"

namespace custos::lwm2m {
namespace {

const std::filesystem::path kModels = CUSTOS_LWM2M_MODELS_DIR;

class RegistryFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(kModels)) {
      GTEST_SKIP() << "no registry definition files at " << kModels
                   << " (configure with -DCUSTOS_LWM2M_MODELS_DIR=...)";
    }
  }
};

TEST_F(RegistryFilesTest, EveryDefinitionFileLoads) {
  auto report = LoadDdfDirectory(kModels);
  ASSERT_TRUE(report) << report.error().message;
  std::size_t xml_files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kModels)) {
    xml_files += entry.path().extension() == ".xml" && entry.is_regular_file();
  }
  std::cout << "[          ] " << xml_files << " XML files: " << report->files_loaded << " loaded ("
            << report->definitions.size() << " definitions), " << report->problems.size()
            << " reported; " << report->ignored.size() << " other files ignored\n";
  for (const auto& p : report->problems) std::cout << "[          ]   " << p.message << "\n";
  EXPECT_EQ(report->files_loaded + report->problems.size(), xml_files);
  // The only files refused are those that are not object definitions at all (the registry
  // keeps its list of SenML units beside them).
  for (const auto& p : report->problems) {
    EXPECT_NE(p.message.find("not an object definition file"), std::string::npos) << p.message;
  }
  EXPECT_GE(report->files_loaded * 100, xml_files * 99);
  EXPECT_EQ(report->definitions.size(), report->files_loaded);  // one object per file
  // Every definition has a name and its resources are in order and unique.
  for (const auto& d : report->definitions) {
    EXPECT_FALSE(d.name.empty()) << d.id;
    EXPECT_TRUE(std::is_sorted(d.resources.begin(), d.resources.end(),
                               [](const auto& a, const auto& b) { return a.id < b.id; }));
  }
}

TEST_F(RegistryFilesTest, LoadedDefinitionsReplaceTheBuiltinsOfTheSameVersion) {
  ObjectRegistry registry;
  const std::size_t builtins = registry.size();
  auto report = registry.AddDirectory(kModels);
  ASSERT_TRUE(report) << report.error().message;
  // The registry's 0-7 and 9 are the latest built-in versions: they replace, all others add.
  EXPECT_EQ(registry.size(), builtins + report->definitions.size() - 9);
  EXPECT_EQ(registry.Find(3)->version, (ObjectVersion{1, 2}));
  EXPECT_NE(registry.Find(3, ObjectVersion{1, 0}), nullptr);  // older built-ins stay
  ASSERT_NE(registry.Find(3303), nullptr);
  EXPECT_EQ(registry.Find(3303)->name, "Temperature");
  EXPECT_EQ(registry.TypeAt(Path::Resource(3303, 0, 5700)), ResourceType::kFloat);
}

// The built-in tables, written from the specification, against the registry's files: the
// latest version of each core object must match resource by resource.
TEST_F(RegistryFilesTest, BuiltinObjectsAgreeWithTheRegistry) {
  const ObjectRegistry builtins;
  for (std::uint16_t id : {0, 1, 2, 3, 4, 5, 6, 7, 9}) {
    SCOPED_TRACE("object " + std::to_string(id));
    auto defs = LoadDdfFile(kModels / (std::to_string(id) + ".xml"));
    ASSERT_TRUE(defs) << defs.error().message;
    const auto& file = defs->front();
    const auto* mine = builtins.Find(id, file.version);
    ASSERT_NE(mine, nullptr) << "no built-in version " << ToString(file.version);
    EXPECT_EQ(mine, builtins.Find(id)) << "the registry's version is the latest built in";
    EXPECT_EQ(mine->name, file.name);
    EXPECT_EQ(mine->urn, file.urn);
    EXPECT_EQ(mine->lwm2m_version, file.lwm2m_version);
    EXPECT_EQ(mine->multiple, file.multiple);
    EXPECT_EQ(mine->mandatory, file.mandatory);
    ASSERT_EQ(mine->resources.size(), file.resources.size());
    for (std::size_t i = 0; i < file.resources.size(); ++i) {
      const auto& theirs = file.resources[i];
      const auto& ours = mine->resources[i];
      SCOPED_TRACE("resource " + std::to_string(theirs.id) + " " + theirs.name);
      EXPECT_EQ(ours.id, theirs.id);
      EXPECT_EQ(ours.name, theirs.name);
      EXPECT_EQ(ours.type, theirs.type);
      EXPECT_EQ(ours.operations, theirs.operations);
      EXPECT_EQ(ours.multiple, theirs.multiple);
      EXPECT_EQ(ours.mandatory, theirs.mandatory);
      EXPECT_EQ(ours.range, theirs.range);
      EXPECT_EQ(ours.units, theirs.units);
    }
  }
}

}  // namespace
}  // namespace custos::lwm2m
