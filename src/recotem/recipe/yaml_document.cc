#include "recotem/recipe/yaml_document.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <sstream>
#include <utility>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include "recotem/recipe/field_path.h"
#include "recotem/recipe/recipe_error.h"
#include "recotem/recipe/yaml_scalar.h"

namespace recotem {
namespace {

constexpr std::string_view kSeqTag = "tag:yaml.org,2002:seq";
constexpr std::string_view kMapTag = "tag:yaml.org,2002:map";
constexpr std::string_view kStrTag = "tag:yaml.org,2002:str";
// Documents the pre-scan reads before deciding there are too many.
constexpr size_t kMaxDocumentsScanned = 2;

int LineOf(const YAML::Node& node) { return node.Mark().line + 1; }

RecipeError ParseError(const std::string& what, int line) {
  std::string message = what;
  if (line > 0) message += " (line " + std::to_string(line) + ")";
  return MakeRecipeError(RecipeErrorCategory::kParse, message);
}

class Converter {
 public:
  YamlDocument Convert(const YAML::Node& root) {
    YamlDocument doc;
    timestamps_ = &doc.timestamps;
    doc.root = ConvertNode(root, "", 0);
    return doc;
  }

 private:
  void CountNode(const YAML::Node& node) {
    if (++nodes_ > kMaxYamlNodes) {
      throw ParseError("the document has more than " + std::to_string(kMaxYamlNodes) +
                           " nodes after alias expansion",
                       LineOf(node));
    }
  }

  nlohmann::ordered_json ConvertScalar(const YAML::Node& node, const std::string& pointer) {
    YamlScalar scalar;
    try {
      scalar = ConstructTaggedScalar(node.Tag(), node.Scalar());
    } catch (const YamlScalarError& e) {
      throw ParseError(e.what(), LineOf(node));
    }
    switch (scalar.kind) {
      case YamlScalarKind::kNull:
        return nullptr;
      case YamlScalarKind::kBool:
        return scalar.bool_value;
      case YamlScalarKind::kInt:
        return scalar.int_value;
      case YamlScalarKind::kFloat:
        return scalar.float_value;
      case YamlScalarKind::kTimestamp:
        timestamps_->insert(pointer);
        return scalar.text;
      case YamlScalarKind::kMerge:
        // `<<` outside a key position is just the string.
        return "<<";
      case YamlScalarKind::kString:
        break;
    }
    return scalar.text;
  }

  nlohmann::ordered_json ConvertNode(const YAML::Node& node, const std::string& pointer,
                                     size_t depth) {
    CountNode(node);
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        if (node.Tag() == kStrTag) return "";
        return nullptr;
      case YAML::NodeType::Scalar:
        return ConvertScalar(node, pointer);
      case YAML::NodeType::Sequence:
        return ConvertSequence(node, pointer, depth);
      case YAML::NodeType::Map:
        return ConvertMap(node, pointer, depth);
    }
    return nullptr;
  }

  void CheckCollection(const YAML::Node& node, std::string_view expected_tag, size_t depth) {
    if (depth >= kMaxYamlDepth) {
      throw ParseError(
          "collections are nested deeper than " + std::to_string(kMaxYamlDepth) + " levels",
          LineOf(node));
    }
    const std::string& tag = node.Tag();
    if (tag != "?" && tag != "!" && tag != expected_tag) {
      throw ParseError("could not determine a constructor for the tag '" + tag + "'", LineOf(node));
    }
  }

  nlohmann::ordered_json ConvertSequence(const YAML::Node& node, const std::string& pointer,
                                         size_t depth) {
    CheckCollection(node, kSeqTag, depth);
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    size_t index = 0;
    for (const auto& child : node) {
      out.push_back(ConvertNode(child, pointer + "/" + std::to_string(index), depth + 1));
      ++index;
    }
    return out;
  }

  // The string a mapping key stands for; non-string keys are rejected with
  // the YAML 1.1 reading spelled out (the classic `on:` surprise).
  std::string KeyText(const YAML::Node& key, const std::string& pointer, bool* is_merge) {
    *is_merge = false;
    if (key.IsScalar()) {
      YamlScalar scalar;
      try {
        scalar = ConstructTaggedScalar(key.Tag(), key.Scalar());
      } catch (const YamlScalarError& e) {
        throw ParseError(e.what(), LineOf(key));
      }
      if (scalar.kind == YamlScalarKind::kString) return scalar.text;
      if (scalar.kind == YamlScalarKind::kMerge) {
        *is_merge = true;
        return "<<";
      }
      static constexpr const char* kKindNames[] = {"null",     "a boolean", "an integer", "a float",
                                                   "a string", "a date",    "a merge key"};
      std::string where = pointer.empty() ? "" : PointerToFieldPath(pointer) + ": ";
      throw MakeRecipeError(RecipeErrorCategory::kUnknown,
                            where + "mapping key '" + key.Scalar() + "' is read by YAML 1.1 as " +
                                kKindNames[static_cast<int>(scalar.kind)] +
                                ", not a string; quote it (line " + std::to_string(LineOf(key)) +
                                ")");
    }
    std::string where = pointer.empty() ? "" : PointerToFieldPath(pointer) + ": ";
    throw MakeRecipeError(
        RecipeErrorCategory::kUnknown,
        where + "mapping keys must be strings (line " + std::to_string(LineOf(key)) + ")");
  }

  // Appends the pairs a `<<` value contributes: one mapping, or a sequence of
  // mappings where earlier ones win (PyYAML's flatten_mapping).
  void CollectMerge(const YAML::Node& value, const std::string& pointer, size_t depth,
                    std::vector<std::pair<std::string, nlohmann::ordered_json>>* merged) {
    auto merge_one = [&](const YAML::Node& map_node) {
      if (!map_node.IsMap()) {
        throw ParseError("expected a mapping or a list of mappings for merging", LineOf(map_node));
      }
      nlohmann::ordered_json converted = ConvertMap(map_node, pointer, depth);
      for (auto& [k, v] : converted.items()) merged->emplace_back(k, v);
    };
    if (value.IsMap()) {
      merge_one(value);
    } else if (value.IsSequence()) {
      std::vector<YAML::Node> items(value.begin(), value.end());
      for (auto it = items.rbegin(); it != items.rend(); ++it) merge_one(*it);
    } else {
      throw ParseError("expected a mapping or a list of mappings for merging", LineOf(value));
    }
  }

  nlohmann::ordered_json ConvertMap(const YAML::Node& node, const std::string& pointer,
                                    size_t depth) {
    CheckCollection(node, kMapTag, depth);
    std::vector<std::pair<std::string, nlohmann::ordered_json>> merged;
    std::vector<std::pair<std::string, const YAML::Node>> own;
    for (auto it = node.begin(); it != node.end(); ++it) {
      bool is_merge = false;
      std::string key = KeyText(it->first, pointer, &is_merge);
      if (is_merge) {
        CollectMerge(it->second, pointer, depth + 1, &merged);
      } else {
        own.emplace_back(std::move(key), it->second);
      }
    }
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    // Merged keys first, then the explicit ones; a later duplicate replaces
    // the value but keeps the first position (Python dict semantics).
    for (auto& [key, value] : merged) out[key] = std::move(value);
    for (auto& [key, value_node] : own) {
      std::string child = JsonPointerChild(pointer, key);
      // A duplicate key's earlier timestamp marker must not outlive it.
      timestamps_->erase(child);
      out[key] = ConvertNode(value_node, child, depth + 1);
    }
    return out;
  }

  std::set<std::string>* timestamps_ = nullptr;
  size_t nodes_ = 0;
};

// PyYAML's reader accepts only printable characters: tab, LF, CR, U+0020–
// U+007E, U+0085, U+00A0–U+D7FF, U+E000–U+FFFD and U+10000 upward (the
// input is already valid UTF-8). Checking first also keeps control bytes
// away from yaml-cpp, which can loop forever on some of them.
void CheckPrintable(std::string_view text) {
  int line = 1;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    uint32_t cp = c;
    size_t len = 1;
    if (c >= 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else if (c >= 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xC0) {
      len = 2;
      cp = c & 0x1F;
    }
    for (size_t k = 1; k < len && i + k < text.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    bool ok = cp == 0x09 || cp == 0x0A || cp == 0x0D || (cp >= 0x20 && cp <= 0x7E) || cp == 0x85 ||
              (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000;
    if (!ok) {
      char hex[16];
      std::snprintf(hex, sizeof hex, "#x%04x", static_cast<unsigned>(cp));
      throw ParseError(
          std::string("unacceptable character ") + hex + ": special characters are not allowed",
          line);
    }
    if (cp == 0x0A) ++line;
    i += len;
  }
}

// Records where each document starts; the events themselves are ignored.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// yaml-cpp 0.7 never consumes a stray ',' where a document or a top-level
// node should start (",", "- a\n,") and emits empty documents forever.
// A first pass over at most two documents catches that (two documents
// starting at the same place) and the multi-document case, so LoadAll only
// ever sees a single document.
void CheckSingleDocument(const std::string& text) {
  std::istringstream stream(text);
  YAML::Parser parser(stream);
  DocumentStarts handler;
  while (handler.starts.size() <= kMaxDocumentsScanned && parser.HandleNextDocument(handler)) {
    size_t n = handler.starts.size();
    if (n >= 2 && handler.starts[n - 1].pos == handler.starts[n - 2].pos) {
      throw ParseError("expected the start of a node or a document, but found ','",
                       handler.starts[n - 1].line + 1);
    }
  }
  if (handler.starts.size() > 1) {
    throw ParseError("expected a single document in the stream, found more",
                     handler.starts[1].line + 1);
  }
}

}  // namespace

YamlDocument ParseYamlDocument(std::string_view text) {
  CheckPrintable(text);
  std::vector<YAML::Node> documents;
  try {
    CheckSingleDocument(std::string(text));
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::ParserException& e) {
    throw ParseError(e.msg, e.mark.line >= 0 ? e.mark.line + 1 : 0);
  } catch (const YAML::Exception& e) {
    throw ParseError(e.msg, e.mark.line >= 0 ? e.mark.line + 1 : 0);
  }
  if (documents.size() > 1) {
    throw ParseError(
        "expected a single document in the stream, found " + std::to_string(documents.size()),
        LineOf(documents[1]));
  }
  if (documents.empty()) return YamlDocument{};
  try {
    return Converter().Convert(documents[0]);
  } catch (const YAML::Exception& e) {
    throw ParseError(e.msg, e.mark.line >= 0 ? e.mark.line + 1 : 0);
  }
}

}  // namespace recotem
