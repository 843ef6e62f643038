package io.coderunner.core.log;

/**
 * Told that a cursor has something to read: new lines, a gap, or its end.
 *
 * <p>Called on the thread that appended (or deleted, or closed the store), after the log's lock is
 * released, at most once between two polls that found nothing. It must return quickly and must not
 * block or read the cursor itself: wake a writer, schedule a task, set a flag. An exception it
 * throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface CursorListener {
  /**
   * The cursor has something to read; poll it from its owner's thread, not from here.
   *
   * @param cursor the cursor that has something to read
   */
  void onSignal(LogCursor cursor);
}
