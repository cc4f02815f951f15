#include "fixture.h"

namespace custos::core {
namespace {

using TokenServiceTest = RegistryFixture;

TEST_F(TokenServiceTest, BootstrapCreatesOneAdminOnce) {
  auto first = tokens_->Bootstrap(std::nullopt);
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->has_value());
  auto actor = tokens_->Authenticate(**first);
  ASSERT_TRUE(actor);
  EXPECT_EQ(actor->role, Role::kAdmin);
  auto second = tokens_->Bootstrap(std::nullopt);
  ASSERT_TRUE(second);
  EXPECT_FALSE(second->has_value()) << "an admin exists: nothing new to print";
}

TEST_F(TokenServiceTest, BootstrapWithAGivenSecret) {
  EXPECT_FALSE(tokens_->Bootstrap(std::string("short")));
  auto made = tokens_->Bootstrap(std::string("0123456789abcdef-given"));
  ASSERT_TRUE(made);
  EXPECT_EQ(**made, "0123456789abcdef-given");
  EXPECT_TRUE(tokens_->Authenticate("0123456789abcdef-given"));
  EXPECT_FALSE(tokens_->Bootstrap(std::string("0123456789abcdef-given"))->has_value());
}

TEST_F(TokenServiceTest, CreateAuthenticateExpireRevoke) {
  auto created = tokens_->Create(admin_, "ci", Role::kOperator, clock_.Now() + 60'000);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_NE(created->token.secret_hash, created->secret);
  EXPECT_EQ(created->token.secret_hash, Sha256Hex(created->secret));
  auto actor = tokens_->Authenticate(created->secret);
  ASSERT_TRUE(actor);
  EXPECT_EQ(actor->name, "ci");
  EXPECT_EQ(actor->role, Role::kOperator);

  clock_.Advance(60'001);
  auto expired = tokens_->Authenticate(created->secret);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, ErrorCode::kUnauthenticated);

  auto other = *tokens_->Create(admin_, "dash", Role::kViewer, std::nullopt);
  ASSERT_TRUE(tokens_->Authenticate(other.secret));
  ASSERT_TRUE(tokens_->Revoke(admin_, other.token.id));
  EXPECT_FALSE(tokens_->Authenticate(other.secret));
  EXPECT_EQ(tokens_->Revoke(admin_, other.token.id).error().code,
            ErrorCode::kFailedPrecondition);
}

TEST_F(TokenServiceTest, OnlyAdminsManageTokens) {
  EXPECT_EQ(tokens_->Create(operator_, "x", Role::kViewer, std::nullopt).error().code,
            ErrorCode::kPermissionDenied);
  auto t = *tokens_->Create(admin_, "y", Role::kViewer, std::nullopt);
  EXPECT_EQ(tokens_->Revoke(operator_, t.token.id).error().code, ErrorCode::kPermissionDenied);
}

TEST_F(TokenServiceTest, UnknownAndMalformedSecretsAreRefused) {
  EXPECT_EQ(tokens_->Authenticate("").error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(tokens_->Authenticate("cst_nope").error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(tokens_->Authenticate(std::string(10000, 'x')).error().code,
            ErrorCode::kUnauthenticated);
}

TEST_F(TokenServiceTest, AuthorizeOrdersRoles) {
  EXPECT_TRUE(TokenService::Authorize(admin_, Role::kOperator));
  EXPECT_TRUE(TokenService::Authorize(operator_, Role::kViewer));
  EXPECT_FALSE(TokenService::Authorize(viewer_, Role::kOperator));
  EXPECT_FALSE(TokenService::Authorize(operator_, Role::kAdmin));
}

}  // namespace
}  // namespace custos::core
