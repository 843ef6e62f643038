package io.coderunner.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.core.Principal;
import io.coderunner.core.auth.IssuedToken;
import io.coderunner.core.auth.JwtService;
import io.coderunner.core.protocol.WireTime;
import io.coderunner.server.UserAccount;
import io.coderunner.server.internal.RouteTable.Access;
import io.coderunner.server.internal.RouteTable.Call;
import io.coderunner.server.internal.RouteTable.Reply;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** {@code /api/auth}: login, checked by the login guard, and the caller's profile. */
public final class AuthRoutes {
  private final Map<String, UserAccount> users = new LinkedHashMap<>();
  private final JwtService jwt;
  private final LoginGuard logins;

  public AuthRoutes(List<UserAccount> users, JwtService jwt, LoginGuard logins) {
    for (UserAccount u : users) {
      this.users.put(u.username().toLowerCase(Locale.ROOT), u);
    }
    this.jwt = jwt;
    this.logins = logins;
  }

  public void register(RouteTable t) {
    t.json("POST", "/api/auth/login", Access.PUBLIC, this::login);
    t.json("GET", "/api/auth/profile", Access.USER, this::profile);
  }

  private Reply login(Call c) throws Exception {
    JsonNode body = c.jsonBody();
    Requests.Errors errors = new Requests.Errors();
    Requests.onlyFields(body, Set.of("username", "password"), "", errors);
    String username = Requests.requiredString(body, "username", 64, "username", errors);
    String password = Requests.requiredString(body, "password", 1024, "password", errors);
    errors.check();
    String user = Objects.requireNonNull(username).toLowerCase(Locale.ROOT);
    LoginGuard.Check check = logins.admit(user, c.exchange());
    UserAccount account = users.get(user);
    char[] secret = Objects.requireNonNull(password).toCharArray();
    boolean ok = false;
    try {
      ok =
          Passwords.verify(secret, account == null ? null : account.passwordHash())
              && account != null;
    } finally {
      Arrays.fill(secret, '\0');
      if (ok) {
        check.succeeded();
      } else {
        check.failed();
      }
    }
    if (!ok || account == null) {
      throw new ApiException(401, "Unauthorized", "invalid username or password");
    }
    Principal p = new Principal(account.id(), account.username(), account.roles());
    IssuedToken token = jwt.issue(p);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("token", token.token());
    out.put("expiresAt", WireTime.format(token.expiresAt()));
    out.put("user", Requests.user(p.id(), p.username(), p.roles()));
    return Reply.ok(out);
  }

  private Reply profile(Call c) {
    Principal p = c.principal();
    return Reply.ok(Requests.user(p.id(), p.username(), p.roles()));
  }
}
