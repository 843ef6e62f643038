package io.coderunner.server;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads: its identifiers that are not functions, aggregation
 * operators, keywords or number words, outside label matchers ({@code {...}}), label lists ({@code
 * by (...)}, {@code on (...)}, ...), strings, range and subquery brackets ({@code [5m]}), numbers
 * and durations. A name given as a matcher ({@code {__name__="x"}}) counts too. Grafana variables
 * ({@code $instance}, {@code ${var}}, {@code $__rate_interval}) are skipped, so dashboard queries
 * can be read as they are.
 *
 * <p>It does not check that the expression is valid PromQL ({@code promtool} does); it only fails
 * on an unterminated string, matcher or bracket, where it cannot tell names from the rest.
 */
final class PromQlNames {
  private static final Set<String> AGGREGATIONS =
      Set.of(
          "sum",
          "min",
          "max",
          "avg",
          "group",
          "stddev",
          "stdvar",
          "count",
          "count_values",
          "bottomk",
          "topk",
          "quantile",
          "limitk",
          "limit_ratio");

  /** Keywords that may be followed by a parenthesised list of label names. */
  private static final Set<String> LABEL_LISTS =
      Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

  private static final Set<String> KEYWORDS =
      Set.of("bool", "and", "or", "unless", "offset", "atan2", "inf", "nan");

  private static final Pattern NAME_MATCHER =
      Pattern.compile("(?<![A-Za-z0-9_])__name__\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  private PromQlNames() {}

  /** The metric names {@code expr} reads, sorted. */
  static Set<String> of(String expr) {
    Set<String> names = new TreeSet<>();
    int n = expr.length();
    int i = 0;
    while (i < n) {
      char c = expr.charAt(i);
      if (c == '#') {
        i = lineEnd(expr, i);
      } else if (c == '"' || c == '\'' || c == '`') {
        i = stringEnd(expr, i);
      } else if (c == '{') {
        int end = closing(expr, i, '}');
        Matcher m = NAME_MATCHER.matcher(expr.substring(i + 1, end - 1));
        while (m.find()) {
          names.add(m.group(1));
        }
        i = end;
      } else if (c == '[') {
        i = closing(expr, i, ']');
      } else if (c == '$') {
        i = variableEnd(expr, i);
      } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && isDigit(expr.charAt(i + 1)))) {
        i = wordEnd(expr, i);
      } else if (isNameStart(c)) {
        int end = nameEnd(expr, i);
        String word = expr.substring(i, end);
        String keyword = word.toLowerCase(Locale.ROOT);
        int next = skipSpace(expr, end);
        boolean call = next < n && expr.charAt(next) == '(';
        if (LABEL_LISTS.contains(keyword)) {
          end = call ? closing(expr, next, ')') : end;
        } else if (!call && !AGGREGATIONS.contains(keyword) && !KEYWORDS.contains(keyword)) {
          names.add(word);
        }
        i = end;
      } else {
        i++;
      }
    }
    return names;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  }

  private static boolean isNamePart(char c) {
    return isNameStart(c) || isDigit(c);
  }

  /**
   * The end of a number or duration: letters, digits, '_', ':' and '.' ({@code 1.5e3}, {@code
   * 1h30m}).
   */
  private static int wordEnd(String s, int i) {
    int j = i;
    while (j < s.length() && (isNamePart(s.charAt(j)) || s.charAt(j) == '.')) {
      j++;
    }
    return j;
  }

  private static int nameEnd(String s, int i) {
    int j = i;
    while (j < s.length() && isNamePart(s.charAt(j))) {
      j++;
    }
    return j;
  }

  private static int skipSpace(String s, int i) {
    int j = i;
    while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
      j++;
    }
    return j;
  }

  private static int lineEnd(String s, int i) {
    int nl = s.indexOf('\n', i);
    return nl < 0 ? s.length() : nl + 1;
  }

  /** The index after the string that starts at {@code i}. */
  private static int stringEnd(String s, int i) {
    char quote = s.charAt(i);
    int j = i + 1;
    while (j < s.length()) {
      char c = s.charAt(j);
      if (c == '\\' && quote != '`') {
        j += 2;
      } else if (c == quote) {
        return j + 1;
      } else {
        j++;
      }
    }
    throw new IllegalArgumentException("unterminated string at " + i + " in: " + s);
  }

  /** The index after the {@code close} that ends the bracket at {@code i}, skipping strings. */
  private static int closing(String s, int i, char close) {
    char open = s.charAt(i);
    int depth = 0;
    int j = i;
    while (j < s.length()) {
      char c = s.charAt(j);
      if (c == '"' || c == '\'' || c == '`') {
        j = stringEnd(s, j);
        continue;
      }
      if (c == open) {
        depth++;
      } else if (c == close && --depth == 0) {
        return j + 1;
      }
      j++;
    }
    throw new IllegalArgumentException("unterminated '" + open + "' at " + i + " in: " + s);
  }

  /** The index after a Grafana variable: {@code $name} or {@code ${name...}}. */
  private static int variableEnd(String s, int i) {
    if (i + 1 < s.length() && s.charAt(i + 1) == '{') {
      return closing(s, i + 1, '}');
    }
    return nameEnd(s, i + 1);
  }
}
