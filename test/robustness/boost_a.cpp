// Robustness corpus: Boost (Debian libboost-dev), heavy template libraries:
// asio, spirit (qi), lexical_cast, format.
// EXPECT: warning: 'parse_csv' .*Parsed.*\[kara-effect-contract\]
#include <boost/asio.hpp>
#include <boost/format.hpp>
#include <boost/lexical_cast.hpp>
#include <boost/spirit/include/qi.hpp>
#include <kara/annotations.hpp>

#include <string>
#include <vector>

int Parsed;

[[kara::pure]] std::vector<double> parse_csv(const std::string &text) {
  namespace qi = boost::spirit::qi;
  std::vector<double> out;
  auto first = text.begin();
  qi::phrase_parse(first, text.end(), qi::double_ % ',', qi::space, out);
  Parsed += static_cast<int>(out.size());
  return out;
}

[[kara::reads(Net)]] std::string describe(int port) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::endpoint ep(boost::asio::ip::make_address("127.0.0.1"),
                                    static_cast<unsigned short>(port));
  boost::asio::steady_timer t(io);
  t.async_wait([](const boost::system::error_code &) {});
  io.poll();
  return (boost::format("%1%:%2%") % ep.address().to_string() % ep.port()).str() +
         boost::lexical_cast<std::string>(port);
}
