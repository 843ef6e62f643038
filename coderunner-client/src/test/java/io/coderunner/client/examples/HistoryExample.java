package io.coderunner.client.examples;

import io.coderunner.client.CodeRunnerClient;
import io.coderunner.client.HistoryPage;
import io.coderunner.client.HistoryQuery;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.protocol.SubscribeFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** docs/client.md, "Read the history, a page at a time". */
public final class HistoryExample {
  private HistoryExample() {}

  static List<LogLine> run(CodeRunnerClient client, DeploymentId id) {
    // example:start
    List<LogLine> errors = new ArrayList<>();
    HistoryQuery query =
        HistoryQuery.first()
            .limit(500)
            .filter(new SubscribeFilter(Set.of(LogLevel.ERROR), Set.of(), null));
    while (true) {
      HistoryPage page = client.logs(id, query);
      errors.addAll(page.lines());
      if (page.next() - 1 <= query.after()) {
        break; // no further: this is the head of the log
      }
      query = query.after(page.next() - 1);
    }
    // example:end
    return errors;
  }
}
