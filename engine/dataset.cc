// `hunch dataset`: joins logged predictions with late-arriving labels into a training set.
#include "hunch/dataset.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "hunch/prediction_log.h"

namespace hunch {
namespace {

using nlohmann::json;

struct Label {
  std::string value;
  std::string timestamp;  // ISO text compares in time order; empty sorts first
  int64_t order = 0;      // position in the file, the tie-breaker
  int64_t count = 0;
};

std::string CellText(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// RFC 4180 quoting, only where needed.
std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

Result<std::unordered_map<std::string, Label>> ReadLabels(const DatasetOptions& o,
                                                          DatasetStats* st) {
  auto cursor = RowCursor::Open(o.labels_path, o.labels_format);
  if (!cursor.ok()) return cursor.status();
  RowCursor& c = **cursor;
  auto column = [&](const char* name) {
    for (size_t i = 0; i < c.header().size(); ++i) {
      if (c.header()[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  const int id = column("id"), label = column("label"), ts = column("timestamp");
  if (id < 0 || label < 0) {
    return InvalidArgument(
        fmt::format("{}: error: expected columns 'id' and 'label' in the labels file, found: {}",
                    o.labels_path, fmt::join(c.header(), ", ")));
  }
  std::unordered_map<std::string, Label> labels;
  for (int64_t order = 0;; ++order) {
    auto more = c.Next();
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (!c.present()[id] || !c.present()[label] || c.cells()[id].empty()) {
      st->warnings.push_back(fmt::format("{}:{}: warning: label row without id or label skipped",
                                         o.labels_path, c.line()));
      continue;
    }
    ++st->labels;
    Label incoming{std::string(c.cells()[label]),
                   ts >= 0 && c.present()[ts] ? std::string(c.cells()[ts]) : "", order, 1};
    auto [it, inserted] = labels.emplace(std::string(c.cells()[id]), incoming);
    if (!inserted) {
      ++st->duplicate_labels;
      Label& have = it->second;
      const int64_t count = have.count + 1;
      if (std::tie(incoming.timestamp, incoming.order) >= std::tie(have.timestamp, have.order))
        have = incoming;
      have.count = count;
    }
  }
  return labels;
}

}  // namespace

Result<DatasetStats> BuildDataset(const DatasetOptions& o) {
  DatasetStats st;
  if (o.join_on != "inference_id" && o.join_on != "event_id") {
    return InvalidArgument(
        fmt::format("--join-on '{}': expected inference_id or event_id", o.join_on));
  }
  auto labels = ReadLabels(o, &st);
  if (!labels.ok()) return labels.status();

  // Pass 1: the columns (input keys and metadata keys in order of first appearance).
  std::vector<std::string> inputs, meta;
  std::map<std::string, bool> seen_input, seen_meta;
  std::string label_column = o.label_column;
  LogReadStats read_stats;
  Status parse_error;
  Status s = ReadLog(
      o.log_dir,
      [&](const std::string& line) {
        json r = json::parse(line, nullptr, false);
        if (!r.is_object()) return;
        if (label_column.empty() && r.contains("ruleset") && r["ruleset"].contains("label")) {
          label_column = CellText(r["ruleset"]["label"]);
        }
        if (r.contains("input") && r["input"].is_object()) {
          for (auto it = r["input"].begin(); it != r["input"].end(); ++it) {
            if (!seen_input[it.key()]) {
              seen_input[it.key()] = true;
              inputs.push_back(it.key());
            }
          }
        }
        if (r.contains("metadata") && r["metadata"].is_object()) {
          for (auto it = r["metadata"].begin(); it != r["metadata"].end(); ++it) {
            if (!seen_meta[it.key()]) {
              seen_meta[it.key()] = true;
              meta.push_back(it.key());
            }
          }
        }
      },
      &read_stats);
  if (!s.ok()) return s;
  if (label_column.empty()) label_column = "label";
  std::erase(inputs, label_column);  // the joined ground truth takes its place

  std::string format = o.output_format;
  if (format == "auto") {
    format = o.output_path.ends_with(".jsonl") || o.output_path.ends_with(".ndjson") ||
                     o.output_path.ends_with(".json")
                 ? "jsonl"
                 : "csv";
  }
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (o.output_path != "-") {
    file.open(o.output_path, std::ios::binary | std::ios::trunc);
    if (!file)
      return IoError(fmt::format("{}: error: cannot create the output file", o.output_path));
    out = &file;
  }
  std::vector<std::string> columns = inputs;
  columns.push_back(label_column);
  for (const char* c :
       {"hunch_prediction", "hunch_rule", "hunch_ruleset_version", "hunch_timestamp",
        "hunch_event_id", "hunch_inference_id", "hunch_label_count", "hunch_shadow_decision"}) {
    columns.push_back(c);
  }
  for (const auto& m : meta) columns.push_back("meta_" + m);
  if (format == "csv") {
    std::string head;
    for (size_t i = 0; i < columns.size(); ++i) head += (i ? "," : "") + CsvField(columns[i]);
    *out << head << "\n";
  }

  // Pass 2: the joined rows.
  std::unordered_map<std::string, bool> predicted;
  LogReadStats second;
  s = ReadLog(
      o.log_dir,
      [&](const std::string& line) {
        json r = json::parse(line, nullptr, false);
        if (!r.is_object()) return;
        ++st.predictions;
        if (r.contains("shadow") && r["shadow"].is_object()) {
          ++st.shadow_records;
          const json& agrees = r["shadow"].contains("agrees") ? r["shadow"]["agrees"] : json();
          st.shadow_agreements += agrees.is_boolean() && agrees.get<bool>() ? 1 : 0;
        }
        const std::string key = r.contains(o.join_on) ? CellText(r[o.join_on]) : "";
        if (key.empty()) {
          ++st.no_join_key;
          return;
        }
        predicted[key] = true;
        auto it = labels->find(key);
        if (it == labels->end()) {
          ++st.unlabeled;
          return;
        }
        ++st.labeled;
        const json& input =
            r.contains("input") && r["input"].is_object() ? r["input"] : json::object();
        const json& output = r.contains("output") ? r["output"] : json::object();
        const json& metadata =
            r.contains("metadata") && r["metadata"].is_object() ? r["metadata"] : json::object();
        std::vector<std::string> values;
        for (const auto& k : inputs) values.push_back(input.contains(k) ? CellText(input[k]) : "");
        values.push_back(it->second.value);
        values.push_back(output.contains("prediction") ? CellText(output["prediction"]) : "");
        values.push_back(output.contains("rule") ? CellText(output["rule"]) : "");
        values.push_back(r.contains("ruleset") && r["ruleset"].contains("version")
                             ? CellText(r["ruleset"]["version"])
                             : "");
        values.push_back(r.contains("timestamp") ? CellText(r["timestamp"]) : "");
        values.push_back(r.contains("event_id") ? CellText(r["event_id"]) : "");
        values.push_back(r.contains("inference_id") ? CellText(r["inference_id"]) : "");
        values.push_back(std::to_string(it->second.count));
        values.push_back(r.contains("shadow") && r["shadow"].is_object() &&
                                 r["shadow"].contains("decision")
                             ? CellText(r["shadow"]["decision"])
                             : "");
        for (const auto& m : meta)
          values.push_back(metadata.contains(m) ? CellText(metadata[m]) : "");
        if (format == "csv") {
          std::string row;
          for (size_t i = 0; i < values.size(); ++i) row += (i ? "," : "") + CsvField(values[i]);
          *out << row << "\n";
        } else {
          json obj = json::object();
          for (size_t i = 0; i < inputs.size(); ++i)
            obj[inputs[i]] = input.contains(inputs[i]) ? input[inputs[i]] : json(nullptr);
          for (size_t i = inputs.size(); i < columns.size(); ++i) obj[columns[i]] = values[i];
          *out << obj.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
        }
      },
      &second);
  if (!s.ok()) return s;
  out->flush();
  if (!*out) return IoError(fmt::format("{}: error: cannot write the training set", o.output_path));
  for (const auto& [id, label] : *labels) st.orphan_labels += predicted.count(id) == 0;
  st.torn_lines = second.torn_lines;
  for (const auto& w : second.warnings) st.warnings.push_back(w);
  return st;
}

}  // namespace hunch
