// Robustness corpus: nlohmann/json.
// EXPECT: warning: 'load_config' .*Cache.*\[kara-effect-contract\]
#include <kara/annotations.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

std::vector<std::string> Cache;

struct Point {
  int x = 0, y = 0;
};
void to_json(nlohmann::json &j, const Point &p) { j = {{"x", p.x}, {"y", p.y}}; }
void from_json(const nlohmann::json &j, Point &p) {
  j.at("x").get_to(p.x);
  j.at("y").get_to(p.y);
}

[[kara::reads(Config)]] int load_config(const std::string &text) {
  nlohmann::json j = nlohmann::json::parse(text);
  Cache.push_back(j.dump(2));
  return j.value("threads", 1);
}

[[kara::pure]] nlohmann::json make_points(int n) {
  nlohmann::json arr = nlohmann::json::array();
  for (int i = 0; i < n; ++i)
    arr.push_back(Point{i, 2 * i});
  std::vector<Point> back = arr.get<std::vector<Point>>();
  nlohmann::json out;
  out["count"] = back.size();
  out["flat"] = nlohmann::json::to_cbor(arr);
  return out;
}

[[kara::reads(Config)]] bool patch(nlohmann::json &doc) {
  nlohmann::json p = nlohmann::json::parse(R"([{"op":"add","path":"/a","value":1}])");
  doc = doc.patch(p);
  for (auto &[k, v] : doc.items())
    (void)k, (void)v;
  return doc.contains("a");
}
