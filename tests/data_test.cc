// Tests for the data-facing helpers of hunch/data.h: schema inference from files.
#include "hunch/data.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/temp_dir.h"

namespace hunch {
namespace {

std::vector<std::string> Describe(const Schema& schema) {
  std::vector<std::string> out;
  for (const Column& c : schema.columns) {
    out.push_back(c.name + ":" + std::string(ColumnTypeName(c.type)) + (c.nullable ? "?" : ""));
  }
  return out;
}

TEST_CASE("A CSV file's schema is the same whether its sample is plain or needs the full reader") {
  testing::TempDir dir("hunch_data");
  const std::string body =
      "1,2.5,true,abc,7\n"
      "2,,false,NA,8\n"
      "3,4,TRUE,x y,9.5\n";
  const std::vector<std::string> missing = {"", "NA"};
  const std::vector<std::string> expected = {"i:int", "d:double?", "b:bool", "s:string?",
                                             "n:double"};
  // Plain: split by the fast path. Quoted, or with CRLF line ends: read by the RFC 4180 reader.
  std::string crlf;
  for (char c : body) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const std::string header = "i,d,b,s,n\n";
  for (const std::string& csv :
       {header + body, header + body + "4,1,true,\"quoted, comma\",1\n", header + crlf}) {
    const std::string path = dir.Write("data.csv", csv);
    auto schema = InferFileSchema(path, missing, DataOptions{});
    REQUIRE(schema.ok());
    CHECK(Describe(*schema) == expected);
  }
}

TEST_CASE("Schema inference reads only sample_rows rows, also on the plain fast path") {
  testing::TempDir dir("hunch_data");
  std::string csv = "x\n";
  for (int i = 0; i < 5000; ++i) csv += std::to_string(i) + "\n";
  csv += "not a number\n";
  const std::string path = dir.Write("data.csv", csv);
  DataOptions options;
  options.sample_rows = 5000;
  auto sampled = InferFileSchema(path, {""}, options);
  REQUIRE(sampled.ok());
  CHECK(Describe(*sampled) == std::vector<std::string>{"x:int"});
  options.sample_rows = 5001;
  auto whole = InferFileSchema(path, {""}, options);
  REQUIRE(whole.ok());
  CHECK(Describe(*whole) == std::vector<std::string>{"x:string"});
}

TEST_CASE("Schema inference of a missing file names the file") {
  auto schema = InferFileSchema("/nonexistent/data.csv", {""}, DataOptions{});
  REQUIRE_FALSE(schema.ok());
  CHECK(schema.status().message().find("/nonexistent/data.csv") != std::string::npos);
}

}  // namespace
}  // namespace hunch
