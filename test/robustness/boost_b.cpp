// Robustness corpus: Boost containers, graph, multi_index, variant, optional.
// EXPECT: warning: 'shortest' .*Visits.*\[kara-effect-contract\]
#include <boost/container/flat_map.hpp>
#include <boost/container/small_vector.hpp>
#include <boost/container/stable_vector.hpp>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/multi_index/hashed_index.hpp>
#include <boost/multi_index/member.hpp>
#include <boost/multi_index/ordered_index.hpp>
#include <boost/multi_index_container.hpp>
#include <boost/optional.hpp>
#include <boost/variant.hpp>
#include <kara/annotations.hpp>

#include <string>
#include <vector>

int Visits;

struct Employee {
  int id;
  std::string name;
};
using Employees = boost::multi_index_container<
    Employee,
    boost::multi_index::indexed_by<
        boost::multi_index::ordered_unique<
            boost::multi_index::member<Employee, int, &Employee::id>>,
        boost::multi_index::hashed_non_unique<
            boost::multi_index::member<Employee, std::string, &Employee::name>>>>;

[[kara::pure]] int shortest(int n) {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS,
                                      boost::no_property,
                                      boost::property<boost::edge_weight_t, int>>;
  Graph g(n);
  for (int i = 0; i + 1 < n; ++i)
    boost::add_edge(i, i + 1, 1, g);
  std::vector<int> d(boost::num_vertices(g));
  boost::dijkstra_shortest_paths(g, 0, boost::distance_map(d.data()));
  ++Visits;
  return d.back();
}

[[kara::reads(HR)]] boost::optional<std::string> find_name(const Employees &e, int id) {
  auto it = e.find(id);
  if (it == e.end())
    return boost::none;
  return it->name;
}

struct Printer : boost::static_visitor<int> {
  int operator()(int x) const { return x; }
  int operator()(const std::string &s) const { return static_cast<int>(s.size()); }
};

[[kara::pure]] int containers(int n) {
  boost::container::flat_map<int, std::string> fm;
  boost::container::small_vector<int, 8> sv;
  boost::container::stable_vector<int> st;
  for (int i = 0; i < n; ++i) {
    fm.emplace(i, std::to_string(i));
    sv.push_back(i);
    st.push_back(i);
  }
  boost::variant<int, std::string> v = std::string("abc");
  return static_cast<int>(fm.size() + sv.size() + st.size()) +
         boost::apply_visitor(Printer(), v);
}
