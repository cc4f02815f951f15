// A device that connects with Paho C and a Last Will, says "connected", then waits to be
// killed: the will test ends it with SIGKILL, the way a device loses power.
// Usage: paho_will_client PORT CLIENT_ID USER PASSWORD WILL_TOPIC WILL_PAYLOAD
#include <MQTTClient.h>
#include <unistd.h>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: %s PORT CLIENT_ID USER PASSWORD WILL_TOPIC WILL_PAYLOAD\n",
                 argv[0]);
    return 2;
  }
  const std::string uri = std::string("tcp://127.0.0.1:") + argv[1];
  MQTTClient client;
  if (MQTTClient_create(&client, uri.c_str(), argv[2], MQTTCLIENT_PERSISTENCE_NONE, nullptr) !=
      MQTTCLIENT_SUCCESS) {
    return 1;
  }
  MQTTClient_connectOptions options = MQTTClient_connectOptions_initializer;
  MQTTClient_willOptions will = MQTTClient_willOptions_initializer;
  will.topicName = argv[5];
  will.message = argv[6];
  will.qos = 1;
  options.will = &will;
  options.username = argv[3];
  options.password = argv[4];
  options.keepAliveInterval = 60;
  options.cleansession = 1;
  const int rc = MQTTClient_connect(client, &options);
  if (rc != MQTTCLIENT_SUCCESS) {
    std::printf("connect failed: %d\n", rc);
    return 1;
  }
  std::printf("connected\n");
  std::fflush(stdout);
  for (;;) ::pause();
}
