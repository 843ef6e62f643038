package io.coderunner.metrics;

/**
 * Parses Linux's {@code /proc/net/dev}: two header lines, then one line per interface, {@code name:
 * rxBytes rxPackets ... (8 receive fields) txBytes ...}.
 */
final class NetDev {
  private NetDev() {}

  /** Received and sent bytes summed over every interface; lines that do not parse are skipped. */
  static long[] totals(String text) {
    long received = 0;
    long sent = 0;
    for (String line : text.split("\n", -1)) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String[] fields = line.substring(colon + 1).trim().split("\\s+", -1);
      if (fields.length < 9) {
        continue;
      }
      try {
        long rx = Long.parseLong(fields[0]);
        long tx = Long.parseLong(fields[8]);
        received += rx;
        sent += tx;
      } catch (NumberFormatException e) {
        // a header or a malformed line: not an interface
      }
    }
    return new long[] {received, sent};
  }
}
