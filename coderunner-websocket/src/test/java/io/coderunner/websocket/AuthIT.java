package io.coderunner.websocket;

import static io.coderunner.websocket.TestServer.A1;
import static io.coderunner.websocket.TestServer.U1;
import static io.coderunner.websocket.TestServer.U2;
import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.Principal;
import io.coderunner.core.protocol.ClientFrame;
import io.coderunner.core.protocol.ServerFrame;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Authentication on the upgrade and by the first frame, token refresh and expiry, and the origin
 * check. Every test also keeps a well-behaved subscriber on the same deployment and checks that it
 * received every line: a refused or closed client costs nobody else anything.
 */
class AuthIT {
  private static final Duration TTL = Duration.ofMinutes(1);

  private static WebSocketConfig.Builder config() {
    return TestServer.quietConfig().authTimeout(Duration.ofMinutes(1));
  }

  @Test
  void aBearerHeaderOnTheUpgradeIsAnsweredWithWelcomeNamingTheUser() throws Exception {
    try (TestServer server = TestServer.start(config().build())) {
      WsClient c = server.open(server.bearer(U2));
      ServerFrame.Welcome welcome = c.awaitWelcome();

      assertThat(c.frames().get(0)).as("welcome is the first frame").isEqualTo(welcome);
      assertThat(welcome.connectionId()).isNotBlank();
      assertThat(welcome.user()).isEqualTo(U2);
      assertThat(server.connection(welcome.connectionId()))
          .hasValueSatisfying(info -> assertThat(info.principal()).isEqualTo(U2));
    }
  }

  @Test
  void eachConnectionGetsItsOwnConnectionId() throws Exception {
    try (TestServer server = TestServer.start(config().build())) {
      String first = server.connect(U1).welcome().connectionId();
      String second = server.connect(U1).welcome().connectionId();
      String admin = server.connect(A1).welcome().connectionId();

      assertThat(Set.of(first, second, admin)).hasSize(3);
    }
  }

  @Test
  void anInvalidBearerHeaderIsRefusedWith401BeforeTheUpgrade() throws Exception {
    try (TestServer server = TestServer.start(config().build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      server.append(d, 3);

      assertThat(server.refusedUpgradeStatus(TestServer.bearer(server.tokenWithAnotherSecret(U1))))
          .as("a token signed with another secret")
          .isEqualTo(401);
      assertThat(server.refusedUpgradeStatus(TestServer.bearer("not-a-jwt")))
          .as("a token that is not a JWT")
          .isEqualTo(401);
      assertThat(server.refusedUpgradeStatus(Map.of("Authorization", "Basic dTE6cGFzcw==")))
          .as("an Authorization header that is not a bearer token")
          .isEqualTo(401);
      server.append(d, 3);

      assertThat(server.broadcaster.connections()).as("no connection was opened").hasSize(1);
      assertThat(server.broadcaster.stats().authFailuresByReason().values())
          .as("failed authentications are counted")
          .isNotEmpty();
      assertThat(
              server.broadcaster.stats().authFailuresByReason().values().stream()
                  .mapToLong(Long::longValue)
                  .sum())
          .isGreaterThanOrEqualTo(3);
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void anExpiredBearerHeaderIsRefusedWith401() throws Exception {
    try (TestServer server = TestServer.start(config().build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      server.append(d, 2);

      assertThat(server.refusedUpgradeStatus(TestServer.bearer(server.expiredToken(U1))))
          .isEqualTo(401);
      server.append(d, 2);

      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void anAuthFrameAuthenticatesAConnectionOpenedWithoutAHeader() throws Exception {
    try (TestServer server = TestServer.start(config().build())) {
      DeploymentId d = server.newDeployment(U1);
      server.append(d, 4);
      WsClient c = server.openWithoutAuth();

      c.send(new ClientFrame.Auth(server.token(U1)));
      ServerFrame.Welcome welcome = c.awaitWelcome();

      assertThat(welcome.user()).isEqualTo(U1);
      c.subscribeFromStartAndWait(d);
      server.append(d, 4);
      server.assertGotEveryLine(c, d);
    }
  }

  @Test
  void aConnectionThatDoesNotAuthenticateWithinTheTimeoutIsClosedWith4401() throws Exception {
    WebSocketConfig cfg = config().authTimeout(Duration.ofMillis(300)).build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      server.append(d, 3);
      WsClient silent = server.openWithoutAuth();

      assertThat(silent.awaitClose().code()).isEqualTo(CloseCodes.UNAUTHENTICATED);
      assertThat(silent.framesOf(ServerFrame.Welcome.class)).isEmpty();
      server.append(d, 3);

      assertThat(server.closes(CloseCodes.UNAUTHENTICATED)).isEqualTo(1);
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void aBadTokenInTheAuthFrameClosesWith4401() throws Exception {
    try (TestServer server = TestServer.start(config().build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      server.append(d, 3);
      WsClient forged = server.openWithoutAuth();
      WsClient expired = server.openWithoutAuth();

      forged.send(new ClientFrame.Auth(server.tokenWithAnotherSecret(U1)));
      expired.send(new ClientFrame.Auth(server.expiredToken(U1)));

      assertThat(forged.awaitClose().code()).isEqualTo(CloseCodes.UNAUTHENTICATED);
      assertThat(expired.awaitClose().code()).isEqualTo(CloseCodes.UNAUTHENTICATED);
      assertThat(forged.framesOf(ServerFrame.Welcome.class)).isEmpty();
      server.append(d, 3);
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void anyFrameBeforeAuthIsAnsweredNotAuthenticatedAndAuthStillWorksAfterIt() throws Exception {
    try (TestServer server = TestServer.start(config().maxMalformedFrames(3).build())) {
      DeploymentId d = server.newDeployment(U1);
      server.append(d, 2);
      WsClient c = server.openWithoutAuth();

      c.send(new ClientFrame.Ping("early"));
      ServerFrame.Error error = c.awaitError();
      c.subscribeFromStart(d);
      ServerFrame.Error second = c.awaitError();

      assertThat(error.code()).isEqualTo(ErrorCodes.NOT_AUTHENTICATED);
      assertThat(second.code()).isEqualTo(ErrorCodes.NOT_AUTHENTICATED);
      assertThat(c.framesOf(ServerFrame.Pong.class))
          .as("nothing is answered before auth")
          .isEmpty();
      assertThat(c.framesOf(ServerFrame.Subscribed.class)).isEmpty();

      c.send(new ClientFrame.Auth(server.token(U1)));
      assertThat(c.awaitWelcome().user()).isEqualTo(U1);
      c.subscribeFromStartAndWait(d);
      server.assertGotEveryLine(c, d);
    }
  }

  @Test
  void framesBeforeAuthCountAsMalformedSoTooManyCloseWith4400() throws Exception {
    try (TestServer server = TestServer.start(config().maxMalformedFrames(2).build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      server.append(d, 3);
      WsClient c = server.openWithoutAuth();

      c.send(new ClientFrame.Ping("1"));
      assertThat(c.awaitError().code()).isEqualTo(ErrorCodes.NOT_AUTHENTICATED);
      c.send(new ClientFrame.Ping("2"));
      assertThat(c.awaitError().code()).isEqualTo(ErrorCodes.NOT_AUTHENTICATED);
      c.send(new ClientFrame.Ping("3"));

      assertThat(c.awaitClose().code()).isEqualTo(CloseCodes.MALFORMED);
      server.append(d, 3);
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void anAuthFrameOnAnAuthenticatedConnectionIsAnsweredAlreadyAuthenticated() throws Exception {
    try (TestServer server = TestServer.start(config().maxMalformedFrames(5).build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient c = server.bystander(d);
      server.append(d, 3);

      c.send(new ClientFrame.Auth(server.token(U1)));

      assertThat(c.awaitError().code()).isEqualTo(ErrorCodes.ALREADY_AUTHENTICATED);
      assertThat(c.framesOf(ServerFrame.Welcome.class)).hasSize(1);
      c.roundTrip();
      server.append(d, 3);
      server.assertGotEveryLine(c, d);
    }
  }

  @Test
  void aRefreshWithAValidTokenOfTheSameSubjectKeepsTheConnectionPastTheOldExpiry()
      throws Exception {
    try (TestServer server = TestServer.builder().config(config().build()).tokenTtl(TTL).start()) {
      DeploymentId d = server.newDeployment(U1);
      WsClient refreshed = server.bystander(d);
      // Same token lifetime, never refreshed: when it is closed, expiry has been checked.
      WsClient canary = server.connect(U1);
      server.append(d, 3);

      server.clock.advance(TTL.dividedBy(2));
      refreshed.send(new ClientFrame.Refresh(server.token(U1)));
      refreshed.roundTrip();
      server.clock.advance(TTL.dividedBy(2).plusSeconds(5));

      assertThat(canary.awaitClose().code()).isEqualTo(CloseCodes.UNAUTHENTICATED);
      server.append(d, 3);
      refreshed.roundTrip();
      server.assertGotEveryLine(refreshed, d);
      assertThat(refreshed.framesOf(ServerFrame.Error.class))
          .as("refresh has no answer of its own")
          .isEmpty();
      assertThat(refreshed.framesOf(ServerFrame.Welcome.class)).hasSize(1);
    }
  }

  @Test
  void aRefreshWithAnInvalidTokenIsAnsweredInvalidTokenAndTheConnectionStays() throws Exception {
    try (TestServer server = TestServer.start(config().build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient c = server.bystander(d);
      server.append(d, 3);

      c.send(new ClientFrame.Refresh(server.tokenWithAnotherSecret(U1)));
      ServerFrame.Error forged = c.awaitError();
      c.send(new ClientFrame.Refresh(server.expiredToken(U1)));
      ServerFrame.Error expired = c.awaitError();

      assertThat(forged.code()).isEqualTo(ErrorCodes.INVALID_TOKEN);
      assertThat(expired.code()).isEqualTo(ErrorCodes.INVALID_TOKEN);
      c.roundTrip();
      server.append(d, 3);
      server.assertGotEveryLine(c, d);
    }
  }

  @Test
  void aRefusedRefreshLeavesTheOldTokenInForceSoTheConnectionStillExpires() throws Exception {
    try (TestServer server = TestServer.builder().config(config().build()).tokenTtl(TTL).start()) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      WsClient c = server.connect(U1);

      c.send(new ClientFrame.Refresh(server.tokenWithAnotherSecret(U1)));
      assertThat(c.awaitError().code()).isEqualTo(ErrorCodes.INVALID_TOKEN);
      server.append(d, 2);
      // keep the bystander alive past the expiry that ends c
      bystander.send(new ClientFrame.Refresh(server.tokenValidFor(U1, TTL.multipliedBy(3))));
      bystander.roundTrip();
      server.clock.advance(TTL.plusSeconds(5));

      assertThat(c.awaitClose().code()).isEqualTo(CloseCodes.UNAUTHENTICATED);
      server.append(d, 2);
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void aRefreshWithATokenForAnotherSubjectClosesWith4403() throws Exception {
    try (TestServer server = TestServer.start(config().build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      WsClient c = server.bystander(d);
      server.append(d, 3);

      c.send(new ClientFrame.Refresh(server.token(A1)));

      assertThat(c.awaitClose().code()).isEqualTo(CloseCodes.FORBIDDEN);
      server.append(d, 3);
      assertThat(server.closes(CloseCodes.FORBIDDEN)).isEqualTo(1);
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void aTokenThatExpiresWithoutRefreshClosesTheConnectionWith4401() throws Exception {
    try (TestServer server = TestServer.builder().config(config().build()).tokenTtl(TTL).start()) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      WsClient expiring = server.bystander(d);
      server.append(d, 3);
      bystander.send(new ClientFrame.Refresh(server.tokenValidFor(U1, TTL.multipliedBy(3))));
      bystander.roundTrip();

      server.clock.advance(TTL.plusSeconds(1));

      assertThat(expiring.awaitClose().code()).isEqualTo(CloseCodes.UNAUTHENTICATED);
      server.append(d, 3);
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void anUpgradeFromAnOriginThatIsNotAllowedIsRefusedWith403() throws Exception {
    WebSocketConfig cfg = config().allowedOrigins(Set.of("https://app.example.com")).build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      server.append(d, 2);

      int status =
          server.refusedUpgradeStatus(
              TestServer.headers(server.bearer(U1), Map.of("Origin", "https://evil.example.com")));
      int withoutToken =
          server.refusedUpgradeStatus(Map.of("Origin", "https://app.example.com:8443"));

      assertThat(status).isEqualTo(403);
      assertThat(withoutToken).as("another port is another origin").isEqualTo(403);
      assertThat(server.broadcaster.connections()).hasSize(1);
      server.append(d, 2);
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void anUpgradeFromAnAllowedOriginIsAccepted() throws Exception {
    WebSocketConfig cfg = config().allowedOrigins(Set.of("https://app.example.com")).build();
    try (TestServer server = TestServer.start(cfg)) {
      WsClient c =
          server.open(
              TestServer.headers(server.bearer(U1), Map.of("Origin", "https://app.example.com")));

      assertThat(c.awaitWelcome().user()).isEqualTo(U1);
    }
  }

  @Test
  void anUpgradeWithoutAnOriginHeaderIsAcceptedWhateverTheAllowedOrigins() throws Exception {
    WebSocketConfig cfg = config().allowedOrigins(Set.of("https://app.example.com")).build();
    try (TestServer server = TestServer.start(cfg)) {
      WsClient c = server.open(server.bearer(U1));

      assertThat(c.awaitWelcome().user()).isEqualTo(U1);
    }
  }

  @Test
  void aWildcardAllowsAnyOrigin() throws Exception {
    WebSocketConfig cfg = config().allowedOrigins(Set.of("*")).build();
    try (TestServer server = TestServer.start(cfg)) {
      WsClient c =
          server.open(
              TestServer.headers(server.bearer(U1), Map.of("Origin", "http://localhost:3000")));

      assertThat(c.awaitWelcome().user()).isEqualTo(U1);
    }
  }

  @Test
  void aPlainHttpRequestToTheEndpointIsAnswered400() throws Exception {
    try (TestServer server = TestServer.start(config().build())) {
      HttpResponse<String> response =
          server.http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.address.getPort() + "/ws"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(server.broadcaster.connections()).isEmpty();
    }
  }

  @Test
  void aRefreshThatDropsTheAdminRoleEndsTheSubscriptionsItMayNoLongerRead() throws Exception {
    try (TestServer server = TestServer.start(config().build())) {
      DeploymentId hers = server.newDeployment(U1);
      DeploymentId own = server.newDeployment(A1);
      WsClient bystander = server.bystander(hers);
      WsClient admin = server.connect(A1);
      admin.subscribeFromStartAndWait(hers);
      admin.subscribeFromStartAndWait(own);
      server.append(hers, 3);
      admin.awaitThrough(hers, 3);

      Principal demoted = new Principal(A1.id(), A1.username(), Set.of("deployer"));
      admin.send(new ClientFrame.Refresh(server.token(demoted)));
      ServerFrame.Error ended = admin.awaitError();
      server.append(hers, 3);
      server.append(own, 2);

      assertThat(ended.code()).isEqualTo(ErrorCodes.FORBIDDEN);
      assertThat(ended.ref()).isEqualTo(hers.value());
      server.assertGotEveryLine(admin, own);
      assertThat(admin.seqs(hers))
          .as("nothing of hers after the refresh")
          .containsExactly(1L, 2L, 3L);
      assertThat(server.connection(admin.welcome().connectionId()).orElseThrow().principal())
          .isEqualTo(demoted);
      server.assertGotEveryLine(bystander, hers);
    }
  }

  @Test
  void a401AnswerAsksForABearerTokenAndDoesNotEchoIt() throws Exception {
    try (TestServer server = TestServer.start(config().build())) {
      String forged = server.tokenWithAnotherSecret(U1);
      RawWsClient raw = server.raw(TestServer.bearer(forged), 0);

      assertThat(raw.upgraded()).isFalse();
      assertThat(raw.handshake().status()).isEqualTo(401);
      assertThat(raw.handshake().headers()).containsEntry("www-authenticate", "Bearer");
      String body = new String(raw.readBody(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(body)
          .doesNotContain(forged)
          .doesNotContain(forged.substring(forged.lastIndexOf('.') + 1));
    }
  }
}
