#include "cli/settings.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace custos::cli {
namespace {

namespace fs = std::filesystem;

class SettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("custos-cli-settings-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "custos");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes $XDG_CONFIG_HOME/custos/cli.toml and points the environment at it.
  void WriteDefaultConfig(const std::string& text) {
    std::ofstream(dir_ / "custos" / "cli.toml") << text;
    env_["XDG_CONFIG_HOME"] = dir_.string();
  }

  EnvLookup Env() {
    return [this](std::string_view name) -> std::optional<std::string> {
      auto it = env_.find(std::string(name));
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
  }

  fs::path dir_;
  std::map<std::string, std::string> env_;
};

TEST_F(SettingsTest, DefaultsWhenNothingIsGiven) {
  auto s = ResolveSettings({}, Env());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->server, "http://127.0.0.1:8080");
  EXPECT_EQ(s->token, "");
  EXPECT_EQ(s->output, OutputFormat::kTable);
  EXPECT_EQ(s->timeout, std::chrono::milliseconds(30000));
}

TEST_F(SettingsTest, FileOverridesDefaults) {
  WriteDefaultConfig(
      "server = \"http://file:1\"\ntoken = \"cst_file\"\noutput = \"json\"\n"
      "timeout = 5\n");
  auto s = ResolveSettings({}, Env());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->server, "http://file:1");
  EXPECT_EQ(s->token, "cst_file");
  EXPECT_EQ(s->output, OutputFormat::kJson);
  EXPECT_EQ(s->timeout, std::chrono::milliseconds(5000));
}

TEST_F(SettingsTest, EnvironmentOverridesFile) {
  WriteDefaultConfig("server = \"http://file:1\"\ntoken = \"cst_file\"\ntimeout = 5\n");
  env_["CUSTOS_SERVER"] = "http://env:2";
  env_["CUSTOS_TOKEN"] = "cst_env";
  env_["CUSTOS_TIMEOUT"] = "1.5";
  auto s = ResolveSettings({}, Env());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->server, "http://env:2");
  EXPECT_EQ(s->token, "cst_env");
  EXPECT_EQ(s->timeout, std::chrono::milliseconds(1500));
}

TEST_F(SettingsTest, FlagOverridesEnvironmentAndFile) {
  WriteDefaultConfig("server = \"http://file:1\"\ntoken = \"cst_file\"\n");
  env_["CUSTOS_SERVER"] = "http://env:2";
  env_["CUSTOS_TOKEN"] = "cst_env";
  GlobalFlags flags;
  flags.server = "http://flag:3";
  flags.token = "cst_flag";
  flags.output = "json";
  flags.timeout_s = 0.25;
  auto s = ResolveSettings(flags, Env());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->server, "http://flag:3");
  EXPECT_EQ(s->token, "cst_flag");
  EXPECT_EQ(s->output, OutputFormat::kJson);
  EXPECT_EQ(s->timeout, std::chrono::milliseconds(250));
}

TEST_F(SettingsTest, EachSettingFallsBackOnItsOwn) {
  WriteDefaultConfig("token = \"cst_file\"\n");
  env_["CUSTOS_SERVER"] = "http://env:2";
  auto s = ResolveSettings({}, Env());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->server, "http://env:2") << "from the environment";
  EXPECT_EQ(s->token, "cst_file") << "from the file, though the server came from env";
}

TEST_F(SettingsTest, HomeConfigIsTheDefaultWithoutXdg) {
  fs::create_directories(dir_ / ".config" / "custos");
  std::ofstream(dir_ / ".config" / "custos" / "cli.toml") << "server = \"http://home:4\"\n";
  env_["HOME"] = dir_.string();
  auto s = ResolveSettings({}, Env());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->server, "http://home:4");
}

TEST_F(SettingsTest, MissingDefaultFileIsFine) {
  env_["XDG_CONFIG_HOME"] = (dir_ / "nowhere").string();
  EXPECT_TRUE(ResolveSettings({}, Env()));
}

TEST_F(SettingsTest, MissingNamedFileIsAUsageError) {
  GlobalFlags flags;
  flags.config = (dir_ / "absent.toml").string();
  auto s = ResolveSettings(flags, Env());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().exit_code, kExitUsage);
  EXPECT_NE(s.error().message.find("absent.toml"), std::string::npos);
}

TEST_F(SettingsTest, TheServersConfigVariableIsNotTheClients) {
  std::ofstream(dir_ / "server.toml") << "data_dir = \"/var/lib/custos\"\n";
  env_["CUSTOS_CONFIG"] = (dir_ / "server.toml").string();
  EXPECT_TRUE(ResolveSettings({}, Env()));
}

TEST_F(SettingsTest, NamedFileWinsOverTheDefaultOne) {
  WriteDefaultConfig("server = \"http://default:1\"\n");
  std::ofstream(dir_ / "other.toml") << "server = \"http://named:5\"\n";
  GlobalFlags flags;
  flags.config = (dir_ / "other.toml").string();
  auto s = ResolveSettings(flags, Env());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->server, "http://named:5");
}

TEST_F(SettingsTest, BadFilesAndValuesAreUsageErrors) {
  const std::pair<const char*, const char*> cases[] = {
      {"server = ", "not TOML"},
      {"sever = \"http://x\"\n", "unknown key"},
      {"server = 8080\n", "wrong type"},
      {"output = \"yaml\"\n", "unknown output format"},
      {"timeout = -1\n", "negative timeout"},
  };
  for (const auto& [text, why] : cases) {
    WriteDefaultConfig(text);
    auto s = ResolveSettings({}, Env());
    ASSERT_FALSE(s) << why;
    EXPECT_EQ(s.error().exit_code, kExitUsage) << why;
  }
}

TEST_F(SettingsTest, EmptyEnvironmentValuesCountAsUnsetInTheProcessEnvironment) {
  ::setenv("CUSTOS_CLI_TEST_EMPTY", "", 1);
  EXPECT_FALSE(ProcessEnv()("CUSTOS_CLI_TEST_EMPTY"));
  ::setenv("CUSTOS_CLI_TEST_EMPTY", "x", 1);
  EXPECT_EQ(ProcessEnv()("CUSTOS_CLI_TEST_EMPTY"), "x");
  ::unsetenv("CUSTOS_CLI_TEST_EMPTY");
}

}  // namespace
}  // namespace custos::cli
