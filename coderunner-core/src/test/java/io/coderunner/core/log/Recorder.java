package io.coderunner.core.log;

import io.coderunner.core.LogLine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;

/** Drains a cursor the way a connection writer would, recording what it saw as compact events. */
final class Recorder implements CursorListener {
  final Semaphore signals = new Semaphore(0);
  final List<String> events = new ArrayList<>();
  final List<LogLine> lines = new ArrayList<>();

  @Override
  public void onSignal(LogCursor cursor) {
    signals.release();
  }

  /** Polls until idle or ended; returns the last batch. */
  CursorBatch drain(LogCursor cursor, int maxLines, long maxBytes) {
    while (true) {
      CursorBatch batch = cursor.poll(maxLines, maxBytes);
      if (batch instanceof CursorBatch.Lines l) {
        for (LogLine line : l.lines()) {
          events.add("line " + line.seq());
          lines.add(line);
        }
      } else if (batch instanceof CursorBatch.Gap g) {
        events.add("gap " + g.from() + "-" + g.to());
      } else if (batch instanceof CursorBatch.Ended e) {
        events.add("end " + e.reason());
        return batch;
      } else {
        return batch;
      }
    }
  }

  CursorBatch drain(LogCursor cursor) {
    return drain(cursor, 1000, Long.MAX_VALUE);
  }
}
