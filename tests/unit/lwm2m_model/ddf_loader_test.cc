#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "lwm2m/model/model.h"

namespace custos::lwm2m {
namespace {

// A small definition in the registry's layout; `items` replaces its resources.
std::string Ddf(const std::string& items, const std::string& object_extra = "") {
  return R"(<?xml version="1.0" encoding="utf-8"?>
<LWM2M xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Object ObjectType="MODefinition">
    <Name>  Test   Sensor </Name>
    <Description1><![CDATA[A sensor for tests.]]></Description1>
    <ObjectID>33000</ObjectID>
    <ObjectURN>urn:oma:lwm2m:x:33000:1.1</ObjectURN>
    <LWM2MVersion>1.1</LWM2MVersion>
    <ObjectVersion>1.1</ObjectVersion>
    <MultipleInstances>Multiple</MultipleInstances>
    <Mandatory>Optional</Mandatory>)" +
         object_extra + "<Resources>" + items + "</Resources></Object></LWM2M>";
}

// `text` with the first `from` replaced by `to` (which must be there).
std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

const std::string kValueItem = R"(
      <Item ID="5700">
        <Name>Sensor Value</Name>
        <Operations>R</Operations>
        <MultipleInstances>Single</MultipleInstances>
        <Mandatory>Mandatory</Mandatory>
        <Type>Float</Type>
        <RangeEnumeration></RangeEnumeration>
        <Units>Cel</Units>
        <Description><![CDATA[Last measured value.]]></Description>
      </Item>)";

TEST(DdfLoaderTest, ReadsObjectAndResources) {
  auto defs = ParseDdf(Ddf(kValueItem + R"(
      <Item ID="5605"><Name>Reset Min and Max Measured Values</Name><Operations>E</Operations>
        <MultipleInstances>Single</MultipleInstances><Mandatory>Optional</Mandatory>
        <Type></Type><RangeEnumeration></RangeEnumeration><Units></Units>
        <Description>Resets.</Description></Item>
      <Item ID="1"><Name>Links</Name><Operations>RW</Operations>
        <MultipleInstances>Multiple</MultipleInstances><Mandatory>Optional</Mandatory>
        <Type>Corelnk</Type><Units></Units><Description></Description></Item>)"),
                       "test.xml");
  ASSERT_TRUE(defs) << defs.error().message;
  ASSERT_EQ(defs->size(), 1u);
  const auto& d = defs->front();
  EXPECT_EQ(d.id, 33000);
  EXPECT_EQ(d.name, "Test Sensor");  // whitespace collapsed
  EXPECT_EQ(d.description, "A sensor for tests.");
  EXPECT_EQ(d.urn, "urn:oma:lwm2m:x:33000:1.1");
  EXPECT_EQ(d.version, (ObjectVersion{1, 1}));
  EXPECT_EQ(d.lwm2m_version, (ObjectVersion{1, 1}));
  EXPECT_TRUE(d.multiple);
  EXPECT_FALSE(d.mandatory);
  ASSERT_EQ(d.resources.size(), 3u);
  EXPECT_EQ(d.resources[0].id, 1);  // ordered by id
  EXPECT_EQ(d.resources[0].type, ResourceType::kCoreLink);
  EXPECT_TRUE(d.resources[0].multiple);
  EXPECT_EQ(d.resources[0].range, "");  // element absent
  const auto* reset = d.FindResource(5605);
  ASSERT_NE(reset, nullptr);
  EXPECT_EQ(reset->operations, Operations::kExecute);
  EXPECT_EQ(reset->type, ResourceType::kNone);
  const auto* value = d.FindResource(5700);
  ASSERT_NE(value, nullptr);
  EXPECT_EQ(value->name, "Sensor Value");
  EXPECT_EQ(value->operations, Operations::kRead);
  EXPECT_TRUE(value->mandatory);
  EXPECT_EQ(value->type, ResourceType::kFloat);
  EXPECT_EQ(value->units, "Cel");
  EXPECT_EQ(value->description, "Last measured value.");
}

TEST(DdfLoaderTest, ToleratesTheRegistrysVariations) {
  // A byte order mark, values padded with whitespace and newlines, lower-case keywords, no
  // versions (pre-1.1 files), an empty Mandatory.
  std::string text = "\xEF\xBB\xBF" + Ddf(R"(
      <Item ID=" 7 ">
        <Name>
          Odd
        </Name>
        <Operations> rw </Operations>
        <MultipleInstances> single </MultipleInstances>
        <Mandatory></Mandatory>
        <Type> unsigned integer </Type>
        <RangeEnumeration> 0..10 </RangeEnumeration>
        <Units> s </Units>
        <Description></Description>
      </Item>)");
  text = Replace(text, "<LWM2MVersion>1.1</LWM2MVersion>", "");
  text = Replace(text, "<ObjectVersion>1.1</ObjectVersion>", "");
  auto defs = ParseDdf(text, "odd.xml");
  ASSERT_TRUE(defs) << defs.error().message;
  const auto& d = defs->front();
  EXPECT_EQ(d.version, (ObjectVersion{1, 0}));
  EXPECT_EQ(d.lwm2m_version, (ObjectVersion{1, 0}));
  const auto& r = d.resources.at(0);
  EXPECT_EQ(r.id, 7);
  EXPECT_EQ(r.name, "Odd");
  EXPECT_EQ(r.operations, Operations::kReadWrite);
  EXPECT_FALSE(r.multiple);
  EXPECT_FALSE(r.mandatory);
  EXPECT_EQ(r.type, ResourceType::kUnsignedInteger);
  EXPECT_EQ(r.range, "0..10");
  EXPECT_EQ(r.units, "s");
}

TEST(DdfLoaderTest, ReadsUtf16) {
  const std::string utf8 = Ddf(kValueItem);
  std::string utf16 = "\xFF\xFE";  // little-endian byte order mark
  for (char c : utf8) {
    utf16 += c;
    utf16 += '\0';
  }
  auto defs = ParseDdf(utf16, "utf16.xml");
  ASSERT_TRUE(defs) << defs.error().message;
  EXPECT_EQ(defs->front().FindResource(5700)->name, "Sensor Value");
}

TEST(DdfLoaderTest, ReadsEveryObjectOfAFile) {
  std::string text = Ddf(kValueItem);
  const auto object =
      text.substr(text.find("<Object "), text.find("</LWM2M>") - text.find("<Object "));
  const std::string second = Replace(object, "33000</ObjectID>", "33001</ObjectID>");
  text.insert(text.find("</LWM2M>"), second);
  auto defs = ParseDdf(text, "two.xml");
  ASSERT_TRUE(defs) << defs.error().message;
  ASSERT_EQ(defs->size(), 2u);
  EXPECT_EQ((*defs)[1].id, 33001);
}

// Each bad document is refused with a message naming the file and the element.
TEST(DdfLoaderTest, ErrorsNameTheFileAndTheElement) {
  struct Case {
    std::string text;
    std::string expected;  // a part of the message
  };
  auto item_with = [](const std::string& from, const std::string& to) {
    return Ddf(Replace(kValueItem, from, to));
  };
  const std::string good = Ddf(kValueItem);
  const Case cases[] = {
      {item_with("<Type>Float</Type>", "<Type>Real</Type>"),
       "bad.xml: /LWM2M/Object[ObjectID=\"33000\"]/Resources/Item[@ID=\"5700\"]/Type: unknown "
       "data type \"Real\""},
      {item_with("<Operations>R</Operations>", "<Operations>RX</Operations>"),
       "Item[@ID=\"5700\"]/Operations: \"RX\" is not R, W, RW, E or empty"},
      {item_with("<Operations>R</Operations>", ""), "Item[@ID=\"5700\"]/Operations: missing"},
      {item_with("ID=\"5700\"", "ID=\"x\""), "Item[@ID=\"x\"]: the ID attribute"},
      {item_with("ID=\"5700\"", "ID=\"65535\""), "Item[@ID=\"65535\"]: the ID attribute"},
      {item_with("<Name>Sensor Value</Name>", "<Name> </Name>"),
       "Item[@ID=\"5700\"]/Name: missing or empty"},
      {item_with("<MultipleInstances>Single", "<MultipleInstances>Once"),
       "Item[@ID=\"5700\"]/MultipleInstances: \"Once\" is neither Single nor Multiple"},
      {item_with("<Mandatory>Mandatory", "<Mandatory>Maybe"),
       "/Mandatory: \"Maybe\" is neither Mandatory nor Optional"},
      {Ddf(kValueItem + kValueItem), "/Resources: resource ID 5700 is defined twice"},
      {Replace(good, "<ObjectID>33000</ObjectID>", ""),
       "bad.xml: /LWM2M/Object/ObjectID: missing or not an object id"},
      {Replace(good, "<MultipleInstances>Multiple", "<MultipleInstances>Many"),
       "Object[ObjectID=\"33000\"]/MultipleInstances: \"Many\" is neither"},
      {Replace(good, "<ObjectVersion>1.1", "<ObjectVersion>one"),
       "Object[ObjectID=\"33000\"]/ObjectVersion: \"one\" is not major.minor"},
      {Replace(good, "ObjectType=\"MODefinition\"", "ObjectType=\"MOInstance\""),
       "/LWM2M/Object: ObjectType \"MOInstance\" is not \"MODefinition\""},
      {Replace(Replace(good, "<Resources>", "<Rsrcs>"), "</Resources>", "</Rsrcs>"),
       "/Resources: missing"},
      {"<LWM2M></LWM2M>", "bad.xml: /LWM2M: no <Object> element"},
      {"<units><title/></units>", "the root element is <units>, not <LWM2M>"},
      {"<LWM2M><Object>", "bad.xml: not well-formed XML at byte"},
      {"", "bad.xml: not well-formed XML"},
  };
  for (const auto& c : cases) {
    auto defs = ParseDdf(c.text, "bad.xml");
    ASSERT_FALSE(defs) << c.expected;
    EXPECT_EQ(defs.error().code, core::ErrorCode::kInvalidArgument);
    EXPECT_NE(defs.error().message.find(c.expected), std::string::npos)
        << "got: " << defs.error().message << "\nwanted: " << c.expected;
  }
}

TEST(DdfLoaderTest, NeverReadsExternalEntities) {
  // pugixml skips the DOCTYPE: the entity is not defined, let alone read from the file.
  const std::string text = R"(<?xml version="1.0"?>
<!DOCTYPE LWM2M [<!ENTITY secret SYSTEM "file:///etc/passwd">]>)" +
                           Ddf(kValueItem).substr(Ddf(kValueItem).find("<LWM2M"));
  auto defs = ParseDdf(Replace(text, "Last measured value.", "&secret;"), "xxe.xml");
  ASSERT_TRUE(defs) << defs.error().message;
  EXPECT_EQ(defs->front().FindResource(5700)->description.find("root:"), std::string::npos);
}

class DdfFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("custos_ddf_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "sub");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }
  std::filesystem::path dir_;
};

TEST_F(DdfFilesTest, ADirectoryLoadsGoodFilesAndReportsBadOnes) {
  Write("33000.xml", Ddf(kValueItem));
  Write("33001.xml", Replace(Ddf(kValueItem), "33000</ObjectID>", "33001</ObjectID>"));
  Write("broken.xml", "<LWM2M><Object>");
  Write("README.md", "# not a definition");
  Write("sub/33002.xml", Ddf(kValueItem));  // subdirectories are not read
  auto report = LoadDdfDirectory(dir_);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->files_loaded, 2u);
  ASSERT_EQ(report->definitions.size(), 2u);
  EXPECT_EQ(report->definitions[0].id, 33000);  // file name order
  EXPECT_EQ(report->definitions[1].id, 33001);
  ASSERT_EQ(report->problems.size(), 1u);
  EXPECT_EQ(report->problems[0].file, (dir_ / "broken.xml").string());
  EXPECT_NE(report->problems[0].message.find("broken.xml: not well-formed XML"), std::string::npos);
  EXPECT_EQ(report->ignored.size(), 2u);  // README.md, sub
}

TEST_F(DdfFilesTest, MissingFileAndDirectoryAreErrors) {
  auto file = LoadDdfFile(dir_ / "absent.xml");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().code, core::ErrorCode::kNotFound);
  EXPECT_NE(file.error().message.find("absent.xml"), std::string::npos);
  auto dir = LoadDdfDirectory(dir_ / "absent");
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().code, core::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace custos::lwm2m
