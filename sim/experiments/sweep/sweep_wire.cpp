#include "experiments/sweep/sweep_wire.hpp"

#include <algorithm>
#include <cstring>

namespace crisis::io::detail {
namespace {

void put_u64(std::string& out, std::uint64_t value) { out.append(reinterpret_cast<const char*>(&value), sizeof value); }
void put_double(std::string& out, double value) { out.append(reinterpret_cast<const char*>(&value), sizeof value); }

class ByteReader {
 public:
  explicit ByteReader(const std::string& bytes) : bytes_(bytes) {}
  std::uint64_t u64() { return read<std::uint64_t>(); }
  double real() { return read<double>(); }
  char tag() {
    if (offset_ >= bytes_.size()) throw InvariantError("sweep: truncated message between ranks");
    return bytes_[offset_++];
  }
  std::string rest() { return bytes_.substr(std::min(offset_, bytes_.size())); }

 private:
  template <class T>
  T read() {
    if (offset_ + sizeof(T) > bytes_.size()) throw InvariantError("sweep: truncated message between ranks");
    T value;
    std::memcpy(&value, bytes_.data() + offset_, sizeof(T));
    offset_ += sizeof(T);
    return value;
  }
  const std::string& bytes_;
  std::size_t offset_ = 0;
};

}  // namespace

std::string encode_tasks(const std::vector<Task>& tasks) {
  std::string bytes = "T";
  put_u64(bytes, tasks.size());
  for (const Task& task : tasks) {
    put_u64(bytes, task.point);
    put_u64(bytes, task.replication);
  }
  return bytes;
}

std::string encode_finished() { return "F"; }

std::string encode_abort(int exit_code) {
  std::string bytes = "A";
  bytes.push_back(static_cast<char>(exit_code));
  return bytes;
}

Plan decode_plan(const std::string& bytes) {
  ByteReader in(bytes);
  Plan plan;
  const char tag = in.tag();
  if (tag == 'F') {
    plan.kind = Plan::Kind::finished;
  } else if (tag == 'A') {
    plan.kind = Plan::Kind::abort;
    plan.exit_code = in.tag();
  } else {
    plan.tasks.resize(in.u64());
    for (Task& task : plan.tasks) {
      task.point = in.u64();
      task.replication = static_cast<std::uint32_t>(in.u64());
    }
  }
  return plan;
}

std::string encode_rows(const std::vector<std::vector<double>>& rows) {
  std::string bytes = "K";
  put_u64(bytes, rows.size());
  for (const auto& row : rows) {
    for (double value : row) put_double(bytes, value);
  }
  return bytes;
}

std::string encode_failure(int exit_code, const std::string& message) {
  std::string bytes = "E";
  bytes.push_back(static_cast<char>(exit_code));
  return bytes + message;
}

Reply decode_reply(const std::string& bytes, std::size_t columns) {
  ByteReader in(bytes);
  Reply reply;
  if (in.tag() == 'E') {
    reply.failed = true;
    reply.exit_code = in.tag();
    reply.message = in.rest();
    return reply;
  }
  reply.rows.resize(in.u64());
  for (auto& row : reply.rows) {
    row.resize(columns);
    for (double& value : row) value = in.real();
  }
  return reply;
}

}  // namespace crisis::io::detail
