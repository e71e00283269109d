#include <stdio.h>
#include "util/buf.h"
namespace store {
static const int MAX = 5;
int counter;
struct Point { int x; int y; };
typedef struct node { int v; } node_t;
class Cache : public Base {
 public:
  Cache(int n);
  std::string get(const std::string &key) const;
  void put(int k) { items_.insert(k); helper(k); }
 private:
  void evict();
  std::set<int> items_;
};
std::string Cache::get(const std::string &key) const {
  return util::format(key) + this->name_ + ptr->field;
}
template <typename T> T maxOf(T a, T b) { return a > b ? a : b; }
enum Color { RED };
}
static int *make_buf(size_t n) { return malloc(n); }
