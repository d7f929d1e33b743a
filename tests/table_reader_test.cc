// Tests for the CSV and JSONL table readers, their input stream (files, gzip) and OpenTable.
#include "engine/table_reader.h"

#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "tests/temp_dir.h"

namespace hunch {
namespace {

namespace fs = std::filesystem;

class TempDir : public testing::TempDir {
 public:
  TempDir() : testing::TempDir("hunch_table_reader_test") {}

  // Each string becomes one gzip member, so several of them test concatenated members.
  std::string WriteGzip(const std::string& name, const std::vector<std::string>& members) const {
    const std::string file = Child(name);
    std::ofstream(file, std::ios::binary | std::ios::trunc);
    for (const std::string& member : members) {
      gzFile gz = gzopen(file.c_str(), "ab");
      REQUIRE(gz != nullptr);
      REQUIRE(gzwrite(gz, member.data(), static_cast<unsigned>(member.size())) ==
              static_cast<int>(member.size()));
      REQUIRE(gzclose(gz) == Z_OK);
    }
    return file;
  }
};

// Everything a reader yields: cells (absent ones as "<absent>"), lines, and error messages, going
// on with Recover() after each error.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int64_t> lines;
  std::vector<int64_t> numbers;
  std::vector<std::string> errors;
  int64_t ignored_keys = 0;
};

Table ReadAll(const std::string& path, const ReaderOptions& options = {}) {
  Result<std::unique_ptr<TableReader>> reader = OpenTable(path, options);
  INFO(reader.status().message());
  REQUIRE(reader.ok());
  Table table;
  table.header = (*reader)->header();
  RawRecord record;
  for (;;) {
    Result<bool> next = (*reader)->Next(&record);
    if (!next.ok()) {
      CHECK(next.status().code() == StatusCode::kDataError);
      table.errors.push_back(next.status().message());
      REQUIRE((*reader)->Recover());
      continue;
    }
    if (!*next) break;
    REQUIRE(record.cells.size() == table.header.size());
    REQUIRE(record.present.size() == table.header.size());
    std::vector<std::string> row;
    for (size_t i = 0; i < record.cells.size(); ++i) {
      row.push_back(record.present[i] ? std::string(record.cells[i]) : "<absent>");
    }
    table.rows.push_back(row);
    table.lines.push_back(record.line);
    table.numbers.push_back(record.number);
  }
  table.ignored_keys = (*reader)->ignored_keys();
  return table;
}

Status OpenError(const std::string& path, const ReaderOptions& options = {}) {
  Result<std::unique_ptr<TableReader>> reader = OpenTable(path, options);
  REQUIRE_FALSE(reader.ok());
  return reader.status();
}

using Rows = std::vector<std::vector<std::string>>;
using Strings = std::vector<std::string>;

TEST_CASE("A CSV file yields its header and one record per row, numbered with their lines") {
  TempDir dir;
  const Table table = ReadAll(dir.Write("t.csv", "id,name\n1,ann\n2,bob\n"));
  CHECK(table.header == Strings{"id", "name"});
  CHECK(table.rows == Rows{{"1", "ann"}, {"2", "bob"}});
  CHECK(table.lines == std::vector<int64_t>{2, 3});
  CHECK(table.numbers == std::vector<int64_t>{1, 2});
  CHECK(table.errors.empty());
}

TEST_CASE("A quoted CSV field keeps embedded commas, quotes and newlines") {
  TempDir dir;
  const Table table = ReadAll(dir.Write(
      "t.csv", "a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"two\nlines\",\"\"\n\"\"\"\",z\nlast,row\n"));
  CHECK(table.rows ==
        Rows{{"x, y", "say \"hi\""}, {"two\nlines", ""}, {"\"", "z"}, {"last", "row"}});
  // The record after the embedded newline starts one physical line further down.
  CHECK(table.lines == std::vector<int64_t>{2, 3, 5, 6});
}

TEST_CASE("A quoted CSV header name is unquoted") {
  TempDir dir;
  const Table table = ReadAll(dir.Write("t.csv", "\"a,b\",\"c\"\"d\"\n1,2\n"));
  CHECK(table.header == Strings{"a,b", "c\"d"});
}

TEST_CASE("CSV with CRLF line endings reads like LF, and a lone CR is data") {
  TempDir dir;
  const Table table = ReadAll(dir.Write("t.csv", "a,b\r\n1,\"x\r\ny\"\r\n2,p\rq\r\n"));
  CHECK(table.header == Strings{"a", "b"});
  CHECK(table.rows == Rows{{"1", "x\r\ny"}, {"2", "p\rq"}});
  CHECK(table.lines == std::vector<int64_t>{2, 4});
}

TEST_CASE("A UTF-8 byte order mark before the CSV header is skipped") {
  TempDir dir;
  const Table table = ReadAll(dir.Write("t.csv", "\xEF\xBB\xBFid,name\n1,\xC3\xA9t\xC3\xA9\n"));
  CHECK(table.header == Strings{"id", "name"});
  CHECK(table.rows == Rows{{"1", "\xC3\xA9t\xC3\xA9"}});
}

TEST_CASE(
    "A final CSV line without a newline is a record, and empty lines at the end are ignored") {
  TempDir dir;
  CHECK(ReadAll(dir.Write("a.csv", "a,b\n1,2")).rows == Rows{{"1", "2"}});
  CHECK(ReadAll(dir.Write("b.csv", "a,b\n1,\"2\"")).rows == Rows{{"1", "2"}});
  CHECK(ReadAll(dir.Write("c.csv", "a,b\n1,2\n\n\r\n\n")).rows == Rows{{"1", "2"}});
  CHECK(ReadAll(dir.Write("d.csv", "a,b\n1,2\r")).rows == Rows{{"1", "2"}});
  CHECK(ReadAll(dir.Write("e.csv", "a,b\n1,\n")).rows == Rows{{"1", ""}});
}

TEST_CASE("An empty line inside CSV data is a record of one empty field") {
  TempDir dir;
  const Table one_column = ReadAll(dir.Write("one.csv", "a\n1\n\n2\n"));
  CHECK(one_column.rows == Rows{{"1"}, {""}, {"2"}});
  const std::string path = dir.Write("two.csv", "a,b\n1,2\n\n3,4\n");
  const Table two_columns = ReadAll(path);
  CHECK(two_columns.rows == Rows{{"1", "2"}, {"3", "4"}});
  CHECK(two_columns.errors ==
        Strings{path + ":3: error: expected 2 fields as in the header, found 1"});
}

TEST_CASE(
    "A CSV record with a different field count is an error naming its line, then reading "
    "goes on") {
  TempDir dir;
  const std::string path = dir.Write("t.csv", "a,b,c\n1,2,3\n4,5\n6,\"7\n8\",9,10\n11,12,13\n");
  const Table table = ReadAll(path);
  CHECK(table.errors == Strings{path + ":3: error: expected 3 fields as in the header, found 2",
                                path + ":4: error: expected 3 fields as in the header, found 4"});
  CHECK(table.rows == Rows{{"1", "2", "3"}, {"11", "12", "13"}});
  CHECK(table.lines == std::vector<int64_t>{2, 6});
  // Skipped records keep their numbers.
  CHECK(table.numbers == std::vector<int64_t>{1, 4});
}

TEST_CASE("Bad quoting in CSV is an error, and Recover skips to the next line") {
  TempDir dir;
  const std::string path = dir.Write("t.csv", "a,b\n1,ab\"c\n2,\"x\"y\n3,\"ok\"\n4,\"x\" \n5,6\n");
  const Table table = ReadAll(path);
  REQUIRE(table.errors.size() == 3);
  CHECK_THAT(table.errors[0], Catch::StartsWith(path + ":2: error: bad quoting: a quote inside "
                                                       "unquoted field 2"));
  CHECK(table.errors[1] ==
        path + ":3: error: bad quoting: text after the closing quote of field 2");
  CHECK(table.errors[2] ==
        path + ":5: error: bad quoting: text after the closing quote of field 2");
  CHECK(table.rows == Rows{{"3", "ok"}, {"5", "6"}});
  CHECK(table.lines == std::vector<int64_t>{4, 6});
}

TEST_CASE("Without Recover, a bad CSV record's error repeats") {
  TempDir dir;
  auto reader = OpenTable(dir.Write("t.csv", "a\n\"x\"y\nz\n"), {});
  REQUIRE(reader.ok());
  RawRecord record;
  const Result<bool> first = (*reader)->Next(&record);
  REQUIRE_FALSE(first.ok());
  CHECK((*reader)->Next(&record).status().message() == first.status().message());
  REQUIRE((*reader)->Recover());
  REQUIRE((*reader)->Next(&record).ok());
  CHECK(record.cells == std::vector<std::string_view>{"z"});
  CHECK(record.line == 3);
}

TEST_CASE("An unterminated quoted CSV field is an error naming the line where the quote opened") {
  TempDir dir;
  const std::string path = dir.Write("t.csv", "a,b\n1,2\n3,4\n\"x\ny\",\"6\n7,8\n");
  const Table table = ReadAll(path);
  CHECK(table.errors == Strings{path + ":4: error: unterminated quoted field: the quote opened on "
                                       "line 5 is never closed"});
  CHECK(table.rows == Rows{{"1", "2"}, {"3", "4"}});
}

TEST_CASE("An empty CSV file is an error, and a header-only file has no records") {
  TempDir dir;
  const std::string empty = dir.Write("empty.csv", "");
  const Status status = OpenError(empty);
  CHECK(status.code() == StatusCode::kDataError);
  CHECK(status.message() == empty + ":1: error: empty input: expected a header row");
  const std::string blank = dir.Write("blank.csv", "\n\r\n");
  CHECK(OpenError(blank).message() == blank + ":1: error: empty input: expected a header row");

  for (const char* content : {"a,b\n", "a,b", "a,b\r\n\n"}) {
    const Table table = ReadAll(dir.Write("header.csv", content));
    CHECK(table.header == Strings{"a", "b"});
    CHECK(table.rows.empty());
    CHECK(table.errors.empty());
  }
}

TEST_CASE("Duplicate CSV header names are an error naming both columns") {
  TempDir dir;
  const std::string path = dir.Write("t.csv", "id,name,age,name\n1,a,2,b\n");
  const Status status = OpenError(path);
  CHECK(status.code() == StatusCode::kDataError);
  CHECK(status.message() == path + ":1: error: duplicate column name 'name': columns 2 and 4");
}

TEST_CASE("CSV records beyond max_record_bytes or max_fields are errors") {
  TempDir dir;
  ReaderOptions options;
  options.max_record_bytes = 16;
  options.max_fields = 3;
  const std::string path =
      dir.Write("t.csv", "a,b,c\n1,2,3\n1234567890,1234567890,1\n4,5,6\n7,8,9,10\n11,12,13\n");
  const Table table = ReadAll(path, options);
  CHECK(table.errors == Strings{path + ":3: error: record longer than 16 bytes (max_record_bytes)",
                                path + ":5: error: more than 3 fields (max_fields)"});
  CHECK(table.rows == Rows{{"1", "2", "3"}, {"4", "5", "6"}, {"11", "12", "13"}});
  CHECK(table.lines == std::vector<int64_t>{2, 4, 6});

  options.max_fields = 2;
  CHECK(OpenError(path, options).message() == path + ":1: error: more than 2 fields (max_fields)");
}

TEST_CASE("A CSV record longer than max_record_bytes and the read buffer is skipped whole") {
  TempDir dir;
  ReaderOptions options;
  options.max_record_bytes = 1 << 20;
  const std::string path =
      dir.Write("t.csv", "a,b\n1,2\n3," + std::string(3 << 20, 'x') + "\n5,6\n");
  const Table table = ReadAll(path, options);
  CHECK(table.errors == Strings{path + ":3: error: record longer than 1048576 bytes "
                                       "(max_record_bytes)"});
  CHECK(table.rows == Rows{{"1", "2"}, {"5", "6"}});
  CHECK(table.lines == std::vector<int64_t>{2, 4});
}

TEST_CASE("CSV records that straddle read chunks parse like small ones") {
  TempDir dir;
  // Several MiB of varied records, so that quotes, doubled quotes, CRLFs and embedded newlines
  // fall across the reader's chunk boundaries; one field is bigger than a chunk.
  std::string content = "n,text,more\r\n";
  Rows expected;
  std::vector<int64_t> lines;
  int64_t line = 2;
  std::mt19937 random(7);
  for (int i = 0; i < 60000; ++i) {
    std::string text(random() % 150, static_cast<char>('a' + i % 26));
    std::string quoted = text;
    int newlines = 0;
    switch (i % 4) {
      case 0:
        break;
      case 1:
        text += ",\"x\"";
        quoted = "\"" + quoted + ",\"\"x\"\"\"";
        break;
      case 2:
        text += "\nnext";
        quoted = "\"" + quoted + "\nnext\"";
        newlines = 1;
        break;
      case 3:
        quoted = "\"" + text + "\"";
        break;
    }
    if (i == 30000) {
      text = std::string(3 << 20, 'q');
      quoted = text;
    }
    content += std::to_string(i) + "," + quoted + "," + (i % 3 == 0 ? "" : "m") + "\r\n";
    expected.push_back({std::to_string(i), text, i % 3 == 0 ? "" : "m"});
    lines.push_back(line);
    line += 1 + newlines;
  }
  const Table table = ReadAll(dir.Write("big.csv", content));
  CHECK(table.errors.empty());
  CHECK(table.rows.size() == expected.size());
  CHECK(table.rows == expected);
  CHECK(table.lines == lines);
}

TEST_CASE("A gzip CSV file is read transparently, also with several gzip members") {
  TempDir dir;
  const std::string path = dir.WriteGzip("t.csv.gz", {"a,b\n1,\"x,y\"\n", "2,3\n", "", "4,5"});
  const Table table = ReadAll(path);
  CHECK(table.header == Strings{"a", "b"});
  CHECK(table.rows == Rows{{"1", "x,y"}, {"2", "3"}, {"4", "5"}});
  CHECK(table.lines == std::vector<int64_t>{2, 3, 4});

  // Detection is by content, not by name.
  const Table renamed = ReadAll(dir.WriteGzip("gzip-inside.csv", {"a\n1\n"}));
  CHECK(renamed.rows == Rows{{"1"}});
}

TEST_CASE("bytes_read counts the compressed bytes of a gzip input") {
  TempDir dir;
  std::string content = "a,b\n";
  for (int i = 0; i < 10000; ++i) content += "1,2\n";
  const std::string path = dir.WriteGzip("t.csv.gz", {content});
  auto reader = OpenTable(path, {});
  REQUIRE(reader.ok());
  RawRecord record;
  int records = 0;
  while (*(*reader)->Next(&record)) ++records;
  CHECK(records == 10000);
  CHECK((*reader)->bytes_read() == fs::file_size(path));
}

TEST_CASE("A truncated gzip file is an error from which the reader cannot recover") {
  TempDir dir;
  std::string content = "a,b\n";
  for (int i = 0; i < 2000; ++i) content += std::to_string(i) + ",x\n";
  const std::string whole = dir.WriteGzip("whole.csv.gz", {content});
  std::ifstream in(whole, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string path = dir.Write("cut.csv.gz", bytes.substr(0, bytes.size() - 10));

  auto reader = OpenTable(path, {});
  REQUIRE(reader.ok());
  RawRecord record;
  Result<bool> next = true;
  while (next.ok() && *next) next = (*reader)->Next(&record);
  REQUIRE_FALSE(next.ok());
  CHECK(next.status().message() == path + ": error: invalid gzip data: unexpected end of file");
  CHECK_FALSE((*reader)->Recover());
}

TEST_CASE("A missing input file is kNotFound naming the path") {
  const Status status = OpenError("/nonexistent/dir/data.csv");
  CHECK(status.code() == StatusCode::kNotFound);
  CHECK(status.message() ==
        "/nonexistent/dir/data.csv: error: cannot open: No such file or "
        "directory");
}

TEST_CASE("Input format names parse, and the format comes from the extension unless given") {
  CHECK(*ParseInputFormat("csv") == InputFormat::kCsv);
  CHECK(*ParseInputFormat("jsonl") == InputFormat::kJsonl);
  CHECK(*ParseInputFormat("json") == InputFormat::kJsonl);
  CHECK(*ParseInputFormat("ndjson") == InputFormat::kJsonl);
  CHECK(*ParseInputFormat("auto") == InputFormat::kAuto);
  CHECK(ParseInputFormat("xml").status().code() == StatusCode::kInvalidArgument);

  TempDir dir;
  const std::string json = "{\"a\":1}\n";
  for (const char* name : {"t.jsonl", "t.ndjson", "t.json", "T.JSONL"}) {
    CHECK(ReadAll(dir.Write(name, json)).header == Strings{"a"});
  }
  CHECK(ReadAll(dir.WriteGzip("t.ndjson.gz", {json})).header == Strings{"a"});
  CHECK(ReadAll(dir.Write("t.txt", "x,y\n")).header == Strings{"x", "y"});

  ReaderOptions as_jsonl;
  as_jsonl.format = InputFormat::kJsonl;
  CHECK(ReadAll(dir.Write("t.csv", json), as_jsonl).header == Strings{"a"});
  ReaderOptions as_csv;
  as_csv.format = InputFormat::kCsv;
  CHECK(ReadAll(dir.Write("u.jsonl", "p,q\n"), as_csv).header == Strings{"p", "q"});
}

TEST_CASE("The shared titanic and sms_spam datasets read with their documented shapes") {
  const Table titanic = ReadAll(HUNCH_SHARED_DIR "/data/titanic.csv");
  CHECK(titanic.errors.empty());
  CHECK(titanic.header.size() == 12);
  CHECK(titanic.header[3] == "Name");
  CHECK(titanic.rows.size() == 891);
  CHECK(titanic.rows[0][3] == "Braund, Mr. Owen Harris");

  const Table sms = ReadAll(HUNCH_SHARED_DIR "/data/sms_spam.csv");
  CHECK(sms.errors.empty());
  CHECK(sms.header == Strings{"label", "text"});
  CHECK(sms.rows.size() == 5574);
  CHECK(sms.rows[0][1] ==
        "Go until jurong point, crazy.. Available only in bugis n great world la e buffet... Cine "
        "there got amore wat...");
}

TEST_CASE("JSONL cells hold decoded strings, numbers as their JSON text, and true/false") {
  TempDir dir;
  const Table table = ReadAll(dir.Write(
      "t.jsonl",
      R"({"s":"caf\u00e9 \"q\"","i":7200,"n":-3,"f":2.50,"e":1E5,"b":true,"u":18446744073709551615})"
      "\n"
      R"({"s":"","i":0,"n":-0,"f":0.1,"e":-1.5e-7,"b":false,"u":1})"
      "\n"));
  CHECK(table.header == Strings{"s", "i", "n", "f", "e", "b", "u"});
  CHECK(table.rows ==
        Rows{{"caf\xC3\xA9 \"q\"", "7200", "-3", "2.50", "1E5", "true", "18446744073709551615"},
             {"", "0", "0", "0.1", "-1.5e-7", "false", "1"}});
  CHECK(table.errors.empty());
}

TEST_CASE("JSONL null values and missing keys are absent cells") {
  TempDir dir;
  const Table table =
      ReadAll(dir.Write("t.jsonl", "{\"a\":1,\"b\":null}\n{\"b\":\"x\"}\n{\"a\":null,\"a\":2}\n"));
  CHECK(table.header == Strings{"a", "b"});
  CHECK(table.rows == Rows{{"1", "<absent>"}, {"<absent>", "x"}, {"2", "<absent>"}});
}

TEST_CASE("JSONL nested objects and arrays are kept as compact JSON text") {
  TempDir dir;
  const Table table = ReadAll(dir.Write(
      "t.jsonl",
      "{\"o\": {\"k\": [1, 2.0, {\"z\": null}], \"t\\\"\": \"a\\nb\"}, \"a\": [], \"e\": {}}\n"));
  CHECK(table.header == Strings{"o", "a", "e"});
  CHECK(table.rows == Rows{{R"({"k":[1,2.0,{"z":null}],"t\"":"a\nb"})", "[]", "{}"}});
}

TEST_CASE("A JSONL line that is not an object is an error, then reading goes on") {
  TempDir dir;
  const std::string path =
      dir.Write("t.jsonl", "{\"a\":1}\n[1,2]\n\"text\"\n42\nnull\ntrue\n{\"a\":2}\n");
  const Table table = ReadAll(path);
  CHECK(table.errors == Strings{path + ":2: error: expected a JSON object, found an array",
                                path + ":3: error: expected a JSON object, found a string",
                                path + ":4: error: expected a JSON object, found a number",
                                path + ":5: error: expected a JSON object, found null",
                                path + ":6: error: expected a JSON object, found a boolean"});
  CHECK(table.rows == Rows{{"1"}, {"2"}});
  CHECK(table.numbers == std::vector<int64_t>{1, 7});
}

TEST_CASE("Invalid JSONL is an error naming the line and the column") {
  TempDir dir;
  const std::string path = dir.Write("t.jsonl", "{\"a\":1}\n{\"a\":}\n{\"a\":1\n{\"a\":1} x\n");
  const Table table = ReadAll(path);
  REQUIRE(table.errors.size() == 3);
  CHECK(table.errors[0] == path +
                               ":2:6: error: invalid JSON: syntax error while parsing value - "
                               "unexpected '}'; expected '[', '{', or a literal");
  CHECK_THAT(table.errors[1], Catch::StartsWith(path + ":3:7: error: invalid JSON: "));
  CHECK_THAT(table.errors[2], Catch::StartsWith(path + ":4:9: error: invalid JSON: "));
  CHECK(table.rows == Rows{{"1"}});
}

TEST_CASE("Blank JSONL lines are skipped but counted, with CRLF and a byte order mark") {
  TempDir dir;
  const Table table =
      ReadAll(dir.Write("t.jsonl", "\xEF\xBB\xBF{\"a\":1}\r\n\r\n  \n{\"a\":2}\r\n\n{\"a\":3}"));
  CHECK(table.header == Strings{"a"});
  CHECK(table.rows == Rows{{"1"}, {"2"}, {"3"}});
  CHECK(table.lines == std::vector<int64_t>{1, 4, 6});
  CHECK(table.numbers == std::vector<int64_t>{1, 2, 3});
}

TEST_CASE("The JSONL header is the keys of the sample in order, and later keys are ignored") {
  TempDir dir;
  ReaderOptions options;
  options.jsonl_header_sample = 2;
  const Table table = ReadAll(dir.Write("t.jsonl",
                                        "{\"b\":1,\"a\":2}\n"
                                        "{\"c\":3,\"a\":4}\n"
                                        "{\"d\":5,\"e\":{\"f\":6},\"b\":7}\n"
                                        "{\"d\":8}\n"),
                              options);
  CHECK(table.header == Strings{"b", "a", "c"});
  CHECK(table.rows == Rows{{"1", "2", "<absent>"},
                           {"<absent>", "4", "3"},
                           {"7", "<absent>", "<absent>"},
                           {"<absent>", "<absent>", "<absent>"}});
  CHECK(table.ignored_keys == 3);
}

TEST_CASE("Bad JSONL lines in the header sample add no keys and are reported in order") {
  TempDir dir;
  const std::string path =
      dir.Write("t.jsonl", "{\"a\":1}\n{\"x\":1,\"y\":}\n[{\"z\":1}]\n{\"b\":2}\n");
  const Table table = ReadAll(path);
  CHECK(table.header == Strings{"a", "b"});
  REQUIRE(table.errors.size() == 2);
  CHECK_THAT(table.errors[0], Catch::StartsWith(path + ":2:12: error: invalid JSON: "));
  CHECK(table.errors[1] == path + ":3: error: expected a JSON object, found an array");
  CHECK(table.rows == Rows{{"1", "<absent>"}, {"<absent>", "2"}});
}

TEST_CASE("A JSONL line longer than max_record_bytes is skipped, in or after the sample") {
  TempDir dir;
  ReaderOptions options;
  options.max_record_bytes = 20;
  options.jsonl_header_sample = 2;
  const std::string long_line = "{\"a\":\"" + std::string(40, 'x') + "\"}\n";
  const std::string path =
      dir.Write("t.jsonl", long_line + "{\"a\":1}\n" + long_line + "{\"a\":2}\n");
  const Table table = ReadAll(path, options);
  CHECK(table.errors == Strings{path + ":1: error: line longer than 20 bytes (max_record_bytes)",
                                path + ":3: error: line longer than 20 bytes (max_record_bytes)"});
  CHECK(table.rows == Rows{{"1"}, {"2"}});
  CHECK(table.lines == std::vector<int64_t>{2, 4});
}

TEST_CASE("An empty JSONL file has no columns and no records") {
  TempDir dir;
  const Table table = ReadAll(dir.Write("t.jsonl", "\n\n"));
  CHECK(table.header.empty());
  CHECK(table.rows.empty());
}

TEST_CASE("A gzip JSONL file is read transparently") {
  TempDir dir;
  const Table table = ReadAll(dir.WriteGzip("t.jsonl.gz", {"{\"a\":1}\n", "{\"a\":2}\n"}));
  CHECK(table.rows == Rows{{"1"}, {"2"}});
}

}  // namespace
}  // namespace hunch
