package io.coderunner.core.log;

/**
 * What a cursor found when it opened: everything a {@code subscribed} answer tells the client.
 *
 * @param epoch the log's epoch; positions the cursor hands out belong to it
 * @param firstAvailable the first retained seq (the next seq to be appended when none is retained)
 * @param next the seq the cursor reads first
 * @param reset whether the reader's epoch was not the log's, so it starts over from the first
 *     retained line
 */
public record CursorOpening(String epoch, long firstAvailable, long next, boolean reset) {}
