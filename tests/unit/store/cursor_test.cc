// Pagination cursors and their base64url text.
#include "store/sqlite/cursor.h"

#include <gtest/gtest.h>

#include "core/store.h"

namespace custos::store::sqlite {
namespace {

TEST(Base64UrlTest, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
  };
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(Base64UrlEncode(plain), encoded);
    auto decoded = Base64UrlDecode(encoded);
    ASSERT_TRUE(decoded) << encoded;
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base64UrlTest, UsesTheUrlAlphabet) {
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(*Base64UrlDecode("-_8"), "\xfb\xff");
}

TEST(Base64UrlTest, RejectsWhatIsNotCanonicalBase64Url) {
  for (const char* bad : {"Zg==", "Zm9v+", "Zm9/", "Z", "Zm9vY", "Zh", "Zm9 "}) {
    EXPECT_FALSE(Base64UrlDecode(bad)) << bad;
  }
}

TEST(CursorTest, RoundTripsEveryValueKind) {
  const SortField* name = FindSortField("name");
  const SortField* created = FindSortField("created_at");
  const SortField* firmware = FindSortField("firmware_version");
  ASSERT_TRUE(name && created && firmware);
  struct Case {
    const SortField* field;
    CursorPosition at;
  };
  const Case cases[] = {
      {name, {SqlParam::Text("sensor-0042"), 42}},
      {name, {SqlParam::Text(std::string("a\0b", 3)), 1}},
      {created, {SqlParam::Int(-5), 1LL << 40}},
      {firmware, {SqlParam::Blob(std::string("\x00\xff\x01", 3)), 7}},
  };
  for (const Case& c : cases) {
    for (bool descending : {false, true}) {
      std::string text = EncodeCursor(*c.field, descending, c.at);
      auto back = DecodeCursor(text, *c.field, descending);
      ASSERT_TRUE(back) << back.error().message;
      EXPECT_EQ(back->value, c.at.value);
      EXPECT_EQ(back->id, c.at.id);
    }
  }
}

TEST(CursorTest, RejectsACursorForAnotherSortOrDirection) {
  const SortField* name = FindSortField("name");
  const SortField* model = FindSortField("model");
  std::string text = EncodeCursor(*name, false, {SqlParam::Text("x"), 1});
  EXPECT_EQ(DecodeCursor(text, *model, false).error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(DecodeCursor(text, *name, true).error().code, core::ErrorCode::kInvalidArgument);
}

TEST(CursorTest, RejectsEveryCorruption) {
  const SortField* name = FindSortField("name");
  std::string text = EncodeCursor(*name, false, {SqlParam::Text("sensor-1"), 9});
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string bad = text;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(DecodeCursor(bad, *name, false)) << "position " << i;
  }
  for (std::size_t len = 0; len < text.size(); ++len) {
    EXPECT_FALSE(DecodeCursor(text.substr(0, len), *name, false)) << "length " << len;
  }
}

TEST(CursorTest, KnowsTheSortableFields) {
  for (const char* f : {"id", "name", "created_at", "updated_at", "last_seen", "manufacturer",
                        "model", "firmware_version", "state"}) {
    EXPECT_NE(FindSortField(f), nullptr) << f;
    EXPECT_TRUE(core::IsSortableDeviceField(f)) << f;
  }
  EXPECT_EQ(FindSortField("serial"), nullptr);
  EXPECT_EQ(FindSortField("labels.region"), nullptr);
}

}  // namespace
}  // namespace custos::store::sqlite
