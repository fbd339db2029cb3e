// A key-value cache with worker processes under a supervisor, answering
// while a random worker is killed every few milliseconds (fault injection,
// docs/supervision.md).
//
//   kvcache [seconds=10] [shards=8] [clients=4] [kill_every_ms=3]
//
// Each shard is a kara::server that caches its part of the keys and writes
// through to a per-shard store process (the durable part, not under fault
// injection) before it acknowledges a write; a restarted shard rebuilds its
// cache from the store. Clients find shards by registered name and retry a
// request that fails (the shard died, or was restarting), so a write is
// acknowledged exactly when it is in the store. At the end every key's last
// acknowledged value is read back: any difference is a lost write. Exit
// status 1 if a write was lost or a read returned a value other than the last
// acknowledged one.
#include <kara/runtime.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

using map_t = std::unordered_map<std::string, long>;

// The durable side of one shard.
class Store {
public:
  void put(std::string key, long value) { data_[std::move(key)] = value; }
  std::optional<long> get(std::string key) const {
    auto it = data_.find(key);
    return it == data_.end() ? std::nullopt : std::optional<long>(it->second);
  }
  map_t snapshot() const { return data_; }

private:
  map_t data_;
};

// A cache worker: fresh state on every (re)start, built from its store.
class Shard {
public:
  explicit Shard(kara::server<Store> store)
      : store_(std::move(store)), cache_(store_.call(&Store::snapshot)) {}
  void put(std::string key, long value) {
    store_.call(&Store::put, key, value); // durable before acknowledged
    cache_[std::move(key)] = value;
  }
  std::optional<long> get(std::string key) const {
    auto it = cache_.find(key);
    return it == cache_.end() ? std::nullopt : std::optional<long>(it->second);
  }

private:
  kara::server<Store> store_;
  map_t cache_;
};

std::string shard_name(std::size_t i) {
  return "kv.shard." + std::to_string(i);
}

std::optional<kara::server<Shard>> find_shard(std::size_t i) {
  auto p = kara::registry::find(shard_name(i));
  if (!p)
    return std::nullopt;
  return kara::server<Shard>::from(*p);
}

struct client_stats {
  long answered = 0, retries = 0, bad_reads = 0;
  std::map<std::string, long> acked; // key -> last acknowledged value
};

// Retries `op(shard)` until it answers. Returns false when told to stop.
template <class Op>
bool with_retry(std::size_t shard, client_stats &st,
                const std::atomic<bool> &stop, Op op) {
  for (;;) {
    if (auto s = find_shard(shard)) {
      try {
        op(*s);
        ++st.answered;
        return true;
      } catch (const kara::process_exited &) {
      } catch (const kara::call_timeout &) {
      }
    }
    ++st.retries;
    if (stop.load(std::memory_order_relaxed))
      return false;
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
}

} // namespace

int main(int argc, char **argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 10.0;
  const std::size_t shards = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 8;
  const int clients = argc > 3 ? std::atoi(argv[3]) : 4;
  const int kill_ms = argc > 4 ? std::atoi(argv[4]) : 3;
  if (seconds <= 0 || shards == 0 || clients <= 0 || kill_ms <= 0) {
    std::fprintf(stderr, "usage: kvcache [seconds>0] [shards>0] [clients>0] "
                         "[kill_every_ms>0]\n");
    return 2;
  }

  std::vector<kara::server<Store>> stores;
  std::vector<kara::child_spec> specs;
  for (std::size_t i = 0; i < shards; ++i) {
    stores.push_back(kara::start<Store>());
    auto spec = kara::worker<Shard>("shard" + std::to_string(i), stores[i]);
    spec.name = shard_name(i);
    spec.shutdown = std::chrono::milliseconds(100);
    specs.push_back(std::move(spec));
  }
  // A restart storm limit far above the injected rate: the point is that
  // the service keeps answering, not that the supervisor gives up.
  auto sup = kara::supervisor::start(
      {kara::strategy::one_for_one, 1000000, std::chrono::seconds(1)}, specs);

  std::atomic<bool> stop{false};
  std::vector<client_stats> stats(static_cast<std::size_t>(clients));
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      client_stats &st = stats[static_cast<std::size_t>(c)];
      std::mt19937 rng(static_cast<unsigned>(c) + 1);
      long next = 1;
      while (!stop.load(std::memory_order_relaxed)) {
        const std::string key =
            "c" + std::to_string(c) + ".k" + std::to_string(rng() % 64);
        const std::size_t shard = std::hash<std::string>()(key) % shards;
        if (rng() % 2 == 0) {
          const long value = next++;
          if (with_retry(shard, st, stop, [&](const kara::server<Shard> &s) {
                s.call_for(std::chrono::milliseconds(200), &Shard::put, key,
                           value);
              }))
            st.acked[key] = value;
        } else {
          std::optional<long> got;
          if (with_retry(shard, st, stop, [&](const kara::server<Shard> &s) {
                got = s.call_for(std::chrono::milliseconds(200), &Shard::get,
                                 key);
              })) {
            auto it = st.acked.find(key);
            // Only this client writes its keys: a read sees its last
            // acknowledged write, or a later unacknowledged attempt of the
            // value being retried (never an older one).
            if (it != st.acked.end() && (!got || *got < it->second))
              ++st.bad_reads;
          }
        }
      }
    });

  long kills = 0;
  std::mt19937 rng(42);
  const auto start = std::chrono::steady_clock::now();
  const auto until = start + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kill_ms));
    if (auto s = find_shard(rng() % shards)) {
      // Alternate a kill with a crash (an exception in the worker).
      if (kills % 2 == 0)
        s->kill();
      else
        s->exit(kara::exit_reason::exception(
            std::make_exception_ptr(std::runtime_error("injected fault"))));
      ++kills;
    }
  }
  stop = true;
  for (auto &t : threads)
    t.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();

  long answered = 0, retries = 0, bad_reads = 0, lost = 0, keys = 0;
  for (auto &st : stats) {
    answered += st.answered;
    retries += st.retries;
    bad_reads += st.bad_reads;
    for (auto &[key, value] : st.acked) {
      ++keys;
      const std::size_t shard = std::hash<std::string>()(key) % shards;
      const std::optional<long> durable = stores[shard].call(&Store::get, key);
      if (!durable || *durable != value)
        ++lost;
    }
  }
  const std::size_t restarts = sup.restarts();
  sup.stop();
  for (auto &s : stores)
    s.exit();
  std::printf("kvcache: %.1f s, %zu shards, %d clients, a fault every %d ms\n",
              elapsed, shards, clients, kill_ms);
  std::printf("requests answered: %ld (%.0f/s), failed attempts retried: %ld\n",
              answered, static_cast<double>(answered) / elapsed, retries);
  std::printf("faults injected: %ld, restarts: %zu\n", kills, restarts);
  std::printf("keys checked: %ld, lost writes: %ld, stale reads: %ld\n", keys,
              lost, bad_reads);
  return lost == 0 && bad_reads == 0 && restarts > 0 ? 0 : 1;
}
