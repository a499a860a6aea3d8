#include "yaml/yaml_reader.hpp"

// Loading YAML text and files with the checks users need (UTF-8, NUL bytes, nesting depth,
// one document) and syntax errors that point at their cause: an unclosed quote or bracket,
// a tab in the indentation, stray text. A light scan of the text names the key path at any
// offset, since yaml-cpp's own errors carry only a mark.

#if __has_include(<yaml-cpp/depthguard.h>)
#include <yaml-cpp/depthguard.h>  // YAML::DeepRecursion, yaml-cpp >= 0.7
#define CRISIS_YAML_HAS_DEPTH_GUARD 1
#endif

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string_view>

#include "engine/limits.hpp"

namespace crisis::io {

namespace {

constexpr std::size_t kNone = std::string::npos;
constexpr int kMaxNesting = 64;

// Position (1-based line and column) of byte `offset` in `text`.
std::pair<int, int> position_of(const std::string& text, std::size_t offset) {
  int line = 1;
  int column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

// Offset of 1-based `line` and `column` in `text` (clamped to the text).
std::size_t offset_of(const std::string& text, int line, int column) {
  std::size_t offset = 0;
  for (int l = 1; l < line && offset < text.size(); ++l) {
    const std::size_t end = text.find('\n', offset);
    if (end == kNone) return text.size();
    offset = end + 1;
  }
  return std::min(text.size(), offset + static_cast<std::size_t>(std::max(0, column - 1)));
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool ends_token(const std::string& text, std::size_t i) { return i >= text.size() || is_blank(text[i]) || text[i] == '\n'; }

/// What a light scan of YAML text finds: enough structure (comments, quotes, flow brackets,
/// block scalars, indentation, "- " entries, "key:") to point at problems yaml-cpp reports
/// late, vaguely or not at all, and to name the key path at any offset.
struct TextScan {
  std::size_t too_deep = kNone;         ///< where nesting first exceeds kMaxNesting
  std::size_t unclosed_quote = kNone;   ///< a quote no later quote closes (yaml-cpp accepts these)
  std::size_t unclosed_open = kNone;    ///< the first '[' or '{' still open at the end
  std::size_t mismatched_open = kNone;  ///< a '[' closed by '}' or a '{' closed by ']'...
  std::size_t mismatched_close = kNone; ///< ...and where
  std::string path_at_target;           ///< key path of the block entry holding `target`
};

// One pass, one state machine (quotes, comments, flow brackets, block scalars, the key path):
// about 230 lines on purpose. Its states are shared by every branch of the character loop, so
// pieces split out would each need all of them passed in; the loop reads best whole.
TextScan scan_text(const std::string& text, std::size_t target = kNone) {
  TextScan scan;
  struct Segment {
    std::size_t column;
    bool item;
    std::size_t index;
    std::string key;
  };
  std::vector<Segment> path;
  std::vector<std::size_t> levels;  // block indentation columns of the enclosing entries
  std::vector<std::size_t> flow;    // offsets of the open '[' and '{'
  bool target_done = target == kNone;
  auto path_text = [&] {
    std::string joined;
    for (const Segment& s : path) {
      if (s.item) {
        // Appended piece by piece: GCC 12 reports a false -Wrestrict for "[" + std::to_string(...)
        // once this function is inlined differently (GCC bug 105329).
        joined += '[';
        joined += std::to_string(s.index);
        joined += ']';
      } else {
        joined += (joined.empty() ? "" : ".") + s.key;
      }
    }
    return joined;
  };
  auto enter_level = [&](std::size_t column, std::size_t offset) {
    while (!levels.empty() && levels.back() >= column) levels.pop_back();
    levels.push_back(column);
    if (levels.size() > static_cast<std::size_t>(kMaxNesting) && scan.too_deep == kNone) scan.too_deep = offset;
  };
  auto enter_item = [&](std::size_t column) {
    while (!path.empty() && path.back().column > column) path.pop_back();
    if (!path.empty() && path.back().item && path.back().column == column) {
      ++path.back().index;
    } else {
      path.push_back({column, true, 0, {}});
    }
  };
  auto enter_key = [&](std::size_t column, std::string key) {
    while (!path.empty() && path.back().column >= column) path.pop_back();
    path.push_back({column, false, 0, std::move(key)});
  };

  enum class State { normal, comment, double_quoted, single_quoted };
  enum class Last { none, colon, dash, comma, open, other };  // last significant token on the line
  State state = State::normal;
  Last last = Last::none;
  std::size_t quote_start = 0;
  std::size_t line_begin = 0;
  std::size_t comment_start = kNone;
  std::size_t content_column = 0;  // where the line's entry starts, after any "- "
  std::size_t dash_column = kNone;  // the last "- " on the line
  std::size_t block_parent = kNone;  // inside a block scalar: lines indented deeper than this
  bool line_head_pending = true;
  const std::size_t n = text.size();

  std::size_t i = 0;
  while (i <= n) {
    if (line_head_pending) {
      // Stop once the answer is known: the path at the target, or that the text is too deep.
      if (target == kNone ? scan.too_deep != kNone : target_done) break;
      line_head_pending = false;
      line_begin = i;
      comment_start = kNone;
      last = Last::none;
      dash_column = kNone;
      const std::size_t line_end = std::min(n, text.find('\n', i));
      std::size_t p = i;
      while (p < line_end && text[p] == ' ') ++p;
      // On the target's line, entries that start after the target do not hold it; an error in
      // the indentation (a tab, say) belongs to the line's first entry.
      std::size_t limit = kNone;
      if (target >= line_begin && target <= line_end) {
        std::size_t first = p;
        while (first < line_end && is_blank(text[first])) ++first;
        limit = std::max(target, first) - line_begin;
      }
      const bool blank = p >= line_end || text[p] == '\r';
      if (state == State::normal && block_parent != kNone) {
        if (blank || p - line_begin > block_parent) {
          if (limit != kNone && !target_done) {
            scan.path_at_target = path_text();
            target_done = true;
          }
          i = line_end + 1;
          line_head_pending = true;
          continue;
        }
        block_parent = kNone;
      }
      if (state == State::normal && flow.empty() && limit != kNone && p < line_end && text[p] == '#') {
        // A comment holds no entry: it sits outside those indented as deep as it or deeper.
        while (!path.empty() && path.back().column >= p - line_begin) path.pop_back();
      }
      if (state == State::normal && flow.empty() && !blank && text[p] != '#') {
        // Block context: "- " entries, then perhaps a "key:".
        while (p < line_end && text[p] == '-' && ends_token(text, p + 1)) {
          const std::size_t column = p - line_begin;
          enter_level(column, p);
          if (column <= limit || limit == kNone) enter_item(column);
          dash_column = column;
          last = Last::dash;
          ++p;
          while (p < line_end && text[p] == ' ') ++p;
        }
        while (p < line_end && text[p] == '\t') ++p;  // a tab in the indentation: YAML rejects it later
        content_column = p - line_begin;
        if (p < line_end && text[p] != '#' && text[p] != '\r') {
          enter_level(content_column, p);
          std::string key;
          bool found = false;
          if (text[p] == '"' || text[p] == '\'') {
            const std::size_t close = text.find(text[p], p + 1);
            if (close != kNone && close < line_end) {
              std::size_t q = close + 1;
              while (q < line_end && text[q] == ' ') ++q;
              if (q < line_end && text[q] == ':' && ends_token(text, q + 1)) {
                key = text.substr(p + 1, close - p - 1);
                found = true;
              }
            }
          } else if (text[p] != '[' && text[p] != '{') {
            for (std::size_t q = p; q < line_end; ++q) {
              if (text[q] == '#' && is_blank(text[q - 1])) break;
              if (text[q] == ':' && ends_token(text, q + 1)) {
                std::size_t e = q;
                while (e > p && is_blank(text[e - 1])) --e;
                key = text.substr(p, e - p);
                found = !key.empty();
                break;
              }
            }
          }
          if (found && (content_column <= limit || limit == kNone)) enter_key(content_column, key);
        }
        i = p;
      }
      if (limit != kNone && !target_done) {
        scan.path_at_target = path_text();
        target_done = true;
      }
    }
    if (i >= n) break;
    const char c = text[i];
    if (c == '\n') {
      if (state == State::normal || state == State::comment) {
        // Does this line open a block scalar ("key: |", "- >-")?
        std::size_t e = comment_start != kNone ? comment_start : i;
        while (e > line_begin && is_blank(text[e - 1])) --e;
        std::size_t stripped = 0;
        while (e > line_begin && stripped < 2 && std::string_view("+-0123456789").find(text[e - 1]) != std::string_view::npos) {
          --e;
          ++stripped;
        }
        if (flow.empty() && e > line_begin && (text[e - 1] == '|' || text[e - 1] == '>') &&
            (e - 1 == line_begin || is_blank(text[e - 2]))) {
          std::size_t q = e - 1;
          while (q > line_begin && is_blank(text[q - 1])) --q;
          if (q > line_begin && text[q - 1] == ':') block_parent = content_column;
          else if (q > line_begin && text[q - 1] == '-' && dash_column != kNone) block_parent = dash_column;
        }
        if (state == State::comment) state = State::normal;
        line_head_pending = true;
      } else {
        // A quoted scalar continues on the next line.
        line_begin = i + 1;
        const std::size_t line_end = std::min(n, text.find('\n', i + 1));
        if (!target_done && target >= line_begin && target <= line_end) {
          scan.path_at_target = path_text();
          target_done = true;
        }
      }
      ++i;
      continue;
    }
    switch (state) {
      case State::comment:
        break;
      case State::double_quoted:
        if (c == '\\' && i + 1 < n && text[i + 1] != '\n') {
          ++i;
        } else if (c == '"') {
          state = State::normal;
          last = Last::other;
        }
        break;
      case State::single_quoted:
        if (c == '\'' && i + 1 < n && text[i + 1] == '\'') {
          ++i;
        } else if (c == '\'') {
          state = State::normal;
          last = Last::other;
        }
        break;
      case State::normal: {
        const char before = i > line_begin ? text[i - 1] : ' ';
        const bool token_start = is_blank(before) || (!flow.empty() && (before == '[' || before == '{' || before == ','));
        if (c == '#' && is_blank(before)) {
          state = State::comment;
          comment_start = i;
        } else if ((c == '"' || c == '\'') && token_start && last != Last::other) {
          state = c == '"' ? State::double_quoted : State::single_quoted;
          quote_start = i;
        } else if ((c == '[' || c == '{') && (token_start || !flow.empty())) {
          flow.push_back(i);
          last = Last::open;
          if (flow.size() > static_cast<std::size_t>(kMaxNesting) && scan.too_deep == kNone) scan.too_deep = i;
        } else if ((c == ']' || c == '}') && !flow.empty()) {
          const char open = text[flow.back()];
          if ((open == '[') != (c == ']') && scan.mismatched_open == kNone) {
            scan.mismatched_open = flow.back();
            scan.mismatched_close = i;
          }
          flow.pop_back();
          last = Last::other;
        } else if (c == ':' && (ends_token(text, i + 1) || !flow.empty())) {
          last = Last::colon;
        } else if (c == ',' && !flow.empty()) {
          last = Last::comma;
        } else if (!is_blank(c)) {
          last = Last::other;
        }
        break;
      }
    }
    ++i;
  }
  if (state == State::double_quoted || state == State::single_quoted) scan.unclosed_quote = quote_start;
  if (!flow.empty()) scan.unclosed_open = flow.front();
  if (!target_done) scan.path_at_target = path_text();
  return scan;
}

/// The key path ("run.horizon_days", "city.zones[2]") of the entry holding byte `offset`.
std::string key_path_at(const std::string& text, std::size_t offset) {
  std::string path = scan_text(text, offset).path_at_target;
  if (path.size() > 200) path = path.substr(0, 197) + "...";
  return path;
}

/// An InputError for byte `offset` of `text`, naming its line:column and key path.
InputError text_error(const std::string& text, const std::string& file_label, std::size_t offset, std::string message) {
  const auto [line, column] = position_of(text, offset);
  return InputError(InputProblem{file_label, line, column, key_path_at(text, offset), std::move(message)});
}

/// Offset of the tab in the indentation of the last line at or before `line` (1-based) that
/// is indented with one, or npos. YAML indents with spaces only.
std::size_t tab_indent_offset(const std::string& text, int line) {
  std::size_t found = kNone;
  std::size_t begin = 0;
  const int last_line = line > 0 ? line : std::numeric_limits<int>::max();
  for (int l = 1; l <= last_line && begin <= text.size(); ++l) {
    const std::size_t end = std::min(text.size(), text.find('\n', begin));
    std::size_t p = begin;
    std::size_t tab = kNone;
    while (p < end && (text[p] == ' ' || text[p] == '\t')) {
      if (text[p] == '\t' && tab == kNone) tab = p;
      ++p;
    }
    const bool content = p < end && text[p] != '#' && text[p] != '\r';
    if (tab != kNone && content) found = tab;
    if (end >= text.size()) break;
    begin = end + 1;
  }
  return found;
}

/// Where the first two documents of a YAML stream start: enough to tell one document from
/// more, without YAML::LoadAll. yaml-cpp 0.7's LoadAll (Debian 12's) loops for ever, growing
/// without bound, on a stray ',' outside any bracket (found by tests/fuzz; yaml-cpp issue
/// #1040, fixed upstream after 0.8): the parser reports an empty document without consuming
/// the token, again and again. Reading at most two documents bounds the work, and a document
/// that starts where the one before it did is that stuck parser.
class DocumentStarts : public YAML::EventHandler {
 public:
  static constexpr std::size_t kWanted = 2;

  /// Parse `text` up to its second document; YAML::Exception on a syntax error in either.
  explicit DocumentStarts(const std::string& text) {
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    while (starts_.size() < kWanted && parser.HandleNextDocument(*this)) {
    }
  }
  [[nodiscard]] std::size_t count() const noexcept { return starts_.size(); }
  /// Mark of document `index`'s first node (its start when it has none).
  [[nodiscard]] const YAML::Mark& node_mark(std::size_t index) const { return node_marks_[index]; }
  /// True when the second document starts where the first did: the parser could not move on.
  [[nodiscard]] bool stuck() const { return starts_.size() == kWanted && starts_[1].pos == starts_[0].pos; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    starts_.push_back(mark);
    node_marks_.push_back(mark);
    first_node_ = true;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override { node(mark); }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnMapEnd() override {}

 private:
  void node(const YAML::Mark& mark) {
    if (first_node_) node_marks_.back() = mark;
    first_node_ = false;
  }
  std::vector<YAML::Mark> starts_;
  std::vector<YAML::Mark> node_marks_;
  bool first_node_ = false;
};

}  // namespace

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates (U+D800..U+DFFF), nothing above
// U+10FFFF. JSON writers refuse them, so they must not pass validation and fail after a run.
std::size_t invalid_utf8_offset(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    unsigned char second_low = 0x80;  // the range the second byte must lie in
    unsigned char second_high = 0xBF;
    if (c < 0x80) length = 1;
    else if (c >= 0xC2 && c <= 0xDF) length = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) second_low = 0xA0;   // overlong
      if (c == 0xED) second_high = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) second_low = 0x90;   // overlong
      if (c == 0xF4) second_high = 0x8F;  // above U+10FFFF
    } else {
      return i;  // a continuation byte, an overlong lead (C0, C1) or F5..FF
    }
    if (i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      const auto byte = static_cast<unsigned char>(text[i + k]);
      const unsigned char low = k == 1 ? second_low : 0x80;
      const unsigned char high = k == 1 ? second_high : 0xBF;
      if (byte < low || byte > high) return i;
    }
    i += length;
  }
  return kNone;
}

YAML::Node load_yaml_text(const std::string& raw, const std::string& file_label) {
  std::string text = raw;
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // UTF-8 byte-order mark
  if (text.rfind("\xFF\xFE", 0) == 0 || text.rfind("\xFE\xFF", 0) == 0) {
    throw InputError(InputProblem{file_label, 1, 1, "", "the file is UTF-16 text: expected UTF-8 (save it as UTF-8)"});
  }
  if (const auto nul = text.find('\0'); nul != kNone) {
    throw text_error(text, file_label, nul, "the file contains a NUL byte: expected YAML text, not binary data");
  }
  if (const auto bad = invalid_utf8_offset(text); bad != kNone) {
    throw text_error(text, file_label, bad, "the file is not valid UTF-8 text (save it as UTF-8)");
  }
  const TextScan scan = scan_text(text);
  if (scan.too_deep != kNone) {
    throw text_error(text, file_label, scan.too_deep,
                     "nesting deeper than " + std::to_string(kMaxNesting) + " levels: expected a scenario, not this deep a structure");
  }
  if (scan.unclosed_quote != kNone) {
    throw text_error(text, file_label, scan.unclosed_quote,
                     std::string("YAML syntax error: the ") + text[scan.unclosed_quote] +
                         " opened here is never closed (expected a closing quote)");
  }
  YAML::Node document;
  std::optional<DocumentStarts> documents;
  try {
    document = YAML::Load(text);  // the first document only
    documents.emplace(text);
#ifdef CRISIS_YAML_HAS_DEPTH_GUARD
  } catch (const YAML::DeepRecursion& error) {
    throw text_error(text, file_label, offset_of(text, error.mark.line + 1, error.mark.column + 1),
                     "nesting too deep for the YAML parser: expected a scenario, not this deep a structure");
#endif
  } catch (const YAML::Exception& error) {
    const int line = error.mark.line >= 0 ? error.mark.line + 1 : 0;
    const int column = error.mark.column >= 0 ? error.mark.column + 1 : 0;
    const std::string& message = error.msg;
    if (const auto tab = tab_indent_offset(text, line); tab != kNone) {
      throw text_error(text, file_label, tab, "YAML syntax error: a tab is used for indentation; expected spaces (" + message + ")");
    }
    // A bracket left open derails the parser somewhere later: point at the bracket.
    const std::size_t error_offset = line > 0 ? offset_of(text, line, column) : text.size();
    const bool flow_error = message.find("flow") != std::string::npos;
    {
      if (scan.mismatched_open != kNone && (flow_error || scan.mismatched_open < error_offset)) {
        const auto [close_line, close_column] = position_of(text, scan.mismatched_close);
        throw text_error(text, file_label, scan.mismatched_open,
                         std::string("YAML syntax error: this '") + text[scan.mismatched_open] + "' is closed by '" +
                             text[scan.mismatched_close] + "' at " + std::to_string(close_line) + ":" +
                             std::to_string(close_column) + "; expected '" + (text[scan.mismatched_open] == '[' ? "]" : "}") +
                             "' (" + message + ")");
      }
      if (scan.unclosed_open != kNone && (flow_error || scan.unclosed_open < error_offset)) {
        throw text_error(text, file_label, scan.unclosed_open,
                         std::string("YAML syntax error: this '") + text[scan.unclosed_open] + "' is never closed; expected '" +
                             (text[scan.unclosed_open] == '[' ? "]" : "}") + "' (" + message + ")");
      }
    }
    std::string hint;
    if (message == "illegal map value" || message.find("end of map") != std::string::npos) {
      hint = " (is a missing space after ':' to blame?)";
    }
    throw InputError(InputProblem{file_label, line, column, line > 0 ? key_path_at(text, error_offset) : "",
                                  "YAML syntax error: " + message + hint});
  }
  if (documents->stuck()) {
    // A token the parser cannot start a document with, such as a ',' outside brackets.
    const YAML::Mark at = documents->node_mark(1);
    const std::size_t offset = at.line >= 0 ? offset_of(text, at.line + 1, at.column + 1) : 0;
    std::size_t length = offset < text.size() ? 1 : 0;  // the whole UTF-8 character
    while (offset + length < text.size() && (static_cast<unsigned char>(text[offset + length]) & 0xC0) == 0x80) ++length;
    const std::string token = length > 0 ? text.substr(offset, length) : std::string("end of file");
    throw text_error(text, file_label, offset,
                     "YAML syntax error: unexpected '" + token + "' outside any bracket; expected 'key: value' lines");
  }
  if (documents->count() > 1) {
    // yaml-cpp reads stray text before the first key as a document of its own.
    const YAML::Mark first = document.Mark();
    if (document.IsScalar() && first.line >= 0) {
      throw text_error(text, file_label, offset_of(text, first.line + 1, first.column + 1),
                       "stray text outside any key (read as a YAML document of its own); expected 'key: value' lines");
    }
    // A second document starts at its '---' line; a scenario is one document.
    std::size_t offset = kNone;
    std::size_t begin = 0;
    int markers = 0;
    bool content_before = false;
    while (begin < text.size()) {
      const std::size_t end = std::min(text.size(), text.find('\n', begin));
      const bool marker = text.compare(begin, 3, "---") == 0 && ends_token(text, begin + 3);
      if (marker && (content_before || markers > 0)) {
        offset = begin;
        break;
      }
      if (marker) ++markers;
      std::size_t p = begin;
      while (p < end && is_blank(text[p])) ++p;
      if (!marker && p < end && text[p] != '#') content_before = true;
      begin = end + 1;
    }
    const YAML::Mark second = documents->node_mark(1);
    if (offset == kNone && second.line >= 0) offset = offset_of(text, second.line + 1, second.column + 1);
    const std::string message = "a second YAML document follows the scenario; expected one document per file";
    if (offset == kNone) throw InputError(InputProblem{file_label, 1, 1, "", message});
    const auto [line, column] = position_of(text, offset);
    throw InputError(InputProblem{file_label, line, column, "", message});
  }
  return document;
}

std::string read_yaml_file(const std::string& path) {
  namespace fs = std::filesystem;
  if (path.empty()) throw InputError(InputProblem{"", 0, 0, "scenario", "the path is empty; expected a scenario YAML file"});
  std::error_code error;
  const auto status = fs::status(path, error);
  if (error || !fs::exists(status)) throw InputError(InputProblem{path, 0, 0, "", "no such file"});
  if (fs::is_directory(status)) throw InputError(InputProblem{path, 0, 0, "", "is a directory; expected a scenario YAML file"});
  if (!fs::is_regular_file(status)) throw InputError(InputProblem{path, 0, 0, "", "is not a regular file"});
  const auto size = fs::file_size(path, error);
  if (!error && size > engine::kMaxInputFileBytes) throw InputError(InputProblem{path, 0, 0, "", "is larger than 64 MiB; expected a scenario YAML file"});
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(InputProblem{path, 0, 0, "", "cannot be read (permission?)"});
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw InputError(InputProblem{path, 1, 1, "", "the file is empty; expected a scenario (see docs/scenario-format.md)"});
  }
  return text;
}

void require_document(const YAML::Node& node, const std::string& file_label) {
  if (!node.IsDefined() || node.IsNull()) {
    throw InputError(InputProblem{file_label, 1, 1, "", "the file has only comments or an empty document; expected a scenario (see docs/scenario-format.md)"});
  }
}

YAML::Node load_yaml_file(const std::string& path, std::string* text_out) {
  std::string text = read_yaml_file(path);
  YAML::Node node = load_yaml_text(text, path);
  require_document(node, path);
  if (text_out) *text_out = std::move(text);
  return node;
}

}  // namespace crisis::io
