// Shared by the prediction sinks: clock, timestamps, UUIDv7 event ids, sampling, host name.
#include "engine/log_common.h"

#include <fmt/format.h>
#include <pthread.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>

namespace hunch {
namespace {

// splitmix64's output function: turns a counter into well-mixed bits.
uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Event ids: UUIDv7 (RFC 9562 §5.7) made monotonic by §6.2 method 2: when the millisecond
// repeats (or the clock steps back) the 74 random bits are incremented instead of redrawn, so
// ids handed out by one process are strictly increasing. The random bits come from xoshiro256**
// seeded by getrandom(); a forked child reseeds so it never repeats its parent's ids.
class UuidV7Generator {
 public:
  std::string Next(int64_t unix_ms) {
    std::call_once(at_fork_registered_, [] {
      pthread_atfork([] { generator.mu_.lock(); }, [] { generator.mu_.unlock(); },
                     [] {
                       generator.seeded_ = false;
                       generator.mu_.unlock();
                     });
    });
    uint64_t high, low;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!seeded_) Seed();
      unix_ms = std::clamp<int64_t>(unix_ms, 0, (1LL << 48) - 1);
      if (unix_ms > last_ms_) {
        last_ms_ = unix_ms;
        rand_a_ = NextRandom() >> 52;
        rand_b_ = NextRandom() >> 2;
      } else if (++rand_b_ >> 62) {  // carry from the 62 bits of rand_b into the 12 of rand_a
        rand_b_ = 0;
        if (++rand_a_ >> 12) {
          rand_a_ = 0;
          ++last_ms_;
        }
      }
      high = (static_cast<uint64_t>(last_ms_) << 16) | 0x7000 | rand_a_;
      low = (2ULL << 62) | rand_b_;
    }
    return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", high >> 32, (high >> 16) & 0xffff,
                       high & 0xffff, low >> 48, low & 0xffffffffffffULL);
  }

  static UuidV7Generator generator;

 private:
  void Seed() {
    uint64_t entropy[4];
    if (getrandom(entropy, sizeof entropy, 0) != static_cast<ssize_t>(sizeof entropy)) {
      // No kernel entropy (old kernel, seccomp filter): clock, pid and a stack address are weaker
      // but still differ between processes.
      const uint64_t base = static_cast<uint64_t>(NowMicros()) ^
                            (static_cast<uint64_t>(getpid()) << 32) ^
                            reinterpret_cast<uintptr_t>(&entropy);
      for (int i = 0; i < 4; ++i) entropy[i] = Mix64(base + (i + 1) * 0x9e3779b97f4a7c15ULL);
    }
    std::memcpy(state_, entropy, sizeof state_);
    if ((state_[0] | state_[1] | state_[2] | state_[3]) == 0) state_[0] = 1;  // xoshiro needs != 0
    seeded_ = true;
  }

  uint64_t NextRandom() {  // xoshiro256**
    auto rotl = [](uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
    const uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  std::once_flag at_fork_registered_;
  std::mutex mu_;
  bool seeded_ = false;
  uint64_t state_[4] = {};
  int64_t last_ms_ = -1;
  uint64_t rand_a_ = 0;  // 12 bits
  uint64_t rand_b_ = 0;  // 62 bits
};

UuidV7Generator UuidV7Generator::generator;

}  // namespace

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The proleptic Gregorian UTC calendar of std::chrono: no time zone state, unlike gmtime().
CivilTime ToCivil(int64_t unix_us) {
  using namespace std::chrono;
  const sys_time<microseconds> time{microseconds{unix_us}};
  const sys_days day = floor<days>(time);
  const year_month_day ymd{day};
  const hh_mm_ss<microseconds> hms{time - day};
  return {static_cast<int>(ymd.year()),
          static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day()),
          static_cast<unsigned>(hms.hours().count()),
          static_cast<unsigned>(hms.minutes().count()),
          static_cast<unsigned>(hms.seconds().count()),
          hms.subseconds().count()};
}

std::string FormatTimestamp(int64_t unix_us) {
  // Written digit by digit: it runs once per record, where fmt::format showed up in profiles.
  const CivilTime t = ToCivil(unix_us);
  char buf[28] = "0000-00-00T00:00:00.000000Z";
  auto put = [&buf](int at, int64_t value, int digits) {
    for (int i = at + digits - 1; i >= at; --i, value /= 10)
      buf[i] = static_cast<char>('0' + value % 10);
  };
  put(0, t.year, 4);
  put(5, t.month, 2);
  put(8, t.day, 2);
  put(11, t.hour, 2);
  put(14, t.minute, 2);
  put(17, t.second, 2);
  put(20, t.micros, 6);
  return std::string(buf, 27);
}

std::string NextEventId(int64_t unix_ms) { return UuidV7Generator::generator.Next(unix_ms); }

const std::string& HostName() {
  static const std::string name = [] {
    char buffer[256] = {};
    return gethostname(buffer, sizeof buffer - 1) == 0 ? std::string(buffer) : std::string();
  }();
  return name;
}

Sampler::Sampler(double rate, uint64_t seed)
    : rate_(rate),
      state_(seed != 0 ? seed
                       : static_cast<uint64_t>(
                             std::chrono::steady_clock::now().time_since_epoch().count())) {}

bool Sampler::Keep() {
  if (rate_ >= 1.0) return true;
  if (rate_ <= 0.0) return false;
  constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;
  const uint64_t bits = Mix64(state_.fetch_add(kGolden, std::memory_order_relaxed) + kGolden);
  return static_cast<double>(bits >> 11) * 0x1.0p-53 < rate_;
}

}  // namespace hunch
