package io.coderunner.core.deploy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.core.internal.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {
  private final List<String> lines = new ArrayList<>();

  private void feed(LineSplitter splitter, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    splitter.feed(bytes, 0, bytes.length, lines::add);
  }

  @Test
  void linesAreSplitOnNewlineAcrossChunksAndLoseATrailingCarriageReturn() {
    LineSplitter splitter = new LineSplitter(256);
    feed(splitter, "one\r");
    feed(splitter, "\ntw");
    feed(splitter, "o\n\nthree\rx\n");
    splitter.finish(lines::add);

    assertThat(lines).containsExactly("one", "two", "", "three\rx");
  }

  @Test
  void aLastLineWithoutNewlineIsHandedOverOnFinishAndNothingElse() {
    LineSplitter splitter = new LineSplitter(256);
    feed(splitter, "a\nb");
    splitter.finish(lines::add);
    splitter.finish(lines::add);

    assertThat(lines).containsExactly("a", "b");
  }

  @Test
  void aMultiByteCharacterSplitAcrossChunksIsDecodedWhole() {
    LineSplitter splitter = new LineSplitter(256);
    byte[] bytes = "é€😀\n".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      splitter.feed(bytes, i, 1, lines::add);
    }

    assertThat(lines).containsExactly("é€😀");
  }

  @Test
  void malformedBytesBecomeReplacementCharacters() {
    LineSplitter splitter = new LineSplitter(256);
    byte[] bytes = {'a', (byte) 0xff, 'b', (byte) 0xc3, '\n', 'c', '\n'};
    splitter.feed(bytes, 0, bytes.length, lines::add);

    assertThat(lines).containsExactly("a\uFFFDb\uFFFD", "c");
  }

  @Test
  void anOverlongLineIsTruncatedWithAMarkerAndTheNextLineIsIntact() {
    LineSplitter splitter = new LineSplitter(256);
    feed(splitter, "x".repeat(1000));
    feed(splitter, "x".repeat(1000) + "\r\nnext\n");

    assertThat(lines).hasSize(2);
    String first = lines.get(0);
    assertThat(first.length()).isLessThanOrEqualTo(256);
    int kept = first.indexOf(' ');
    assertThat(first).isEqualTo("x".repeat(kept) + " [...truncated " + (2000 - kept) + " bytes]");
    assertThat(lines.get(1)).isEqualTo("next");
  }

  @Test
  void anOverlongLineEndingAtFinishIsTruncatedToo() {
    LineSplitter splitter = new LineSplitter(64);
    feed(splitter, "y".repeat(100));
    splitter.finish(lines::add);

    assertThat(Utf8.length(lines.get(0))).isLessThanOrEqualTo(64);
    assertThat(lines.get(0)).endsWith(" bytes]");
  }

  @Test
  void replacementCharactersThatOutgrowTheLimitAreCutAtACharacterBoundary() {
    LineSplitter splitter = new LineSplitter(64);
    byte[] bytes = new byte[64];
    java.util.Arrays.fill(bytes, (byte) 0xff);
    splitter.feed(bytes, 0, bytes.length, lines::add);
    splitter.finish(lines::add);

    String line = lines.get(0);
    assertThat(Utf8.length(line)).isLessThanOrEqualTo(64);
    assertThat(line).startsWith("\uFFFD").contains("[...truncated");
  }

  @Test
  void fittingNeverSplitsASurrogatePair() {
    String text = "😀".repeat(40); // 160 bytes
    String fitted = LineSplitter.fit(text, 0, 64);

    assertThat(Utf8.length(fitted)).isLessThanOrEqualTo(64);
    String kept = fitted.substring(0, fitted.indexOf(' '));
    assertThat(kept.codePoints()).allMatch(cp -> cp == 0x1F600);
    assertThat(fitted).isEqualTo(kept + LineSplitter.marker(160 - Utf8.length(kept)));
    assertThat(LineSplitter.fit("é€", 0, 64)).isEqualTo("é€");
  }

  @Test
  void aTooSmallLimitIsRefused() {
    assertThatThrownBy(() -> new LineSplitter(10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxLineBytes must be at least 64, was 10");
  }
}
