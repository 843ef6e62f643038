package io.coderunner.server.internal;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.Principal;
import io.coderunner.core.auth.AccessPolicy;
import io.coderunner.core.deploy.DeploymentPage;
import io.coderunner.core.deploy.DeploymentService;
import io.coderunner.core.deploy.DeploymentSpec;
import io.coderunner.server.internal.RouteTable.Access;
import io.coderunner.server.internal.RouteTable.Call;
import io.coderunner.server.internal.RouteTable.Reply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /api/deployments}: list, create, read, replace, delete, start, stop and restart. */
public final class DeploymentRoutes {
  private final DeploymentService deployments;
  private final AccessPolicy policy;

  public DeploymentRoutes(DeploymentService deployments, AccessPolicy policy) {
    this.deployments = deployments;
    this.policy = policy;
  }

  public void register(RouteTable t) {
    t.json("GET", "/api/deployments", Access.USER, this::list);
    t.json("POST", "/api/deployments", Access.USER, this::create);
    t.json("GET", "/api/deployments/{id}", Access.USER, this::get);
    t.json("PUT", "/api/deployments/{id}", Access.USER, this::replace);
    t.json("DELETE", "/api/deployments/{id}", Access.USER, this::delete);
    t.json("POST", "/api/deployments/{id}/start", Access.USER, c -> lifecycle(c, "start"));
    t.json("POST", "/api/deployments/{id}/stop", Access.USER, c -> lifecycle(c, "stop"));
    t.json("POST", "/api/deployments/{id}/restart", Access.USER, c -> lifecycle(c, "restart"));
  }

  private Reply list(Call c) {
    Requests.Errors errors = new Requests.Errors();
    int limit = (int) Requests.longParam(c.query("limit"), "limit", 50, 1, 1000, errors);
    String cursor = c.query("cursor");
    if (cursor != null && !DeploymentId.isValid(cursor)) {
      errors.add("cursor", "is not a cursor this server handed out");
    }
    errors.check();
    DeploymentPage page = deployments.list(c.principal(), limit, cursor);
    List<Object> items = new ArrayList<>();
    page.items().forEach(d -> items.add(Requests.deployment(d)));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("items", items);
    out.put("nextCursor", page.nextCursor());
    return Reply.ok(out);
  }

  private Reply create(Call c) throws Exception {
    Principal p = c.principal();
    policy.requireDeploy(p); // before the body is judged
    DeploymentSpec spec = Requests.deploymentSpec(c.jsonBody());
    Deployment d = deployments.create(p, spec);
    return new Reply(
        201, Requests.deployment(d), Map.of("Location", "/api/deployments/" + d.id().value()));
  }

  private Reply get(Call c) {
    return Reply.ok(
        Requests.deployment(
            deployments.get(c.principal(), Requests.deploymentId(c.pathParam("id")))));
  }

  private Reply replace(Call c) throws Exception {
    Principal p = c.principal();
    DeploymentId id = Requests.deploymentId(c.pathParam("id"));
    // 404 (and 403) before the body is judged, so existence does not leak
    deployments.getForChange(p, id);
    DeploymentSpec spec = Requests.deploymentSpec(c.jsonBody());
    return Reply.ok(Requests.deployment(deployments.replace(p, id, spec)));
  }

  private Reply delete(Call c) {
    Principal p = c.principal();
    deployments.delete(p, Requests.deploymentId(c.pathParam("id")));
    return Reply.of(204, null);
  }

  private Reply lifecycle(Call c, String action) {
    Principal p = c.principal();
    DeploymentId id = Requests.deploymentId(c.pathParam("id"));
    Deployment d =
        switch (action) {
          case "start" -> deployments.start(p, id);
          case "stop" -> deployments.stop(p, id);
          default -> deployments.restart(p, id);
        };
    return Reply.of(202, Requests.deployment(d));
  }
}
