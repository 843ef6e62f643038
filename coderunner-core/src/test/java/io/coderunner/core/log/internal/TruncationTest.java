package io.coderunner.core.log.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TruncationTest {
  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  @Test
  void shortMessagesAreReturnedAsTheyAre() {
    String s = "hello";
    assertThat(Truncation.truncate(s, 256)).isSameAs(s);
    String exact = "é".repeat(128); // 256 bytes, 128 chars: needs the exact count
    assertThat(Truncation.truncate(exact, 256)).isSameAs(exact);
  }

  @Test
  void longMessagesKeepAPrefixAndSayHowMuchWasCut() {
    String s = "a".repeat(1000);
    String t = Truncation.truncate(s, 256);
    assertThat(utf8(t)).isLessThanOrEqualTo(256);
    assertThat(t).startsWith("aaaa").endsWith(" bytes]");
    int kept = t.indexOf(' ');
    assertThat(t).contains("[...truncated " + (1000 - kept) + " bytes]");
  }

  @Test
  void surrogatePairsAreNeverSplit() {
    String emoji = "\uD83D\uDE80"; // 4 bytes in UTF-8
    String s = emoji.repeat(300);
    String t = Truncation.truncate(s, 256);
    assertThat(utf8(t)).isLessThanOrEqualTo(256);
    String prefix = t.substring(0, t.indexOf(" [...truncated"));
    assertThat(prefix.length() % 2).isZero();
    assertThat(Character.isHighSurrogate(prefix.charAt(prefix.length() - 1))).isFalse();
  }

  @Test
  void utf8LengthCountsEachWidth() {
    assertThat(io.coderunner.core.internal.Utf8.length("aé€\uD83D\uDE80", 5))
        .isEqualTo(1 + 2 + 3 + 4);
    assertThat(io.coderunner.core.internal.Utf8.length("\uD83D", 1)).isEqualTo(3); // lone surrogate
    String mixed = "x\u07FF\u0800\uD83D\uDE80\uDE80".repeat(200);
    String t = Truncation.truncate(mixed, 300);
    assertThat(utf8(t)).isLessThanOrEqualTo(300);
  }
}
