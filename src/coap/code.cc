#include "coap/code.h"

namespace custos::coap {

std::string ToString(Code code) {
  std::string text(4, '0');
  text[0] = static_cast<char>('0' + code.Class());
  text[1] = '.';
  text[2] = static_cast<char>('0' + code.Detail() / 10);
  text[3] = static_cast<char>('0' + code.Detail() % 10);
  return text;
}

}  // namespace custos::coap
