package io.coderunner.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class IngestFloodTest {
  private static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void defaultsMeasureUnderAndOverTheDefaultBudget() throws Exception {
    IngestFlood.Options o = IngestFlood.Options.parse(new String[0]);
    assertThat(o.acceptedRate()).isEqualTo(1500);
    assertThat(o.floodRate()).isEqualTo(5000);
    assertThat(o.budget()).isEqualTo(2000);
    assertThat(o.connections()).isEqualTo(16);
    assertThat(o.seconds()).isEqualTo(20);
  }

  @Test
  void badOptionsAreNamed() {
    assertThatThrownBy(() -> IngestFlood.Options.parse(new String[] {"--flood-rate", "0"}))
        .hasMessageContaining("--flood-rate must be between 1");
    assertThatThrownBy(() -> IngestFlood.Options.parse(new String[] {"--rate", "5"}))
        .hasMessageContaining("unknown option --rate");
    assertThatThrownBy(() -> IngestFlood.Options.parse(new String[] {"--seconds"}))
        .hasMessageContaining("needs a value");
  }

  @Test
  void readsAFixedLengthResponseAndLeavesTheNextOneInTheStream() throws Exception {
    InputStream in =
        bytes(
            "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 5\r\n\r\nhello"
                + "HTTP/1.1 202 Accepted\r\ncontent-length: 2\r\nConnection: close\r\n\r\n{}");
    IngestFlood.Response first = IngestFlood.Response.read(in);
    assertThat(first).isEqualTo(new IngestFlood.Response(429, 1, "hello", false));
    IngestFlood.Response second = IngestFlood.Response.read(in);
    assertThat(second).isEqualTo(new IngestFlood.Response(202, -1, "{}", true));
  }

  @Test
  void readsAChunkedResponse() throws Exception {
    String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    InputStream in = bytes(head + "3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n");
    assertThat(IngestFlood.Response.read(in).body()).isEqualTo("abcde");
  }

  @Test
  void aTruncatedResponseIsAnError() {
    assertThatThrownBy(
            () ->
                IngestFlood.Response.read(bytes("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("inside a body");
    assertThatThrownBy(() -> IngestFlood.Response.read(bytes("SSH-2.0\r\n\r\n")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not an HTTP/1.1 status line");
  }
}
