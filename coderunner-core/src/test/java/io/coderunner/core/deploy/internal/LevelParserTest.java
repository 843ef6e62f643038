package io.coderunner.core.deploy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.LogLevel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LevelParserTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiterString = " => ",
      value = {
        "ERROR: disk full => ERROR",
        "error disk full => ERROR",
        "ERR something => ERROR",
        "FATAL boom => ERROR",
        "SEVERE: boom => ERROR",
        "[ERROR] boom => ERROR",
        "WARN low => WARN",
        "Warning: low => WARN",
        "[WARN ] low => WARN",
        "(warn) low => WARN",
        "<debug> x => DEBUG",
        "DEBUG x => DEBUG",
        "TRACE x => TRACE",
        "INFO started => INFO",
        "info: started => INFO",
        "2026-11-24 10:15:30 ERROR boom => ERROR",
        "2026-11-24T10:15:30.123Z WARN low => WARN",
        "[2026-11-24 10:15:30] [main] DEBUG x => DEBUG",
        "10:15:30.123 [worker-1] INFO  com.example.App - up => INFO",
        "2026/11/24 10:15:30 | WARN | low => WARN",
        "- ERROR - boom => ERROR",
        "level=warn msg=x => WARN",
        "time=10:15 level=error msg=x => ERROR",
        "ts=2026-11-24T10:15:30Z caller=main.go:12 level=warn => WARN",
        "lvl:debug x => DEBUG",
        "severity=\"trace\" x => TRACE",
      })
  void levelsAreReadFromCommonPrefixes(String line, LogLevel expected) {
    assertThat(LevelParser.parse(line)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "\u001b[31mERROR\u001b[0m boom",
        "\u001b[1;31m[ERROR]\u001b[0m boom",
        "[\u001b[31mERROR\u001b[0m] boom",
        "\u001b[2m2026-11-24 10:15:30\u001b[0m \u001b[31mERROR\u001b[0m boom",
        "\u001b(BERROR boom",
      })
  void ansiColourEscapesAreSkipped(String line) {
    assertThat(LevelParser.parse(line)).isEqualTo(LogLevel.ERROR);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "",
        "   ",
        "plain text",
        "ERRORS happened",
        "ERROR_COUNT=3",
        "info2 x",
        "3 errors",
        "the ERROR is later",
        "[main] started",
        "[unclosed ERROR",
        "level=",
        "level=verbose",
        "levels=warn",
        "user=bob",
        "level warn",
        "\"ERROR\"",
        "- - - - - - - - - - - - - - ERROR",
        "\u001b[",
        "\u001b",
        "[]",
      })
  void linesWithoutALevelWordAtTheStartHaveNone(String line) {
    assertThat(LevelParser.parse(line)).isNull();
  }

  @org.junit.jupiter.api.Test
  void onlyTheBeginningOfALineIsScanned() {
    String far = " ".repeat(LevelParser.SCAN_CHARS) + "ERROR";
    assertThat(LevelParser.parse(far)).isNull();
  }
}
