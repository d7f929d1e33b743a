// MakeLogRecord: a prediction of the facade turned into a log record.
#include "hunch/prediction_log.h"

namespace hunch {

LogRecord MakeLogRecord(const RuleSet& rules, const Prediction& prediction, std::string input_json,
                        std::string inference_id) {
  LogRecord rec;
  rec.inference_id = std::move(inference_id);
  rec.ruleset_name = rules.name();
  rec.ruleset_version = rules.version();
  rec.ruleset_sha256 = rules.sha256();
  rec.label_column = rules.label_column();
  rec.input_json = std::move(input_json);
  rec.prediction =
      prediction.class_index < 0 ? "abstain" : rules.class_names()[prediction.class_index];
  if (prediction.rule >= 0) rec.rule = rules.rules()[prediction.rule].name;
  rec.confidence = prediction.confidence;
  for (int j : prediction.fired) rec.fired.push_back(rules.rules()[j].name);
  return rec;
}

}  // namespace hunch
