package io.coderunner.server.internal;

import io.coderunner.core.Principal;
import io.coderunner.core.delivery.DeliveryStats;
import io.coderunner.core.protocol.WireTime;
import io.coderunner.server.internal.RouteTable.Access;
import io.coderunner.server.internal.RouteTable.Call;
import io.coderunner.server.internal.RouteTable.Reply;
import io.coderunner.websocket.ConnectionInfo;
import io.coderunner.websocket.LogBroadcaster;
import io.coderunner.websocket.SubscriptionInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** {@code /api/ws}: the broadcaster's stats and connections, for admins. */
public final class BroadcasterRoutes {
  private final Supplier<LogBroadcaster> broadcaster;

  /**
   * @param broadcaster the running broadcaster; throws {@link ApiException} 503 while there is none
   */
  public BroadcasterRoutes(Supplier<LogBroadcaster> broadcaster) {
    this.broadcaster = broadcaster;
  }

  public void register(RouteTable t) {
    t.json("GET", "/api/ws/stats", Access.ADMIN, c -> Reply.ok(stats(broadcaster.get().stats())));
    t.json("GET", "/api/ws/connections", Access.ADMIN, this::connections);
    t.json("DELETE", "/api/ws/connections/{id}", Access.ADMIN, this::disconnect);
  }

  private Reply connections(Call c) {
    List<Object> out = new ArrayList<>();
    for (ConnectionInfo info : broadcaster.get().connections()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", info.id());
      Principal p = info.principal();
      m.put("principal", p == null ? null : Requests.user(p.id(), p.username(), p.roles()));
      m.put("remoteAddress", info.remoteAddress());
      List<Object> subs = new ArrayList<>();
      for (SubscriptionInfo s : info.subscriptions()) {
        Map<String, Object> sm = new LinkedHashMap<>();
        sm.put("deploymentId", s.deploymentId().value());
        sm.put("position", s.position());
        sm.put(
            "lag",
            Map.of(
                "lines", s.lag().lines(),
                "bytes", s.lag().bytes(),
                "age", s.lag().age().toString()));
        subs.add(sm);
      }
      m.put("subscriptions", subs);
      m.put("framesSent", info.framesSent());
      m.put("bytesSent", info.bytesSent());
      m.put("linesSent", info.linesSent());
      m.put("connectedSince", WireTime.format(info.connectedSince()));
      out.add(m);
    }
    return Reply.ok(Map.of("items", out));
  }

  private Reply disconnect(Call c) {
    String id = c.pathParam("id");
    if (!broadcaster.get().disconnect(id)) {
      throw ApiException.notFound("no open connection " + id);
    }
    return Reply.of(204, null);
  }

  static Map<String, Object> stats(DeliveryStats s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("connections", s.connections());
    m.put("authenticated", s.authenticated());
    m.put("subscriptions", s.subscriptions());
    m.put("connectionsAccepted", s.connectionsAccepted());
    m.put("framesSent", s.framesSent());
    m.put("bytesSent", s.bytesSent());
    m.put("linesSent", s.linesSent());
    m.put("logsFramesEncoded", s.logsFramesEncoded());
    m.put("logsFramesShared", s.logsFramesShared());
    Map<String, Long> closes = new TreeMap<>();
    s.closesByCode().forEach((k, v) -> closes.put(String.valueOf(k), v));
    m.put("closesByCode", closes);
    m.put("authFailuresByReason", new TreeMap<>(s.authFailuresByReason()));
    return m;
  }
}
