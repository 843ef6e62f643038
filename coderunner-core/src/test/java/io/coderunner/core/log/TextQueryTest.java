package io.coderunner.core.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TextQueryTest {

  /** What the search must agree with: a match at some position, ignoring case as the JDK does. */
  private static boolean naive(String text, String needle) {
    for (int i = 0; i + needle.length() <= text.length(); i++) {
      if (text.regionMatches(true, i, needle, 0, needle.length())) {
        return true;
      }
    }
    return false;
  }

  @Test
  void findsSubstringsIgnoringCase() {
    TextQuery q = TextQuery.of("TimeOut");
    assertThat(q.folded()).isEqualTo("timeout");
    assertThat(q.isFoundIn("upstream TIMEOUT after 30s")).isTrue();
    assertThat(q.isFoundIn("timeou")).isFalse();
    assertThat(q.isFoundIn("time out")).isFalse();
    assertThat(q.isFoundIn("")).isFalse();
    assertThat(TextQuery.of("x").isFoundIn("X")).isTrue();
  }

  @Test
  void fallsBackCorrectlyInsideAPartialMatch() {
    // Classic traps for a search that does not fall back: the match starts inside a partial one.
    assertThat(TextQuery.of("aab").isFoundIn("aaab")).isTrue();
    assertThat(TextQuery.of("abab").isFoundIn("abaabab")).isTrue();
    assertThat(TextQuery.of("abcabd").isFoundIn("abcabcabd")).isTrue();
    assertThat(TextQuery.of("abcabd").isFoundIn("abcabcab")).isFalse();
    assertThat(TextQuery.of("a".repeat(255) + "b").isFoundIn("a".repeat(60_000))).isFalse();
    assertThat(TextQuery.of("a".repeat(255) + "b").isFoundIn("a".repeat(60_000) + "B")).isTrue();
  }

  @Test
  void foldsBeyondAsciiAsTheJdkComparesIgnoringCase() {
    assertThat(TextQuery.of("ÄRGER").isFoundIn("großer ärger")).isTrue();
    assertThat(TextQuery.of("σ").isFoundIn("ΟΔΟΣ")).isTrue();
    // The Kelvin sign folds to k, the dotted capital I to i: both as regionMatches(true) has it.
    assertThat(TextQuery.of("k").isFoundIn("5 \u212A")).isTrue();
    assertThat(TextQuery.of("istanbul").isFoundIn("\u0130stanbul")).isTrue();
    assertThat(naive("\u0130stanbul", "istanbul")).isTrue();
  }

  @Test
  void agreesWithTheNaiveSearchOnRandomTexts() {
    SplittableRandom random = new SplittableRandom(42);
    // Letters with two, three and four units that fold alike (i: i I İ ı; k: k K Kelvin; s: s S ſ),
    // one outside ASCII (ä Ä), and one without case.
    String[] alphabets = {"aAbB\u00e4\u00c4", "iI\u0130\u0131kK\u212AsS\u017F-"};
    for (String alphabet : alphabets) {
      for (int run = 0; run < 20_000; run++) {
        String text = randomString(random, alphabet, random.nextInt(0, run % 10 == 0 ? 400 : 40));
        String needle = randomString(random, alphabet, random.nextInt(1, 6));
        assertThat(TextQuery.of(needle).isFoundIn(text))
            .as("'%s' in '%s'", needle, text)
            .isEqualTo(naive(text, needle));
      }
    }
  }

  @Test
  void findsAMatchThatStartsWithAnyUnitFoldingToTheFirstCharacter() {
    assertThat(TextQuery.of("system").isFoundIn("the \u017Fystem is up")).isTrue();
    assertThat(TextQuery.of("kb").isFoundIn("12 \u212AB free")).isTrue();
    assertThat(TextQuery.of("id").isFoundIn("\u0131d=3")).isTrue();
    assertThat(TextQuery.of("id").isFoundIn("ix iy \u0130z")).isFalse();
    // A needle whose last character is nowhere in the text is refused at once, and correctly.
    assertThat(TextQuery.of("ab").isFoundIn("a".repeat(10_000))).isFalse();
    assertThat(TextQuery.of("ab").isFoundIn("a".repeat(10_000) + "B")).isTrue();
  }

  private static String randomString(SplittableRandom random, String alphabet, int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  @Test
  void anEmptyNeedleIsRefused() {
    assertThatThrownBy(() -> TextQuery.of("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void queriesAreEqualWhenTheyFoldAlike() {
    assertThat(TextQuery.of("Error")).isEqualTo(TextQuery.of("ERROR")).hasToString("error");
    assertThat(TextQuery.of("Error").hashCode()).isEqualTo(TextQuery.of("error").hashCode());
    assertThat(TextQuery.of("error")).isNotEqualTo(TextQuery.of("errors"));
  }
}
