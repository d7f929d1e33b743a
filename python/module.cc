// The native part of the hunch Python package (hunch._hunch): the public C++ API
// (engine/include/hunch/) bound with pybind11. The pandas-facing layer, which turns DataFrames
// into column tuples and back, is python/hunch/__init__.py.
//
// A table crosses over as its row count and a list of columns; a column crosses over as a tuple
// (name, kind, values, present): kind is "int", "double", "bool" or "string"; values a C-contiguous
// numpy array of int64, float64, uint8 or object; present a uint8 array (0 = missing) or None.
// Object cells that are None, a float NaN or one of the `na` objects (pandas.NA, pandas.NaT) are
// missing; str cells are read in place (their UTF-8 form), bools as true/false, anything else by
// str().
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "hunch/dataset.h"
#include "hunch/diagnostic.h"
#include "hunch/eval.h"
#include "hunch/prediction_log.h"
#include "hunch/report.h"
#include "hunch/ruleset.h"
#include "hunch/schema.h"
#include "hunch/status.h"
#include "hunch/table.h"

namespace py = pybind11;

namespace {

// hunch.HunchError, created in the module init; the module keeps it alive.
PyObject* g_hunch_error = nullptr;

const char* CodeName(hunch::StatusCode code) {
  switch (code) {
    case hunch::StatusCode::kOk:
      return "ok";
    case hunch::StatusCode::kInvalidArgument:
      return "invalid_argument";
    case hunch::StatusCode::kNotFound:
      return "not_found";
    case hunch::StatusCode::kIoError:
      return "io_error";
    case hunch::StatusCode::kDataError:
      return "data_error";
    case hunch::StatusCode::kRuleError:
      return "rule_error";
    case hunch::StatusCode::kUnimplemented:
      return "unimplemented";
    case hunch::StatusCode::kInternal:
      return "internal";
  }
  return "internal";
}

const char* SeverityName(hunch::Severity s) {
  return s == hunch::Severity::kError     ? "error"
         : s == hunch::Severity::kWarning ? "warning"
                                          : "note";
}

// Text for Python: a rule file that is not UTF-8 shows in messages with U+FFFD in place.
py::str Text(const std::string& s) {
  return py::reinterpret_steal<py::str>(
      PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace"));
}

py::dict DiagnosticDict(const hunch::Diagnostic& d) {
  py::dict out;
  out["severity"] = SeverityName(d.severity);
  out["file"] = d.file;
  out["line"] = d.line;
  out["column"] = d.column;
  out["code"] = d.code;
  out["message"] = Text(d.message);
  out["text"] = Text(hunch::FormatDiagnostic(d));
  return out;
}

// Raises hunch.HunchError with the text the CLI prints for `status` (the formatted diagnostics
// first, for a rule file with errors), and `code` and `diagnostics` attributes.
[[noreturn]] void Raise(const hunch::Status& status,
                        const std::vector<hunch::Diagnostic>& diagnostics = {}) {
  std::string message;
  if (status.code() == hunch::StatusCode::kRuleError && !diagnostics.empty())
    message = hunch::FormatDiagnostics(diagnostics);
  message += status.message();
  py::object error = py::reinterpret_borrow<py::object>(g_hunch_error)(Text(message));
  error.attr("code") = CodeName(status.code());
  py::list ds;
  for (const auto& d : diagnostics) ds.append(DiagnosticDict(d));
  error.attr("diagnostics") = ds;
  PyErr_SetObject(g_hunch_error, error.ptr());
  throw py::error_already_set();
}

[[noreturn]] void RaiseInvalid(const std::string& message) {
  Raise(hunch::InvalidArgument(message));
}

hunch::ColumnType TypeFromName(const std::string& name) {
  auto t = hunch::ParseColumnType(name);
  if (!t) RaiseInvalid("unknown column type '" + name + "'");
  return *t;
}

// A loaded rule set, with the text it came from so that it can be checked again against the
// schema of each table it meets.
struct PyRuleSet {
  std::shared_ptr<const hunch::RuleSet> rules;
  std::string text, path;
  std::vector<hunch::Diagnostic> diagnostics;  // warnings of the load
};

// A rule set from its text (e.g. unpickled); `path` names it in messages.
PyRuleSet LoadRuleText(const std::string& text, const std::string& path, bool lint) {
  PyRuleSet out;
  out.text = text;
  out.path = path;
  hunch::LoadOptions options;
  options.lint = lint;
  auto rs = hunch::RuleSet::LoadFromString(out.text, path, options, &out.diagnostics);
  if (!rs.ok()) Raise(rs.status(), out.diagnostics);
  out.rules = *rs;
  return out;
}

PyRuleSet LoadRuleSet(const std::string& path, bool lint) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  if (in) buffer << in.rdbuf();
  if (!in || in.bad()) {
    // The library words the failure exactly as the CLI prints it.
    std::vector<hunch::Diagnostic> diags;
    auto failed = hunch::RuleSet::Load(path, {}, &diags);
    if (!failed.ok()) Raise(failed.status(), diags);
    Raise(hunch::IoError(path + ": error: cannot read rule file"));
  }
  PyRuleSet out;
  out.text = buffer.str();
  out.path = path;
  hunch::LoadOptions options;
  options.lint = lint;
  auto rs = hunch::RuleSet::LoadFromString(out.text, path, options, &out.diagnostics);
  if (!rs.ok()) Raise(rs.status(), out.diagnostics);
  out.rules = *rs;
  return out;
}

// The rule set checked against `schema` (a table's), as `hunch eval` checks it against a file's.
PyRuleSet WithSchema(const PyRuleSet& self, const py::list& schema_list) {
  hunch::Schema schema;
  for (const auto& item : schema_list) {
    auto t = item.cast<py::tuple>();
    schema.columns.push_back(
        {t[0].cast<std::string>(), TypeFromName(t[1].cast<std::string>()), t[2].cast<bool>()});
  }
  PyRuleSet out;
  out.text = self.text;
  out.path = self.path;
  hunch::LoadOptions options;
  options.data_schema = &schema;
  options.lint = false;
  auto rs = hunch::RuleSet::LoadFromString(out.text, out.path, options, &out.diagnostics);
  if (!rs.ok()) Raise(rs.status(), out.diagnostics);
  out.rules = *rs;
  return out;
}

// Columns handed over from Python, converted to hunch::Table columns a range of rows at a time.
class ColumnSource {
 public:
  ColumnSource(int64_t rows, const py::list& columns, const py::tuple& na_objects) : rows_(rows) {
    for (const auto& item : columns) {
      auto t = item.cast<py::tuple>();
      Column c;
      c.name = t[0].cast<std::string>();
      c.type = TypeFromName(t[1].cast<std::string>());
      c.values = py::reinterpret_borrow<py::array>(t[2]);
      if (!t[3].is_none()) c.present = py::reinterpret_borrow<py::array>(t[3]);
      CheckArray(c);
      columns_.push_back(std::move(c));
    }
    for (const auto& o : na_objects) na_.push_back(o.ptr());
    for (const auto& c : columns_) {
      if (c.values.shape(0) != rows_)
        RaiseInvalid("column '" + c.name + "' has a different number of rows");
    }
  }

  int64_t rows() const { return rows_; }
  const std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& c : columns_) out.push_back(c.name);
    return out;
  }

  // Rows [begin, end) of the columns named in `only` (all when null) as a Table. Text cells are
  // read with the GIL held; the Table stays valid until the next call.
  const hunch::Table& Slice(int64_t begin, int64_t end, const std::set<std::string>* only) {
    table_ = hunch::Table();
    table_.rows = end - begin;
    views_.clear();
    views_.resize(columns_.size());
    present_.clear();
    present_.resize(columns_.size());
    owned_.clear();
    for (size_t i = 0; i < columns_.size(); ++i) {
      const Column& c = columns_[i];
      if (only != nullptr && only->count(c.name) == 0) continue;
      hunch::TableColumn out;
      out.name = c.name;
      out.type = c.type;
      const uint8_t* mask =
          c.present ? static_cast<const uint8_t*>(c.present->data()) + begin : nullptr;
      switch (c.type) {
        case hunch::ColumnType::kInt:
          out.ints = static_cast<const int64_t*>(c.values.data()) + begin;
          out.present = mask;
          break;
        case hunch::ColumnType::kDouble:
          out.doubles = static_cast<const double*>(c.values.data()) + begin;
          out.present = mask;
          break;
        case hunch::ColumnType::kBool:
          out.bools = static_cast<const uint8_t*>(c.values.data()) + begin;
          out.present = mask;
          break;
        case hunch::ColumnType::kString:
          ReadText(c, begin, end, mask, &views_[i], &present_[i]);
          out.strings = views_[i].data();
          out.present = present_[i].data();
          break;
      }
      table_.columns.push_back(std::move(out));
    }
    return table_;
  }

  // All rows of the columns named in `only`, text columns read batch by batch by the engine's
  // threads (read_strings) without the GIL: str objects are immutable, and the arrays hold
  // references to them for the whole call. Cells that need Python (non-ASCII str, other objects)
  // are read with the GIL taken back. The Table stays valid until the next call.
  const hunch::Table& Lazy(const std::set<std::string>& only) {
    table_ = hunch::Table();
    table_.rows = rows_;
    owned_.clear();
    error_.clear();
    for (const Column& c : columns_) {
      if (only.count(c.name) == 0) continue;
      hunch::TableColumn out;
      out.name = c.name;
      out.type = c.type;
      out.present = c.present ? static_cast<const uint8_t*>(c.present->data()) : nullptr;
      switch (c.type) {
        case hunch::ColumnType::kInt:
          out.ints = static_cast<const int64_t*>(c.values.data());
          break;
        case hunch::ColumnType::kDouble:
          out.doubles = static_cast<const double*>(c.values.data());
          break;
        case hunch::ColumnType::kBool:
          out.bools = static_cast<const uint8_t*>(c.values.data());
          break;
        case hunch::ColumnType::kString:
          out.read_strings = [this, &c](int64_t begin, size_t n, std::string_view* texts,
                                        uint8_t* present) {
            return ReadTextBatch(c, begin, n, texts, present);
          };
          break;
      }
      table_.columns.push_back(std::move(out));
    }
    return table_;
  }
  // The message of a read_strings failure.
  const std::string& error() const { return error_; }

 private:
  struct Column {
    std::string name;
    hunch::ColumnType type;
    py::array values;
    std::optional<py::array> present;
  };

  static void CheckArray(const Column& c) {
    const py::dtype dt = c.values.dtype();
    const char kind = dt.kind();
    const bool ok = c.values.ndim() == 1 && (c.values.flags() & py::array::c_style) != 0 &&
                    ((c.type == hunch::ColumnType::kInt && kind == 'i' && dt.itemsize() == 8) ||
                     (c.type == hunch::ColumnType::kDouble && kind == 'f' && dt.itemsize() == 8) ||
                     (c.type == hunch::ColumnType::kBool && dt.itemsize() == 1 &&
                      (kind == 'u' || kind == 'b')) ||
                     (c.type == hunch::ColumnType::kString && kind == 'O'));
    if (!ok) RaiseInvalid("column '" + c.name + "': values are not a contiguous array of its kind");
    if (c.present) {
      const py::dtype mt = c.present->dtype();
      if (c.present->ndim() != 1 || (c.present->flags() & py::array::c_style) == 0 ||
          mt.itemsize() != 1 || c.present->shape(0) != c.values.shape(0))
        RaiseInvalid("column '" + c.name + "': the mask is not a contiguous uint8 array");
    }
  }

  bool IsNa(PyObject* o) const {
    if (o == Py_None) return true;
    if (PyFloat_Check(o)) return std::isnan(PyFloat_AS_DOUBLE(o));
    return std::find(na_.begin(), na_.end(), o) != na_.end();
  }

  void ReadText(const Column& c, int64_t begin, int64_t end, const uint8_t* mask,
                std::vector<std::string_view>* views, std::vector<uint8_t>* present) {
    const size_t n = static_cast<size_t>(end - begin);
    views->assign(n, std::string_view());
    present->assign(n, 1);
    if (!ReadTextBatch(c, begin, n, views->data(), present->data())) RaiseInvalid(error_);
    if (mask != nullptr) {
      for (size_t i = 0; i < n; ++i) (*present)[i] &= mask[i] != 0;
    }
  }

  // read_strings for column c; see Lazy().
  bool ReadTextBatch(const Column& c, int64_t begin, size_t n, std::string_view* texts,
                     uint8_t* present) {
    PyObject* const* items = static_cast<PyObject* const*>(c.values.data()) + begin;
    std::vector<size_t> slow;
    for (size_t i = 0; i < n; ++i) {
      PyObject* o = items[i];
      if (PyUnicode_CheckExact(o) && PyUnicode_IS_COMPACT_ASCII(o)) {
        texts[i] = std::string_view(static_cast<const char*>(PyUnicode_DATA(o)),
                                    static_cast<size_t>(PyUnicode_GET_LENGTH(o)));
      } else if (o == Py_None) {
        present[i] = 0;
      } else {
        slow.push_back(i);
      }
    }
    if (slow.empty()) return true;
    py::gil_scoped_acquire gil;  // also guards owned_ and error_
    for (size_t i : slow) {
      if (!ReadObject(c, begin + static_cast<int64_t>(i), items[i], &texts[i], &present[i]))
        return false;
    }
    return true;
  }

  // One cell that is not an ASCII str, with the GIL held. False (and error_ set) when a str
  // cannot be encoded as UTF-8.
  bool ReadObject(const Column& c, int64_t row, PyObject* o, std::string_view* text,
                  uint8_t* present) {
    if (IsNa(o)) {
      *present = 0;
    } else if (PyUnicode_Check(o)) {
      Py_ssize_t size = 0;
      const char* s = PyUnicode_AsUTF8AndSize(o, &size);
      if (s == nullptr) {
        PyErr_Clear();
        error_ = "column '" + c.name + "', row at position " + std::to_string(row) +
                 ": the text cannot be encoded as UTF-8";
        return false;
      }
      *text = std::string_view(s, static_cast<size_t>(size));
    } else if (PyBool_Check(o)) {
      *text = o == Py_True ? "true" : "false";
    } else if (PyBytes_Check(o)) {
      *text = std::string_view(PyBytes_AS_STRING(o), PyBytes_GET_SIZE(o));
    } else {
      owned_.push_back(py::str(py::handle(o)).cast<std::string>());
      *text = owned_.back();
    }
    return true;
  }

  std::vector<Column> columns_;
  std::vector<PyObject*> na_;
  int64_t rows_ = 0;
  hunch::Table table_;
  std::vector<std::vector<std::string_view>> views_;
  std::vector<std::vector<uint8_t>> present_;
  std::deque<std::string> owned_;  // texts of cells that are not str objects
  std::string error_;
};

py::list SchemaList(const hunch::Schema& schema) {
  py::list out;
  for (const auto& c : schema.columns)
    out.append(py::make_tuple(c.name, std::string(hunch::ColumnTypeName(c.type)), c.nullable));
  return out;
}

py::list InferSchema(int64_t rows, const py::list& columns, const py::tuple& na_objects,
                     const std::vector<std::string>& missing_values, int64_t sample_rows) {
  ColumnSource source(rows, columns, na_objects);
  const hunch::Table& head = source.Slice(0, std::min(source.rows(), sample_rows), nullptr);
  auto schema = hunch::InferTableSchema(head, missing_values, static_cast<size_t>(sample_rows));
  if (!schema.ok()) Raise(schema.status());
  return SchemaList(*schema);
}

// Category codes (-1..max) are written in the narrowest integer type pandas would convert them
// to, so that Categorical.from_codes keeps them without a copy.
py::array CodesArray(int64_t rows, int32_t max) {
  if (max < 127) return py::array_t<int8_t>(rows);
  if (max < 32767) return py::array_t<int16_t>(rows);
  return py::array_t<int32_t>(rows);
}

// Where an array made by CodesArray keeps its codes; taken with the GIL held.
struct CodesOut {
  explicit CodesOut(py::array& codes) : data(codes.mutable_data()), width(codes.itemsize()) {}
  void* data;
  py::ssize_t width;
};

// Writes n codes from row `begin` on; needs no GIL.
void PutCodes(const CodesOut& codes, int64_t begin, size_t n, const int32_t* values) {
  void* data = codes.data;
  switch (codes.width) {
    case 1:
      std::copy(values, values + n, static_cast<int8_t*>(data) + begin);
      break;
    case 2:
      std::copy(values, values + n, static_cast<int16_t*>(data) + begin);
      break;
    default:
      std::copy(values, values + n, static_cast<int32_t*>(data) + begin);
      break;
  }
}

// (prediction, rule, confidence, rule_errors): numpy arrays per row (prediction: the class index,
// or the number of classes for abstain; rule: -1 for the default), then a list per rule. The
// engine's threads write each batch straight into the arrays.
py::tuple PredictColumns(const PyRuleSet& self, const py::list& columns,
                         const py::tuple& na_objects, int64_t rows, int threads) {
  const hunch::RuleSet& rules = *self.rules;
  ColumnSource source(rows, columns, na_objects);
  std::set<std::string> used;
  for (const auto& r : rules.rules()) {
    if (r.enabled) used.insert(r.columns_read.begin(), r.columns_read.end());
  }
  const hunch::Table& table = source.Lazy(used);
  // Abstain is coded after the classes, as the last category of the prediction column.
  const int32_t abstain = static_cast<int32_t>(rules.class_names().size());
  const int32_t rule_count = static_cast<int32_t>(rules.rules().size());
  std::vector<double> of_rule;
  for (const auto& r : rules.rules()) of_rule.push_back(r.confidence.value_or(std::nan("")));
  py::array prediction = CodesArray(rows, abstain);
  py::array rule = CodesArray(rows, rule_count);
  py::array_t<double> confidence(rows);
  double* confidence_out = confidence.mutable_data();
  const CodesOut prediction_out(prediction), rule_out(rule);
  hunch::TablePredictOptions options;
  options.threads = threads;
  options.on_batch = [&](int64_t begin, size_t n, const int32_t* class_index,
                         const int32_t* winner) {
    int32_t coded[4096];
    for (size_t done = 0; done < n; done += std::size(coded)) {
      const size_t m = std::min(n - done, std::size(coded));
      for (size_t i = 0; i < m; ++i) {
        coded[i] = class_index[done + i] < 0 ? abstain : class_index[done + i];
      }
      PutCodes(prediction_out, begin + static_cast<int64_t>(done), m, coded);
    }
    PutCodes(rule_out, begin, n, winner);
    double* c = confidence_out + begin;
    const double none = std::nan("");
    for (size_t i = 0; i < n; ++i) c[i] = winner[i] < 0 ? none : of_rule[winner[i]];
  };
  hunch::Result<hunch::TablePredictions> p = hunch::Status();
  {
    py::gil_scoped_release release;
    p = hunch::PredictTable(rules, table, options);
  }
  if (!source.error().empty()) RaiseInvalid(source.error());
  if (!p.ok()) Raise(p.status());
  return py::make_tuple(prediction, rule, confidence, p->rule_errors);
}

std::string EvaluateColumns(const PyRuleSet& self, const py::list& columns,
                            const py::tuple& na_objects, int64_t rows,
                            const std::string& display_path,
                            const std::vector<std::string>& slice_by,
                            const std::string& shadow_column, int bootstrap, uint64_t seed) {
  ColumnSource source(rows, columns, na_objects);
  const hunch::Table& table = source.Slice(0, source.rows(), nullptr);
  hunch::EvalOptions options;
  options.slice_by = slice_by;
  options.shadow_column = shadow_column;
  options.bootstrap = bootstrap;
  options.seed = seed;
  hunch::Result<hunch::Report> report = hunch::Status();
  {
    py::gil_scoped_release release;
    report = hunch::EvaluateTable(*self.rules, table, display_path, options);
  }
  if (!report.ok()) Raise(report.status());
  return hunch::ReportToJson(*report);
}

py::dict PredictionDict(const hunch::RuleSet& rules, const hunch::Prediction& p) {
  const auto& infos = rules.rules();
  py::dict out;
  out["prediction"] =
      p.class_index < 0 ? std::string("abstain") : rules.class_names()[p.class_index];
  out["rule"] = p.rule < 0 ? py::object(py::none()) : py::str(infos[p.rule].name);
  out["confidence"] = p.confidence ? py::object(py::float_(*p.confidence)) : py::none();
  py::list fired, errored;
  for (int j : p.fired) fired.append(infos[j].name);
  for (int j : p.errored) errored.append(infos[j].name);
  out["fired"] = fired;
  out["errored"] = errored;
  return out;
}

// A row given as cell texts in schema() order (None: absent).
hunch::RawRow RowOf(const hunch::RuleSet& rules,
                    const std::vector<std::optional<std::string>>& cells) {
  if (cells.size() != rules.schema().columns.size())
    RaiseInvalid("a row needs one cell per schema column");
  hunch::RawRow row;
  for (const auto& c : cells) row.push_back(c ? std::optional<std::string_view>(*c) : std::nullopt);
  return row;
}

py::dict RuleDict(const hunch::RuleSet& rules, const hunch::RuleInfo& r) {
  py::dict d;
  d["name"] = r.name;
  d["condition"] = r.condition;
  d["predict"] = r.predict < 0 ? std::string("abstain") : rules.class_names()[r.predict];
  d["confidence"] = r.confidence ? py::object(py::float_(*r.confidence)) : py::none();
  d["tags"] = r.tags;
  d["enabled"] = r.enabled;
  d["line"] = r.line;
  d["columns_read"] = r.columns_read;
  return d;
}

py::tuple ReadLog(const std::string& dir) {
  std::vector<std::string> lines;
  hunch::LogReadStats stats;
  hunch::Status s;
  {
    py::gil_scoped_release release;
    s = hunch::ReadLog(
        dir, [&](const std::string& line) { lines.push_back(line); }, &stats);
  }
  if (!s.ok()) Raise(s);
  py::dict st;
  st["records"] = stats.records;
  st["segments"] = stats.segments;
  st["torn_lines"] = stats.torn_lines;
  st["warnings"] = stats.warnings;
  return py::make_tuple(lines, st);
}

py::dict BuildDataset(const std::string& log_dir, const std::string& labels_path,
                      const std::string& output_path, const std::string& output_format,
                      const std::string& join_on, const std::string& label_column) {
  hunch::DatasetOptions options;
  options.log_dir = log_dir;
  options.labels_path = labels_path;
  options.output_path = output_path;
  options.output_format = output_format;
  options.join_on = join_on;
  options.label_column = label_column;
  hunch::Result<hunch::DatasetStats> stats = hunch::Status();
  {
    py::gil_scoped_release release;
    stats = hunch::BuildDataset(options);
  }
  if (!stats.ok()) Raise(stats.status());
  py::dict d;
  d["predictions"] = stats->predictions;
  d["labeled"] = stats->labeled;
  d["unlabeled"] = stats->unlabeled;
  d["no_join_key"] = stats->no_join_key;
  d["labels"] = stats->labels;
  d["duplicate_labels"] = stats->duplicate_labels;
  d["orphan_labels"] = stats->orphan_labels;
  d["torn_lines"] = stats->torn_lines;
  d["shadow_records"] = stats->shadow_records;
  d["shadow_agreements"] = stats->shadow_agreements;
  d["warnings"] = stats->warnings;
  return d;
}

}  // namespace

PYBIND11_MODULE(_hunch, m) {
  m.doc() = "hunch's engine (C++), bound with pybind11; use the `hunch` package, not this module";
  g_hunch_error = PyErr_NewExceptionWithDoc(
      "hunch.HunchError",
      "A hunch failure: a rule file with errors, a file that cannot be read, bad data. The "
      "message is the one the hunch CLI prints; `code` names the kind and `diagnostics` lists "
      "the rule file's located messages.",
      PyExc_ValueError, nullptr);
  m.add_object("HunchError", py::handle(g_hunch_error));

  py::class_<PyRuleSet>(m, "RuleSet")
      .def_static("load", &LoadRuleSet, py::arg("path"), py::arg("lint") = true)
      .def_static("load_text", &LoadRuleText, py::arg("text"), py::arg("path"),
                  py::arg("lint") = true)
      .def("with_schema", &WithSchema, py::arg("schema"))
      .def_property_readonly("text", [](const PyRuleSet& s) { return s.text; })
      .def_property_readonly("path", [](const PyRuleSet& s) { return s.path; })
      .def_property_readonly("name", [](const PyRuleSet& s) { return s.rules->name(); })
      .def_property_readonly("version", [](const PyRuleSet& s) { return s.rules->version(); })
      .def_property_readonly("sha256", [](const PyRuleSet& s) { return s.rules->sha256(); })
      .def_property_readonly("label_column",
                             [](const PyRuleSet& s) { return s.rules->label_column(); })
      .def_property_readonly("class_names",
                             [](const PyRuleSet& s) { return s.rules->class_names(); })
      .def_property_readonly("raw_labels", [](const PyRuleSet& s) { return s.rules->raw_labels(); })
      .def_property_readonly("default_class",
                             [](const PyRuleSet& s) { return s.rules->default_class(); })
      .def_property_readonly("positive_class",
                             [](const PyRuleSet& s) { return s.rules->positive_class(); })
      .def_property_readonly("missing_values",
                             [](const PyRuleSet& s) { return s.rules->missing_values(); })
      .def_property_readonly("schema_known",
                             [](const PyRuleSet& s) { return s.rules->schema_known(); })
      .def_property_readonly("schema",
                             [](const PyRuleSet& s) { return SchemaList(s.rules->schema()); })
      .def_property_readonly("rules",
                             [](const PyRuleSet& s) {
                               py::list out;
                               for (const auto& r : s.rules->rules())
                                 out.append(RuleDict(*s.rules, r));
                               return out;
                             })
      .def_property_readonly("diagnostics",
                             [](const PyRuleSet& s) {
                               py::list out;
                               for (const auto& d : s.diagnostics) out.append(DiagnosticDict(d));
                               return out;
                             })
      .def(
          "predict_cells",
          [](const PyRuleSet& s, const std::vector<std::optional<std::string>>& cells) {
            return PredictionDict(*s.rules, s.rules->Predict(RowOf(*s.rules, cells)));
          },
          py::arg("cells"))
      .def(
          "predict_cells_many",
          [](const PyRuleSet& s, const std::vector<std::vector<std::optional<std::string>>>& rows) {
            std::vector<hunch::RawRow> raw;
            for (const auto& cells : rows) raw.push_back(RowOf(*s.rules, cells));
            std::vector<hunch::Prediction> ps;
            {
              py::gil_scoped_release release;
              ps = s.rules->PredictBatch(raw);
            }
            py::list out;
            for (const auto& p : ps) out.append(PredictionDict(*s.rules, p));
            return out;
          },
          py::arg("rows"))
      .def(
          "explain_cells",
          [](const PyRuleSet& s, const std::vector<std::optional<std::string>>& cells) {
            return s.rules->Explain(RowOf(*s.rules, cells));
          },
          py::arg("cells"))
      .def("predict_columns", &PredictColumns, py::arg("columns"), py::arg("na_objects"),
           py::arg("rows"), py::arg("threads") = 0)
      .def("evaluate_columns", &EvaluateColumns, py::arg("columns"), py::arg("na_objects"),
           py::arg("rows"), py::arg("display_path"), py::arg("slice_by"), py::arg("shadow_column"),
           py::arg("bootstrap"), py::arg("seed"));

  m.def("infer_schema", &InferSchema, py::arg("rows"), py::arg("columns"), py::arg("na_objects"),
        py::arg("missing_values"), py::arg("sample_rows") = 10000);
  m.def("read_log", &ReadLog, py::arg("dir"));
  m.def("build_dataset", &BuildDataset, py::arg("log_dir"), py::arg("labels_path"),
        py::arg("output_path"), py::arg("output_format"), py::arg("join_on"),
        py::arg("label_column"));
}
