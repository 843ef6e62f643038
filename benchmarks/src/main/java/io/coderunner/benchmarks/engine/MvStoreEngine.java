package io.coderunner.benchmarks.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * H2's MVStore on its own (no SQL): one {@link MVMap} per log keyed by seq, auto-commit off, an
 * explicit {@link MVStore#commit()} per append or drop, and {@link MVStore#sync()} after it when
 * each commit must be on the disk.
 */
final class MvStoreEngine implements Engine {
  private final MVStore store;
  private final Sync sync;

  MvStoreEngine(Path file, Sync sync) {
    this.store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
    this.sync = sync;
  }

  private MVMap<Long, byte[]> map(long log) {
    return store.openMap("log." + log);
  }

  private void commit() {
    store.commit();
    if (sync == Sync.ALWAYS) {
      store.sync();
    }
  }

  @Override
  public void append(long log, long firstSeq, List<byte[]> lines) {
    MVMap<Long, byte[]> map = map(log);
    long seq = firstSeq;
    for (byte[] line : lines) {
      map.put(seq++, line);
    }
    commit();
  }

  @Override
  public List<byte[]> read(long log, long after, int limit) {
    MVMap<Long, byte[]> map = map(log);
    List<byte[]> out = new ArrayList<>(limit);
    Cursor<Long, byte[]> c = map.cursor(after + 1);
    while (out.size() < limit && c.hasNext()) {
      c.next();
      out.add(c.getValue());
    }
    return out;
  }

  @Override
  public void dropBefore(long log, long before) {
    MVMap<Long, byte[]> map = map(log);
    for (Long first = map.firstKey(); first != null && first < before; first = map.firstKey()) {
      map.remove(first);
    }
    commit();
  }

  @Override
  public void close() {
    store.close();
  }
}
