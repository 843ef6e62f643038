package io.coderunner.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.Principal;
import io.coderunner.core.StreamKind;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The exact JSON of every frame type, as design.md's "Contract seen by clients" gives it. */
class FrameCodecGoldenTest {
  private static final DeploymentId WEB = DeploymentId.of("web-1");
  private static final Instant TS = Instant.parse("2026-11-24T10:15:30.123456789Z");

  private final FrameCodec codec = FrameCodec.create();

  /** JSON written with single quotes, for readability. */
  private static String json(String singleQuoted) {
    return singleQuoted.replace('\'', '"');
  }

  private void assertClient(ClientFrame frame, String golden) {
    assertThat(codec.encode(frame)).isEqualTo(golden);
    assertThat(codec.decodeClient(golden)).isEqualTo(frame);
  }

  private void assertServer(ServerFrame frame, String golden) {
    assertThat(codec.encode(frame)).isEqualTo(golden);
    assertThat(codec.encodeShared(frame).text()).isEqualTo(golden);
    assertThat(codec.decodeServer(golden)).isEqualTo(RandomFrames.afterWire(frame));
  }

  @Test
  void authCarriesTheToken() {
    assertClient(new ClientFrame.Auth("eyJ.a.b"), json("{'type':'auth','token':'eyJ.a.b'}"));
  }

  @Test
  void refreshCarriesTheToken() {
    assertClient(new ClientFrame.Refresh("eyJ.c.d"), json("{'type':'refresh','token':'eyJ.c.d'}"));
  }

  @Test
  void subscribeWithOnlyADeploymentLeavesEverythingElseOut() {
    assertClient(
        new ClientFrame.Subscribe(WEB, null, null, null, SubscribeFilter.NONE),
        json("{'type':'subscribe','deploymentId':'web-1'}"));
  }

  @Test
  void subscribeWithEpochAfterAndFilterWritesThemAll() {
    SubscribeFilter filter =
        new SubscribeFilter(
            EnumSet.of(LogLevel.ERROR, LogLevel.WARN), Set.of(StreamKind.STDERR), "boom");
    assertClient(
        new ClientFrame.Subscribe(WEB, "ep-7", 42L, null, filter),
        json(
            "{'type':'subscribe','deploymentId':'web-1','epoch':'ep-7','after':42,"
                + "'filter':{'levels':['warn','error'],'streams':['stderr'],'q':'boom'}}"));
  }

  @Test
  void subscribeWithTailAndAPartialFilterWritesOnlyWhatIsSet() {
    assertClient(
        new ClientFrame.Subscribe(
            WEB, null, null, 100, new SubscribeFilter(Set.of(), Set.of(StreamKind.SYSTEM), null)),
        json(
            "{'type':'subscribe','deploymentId':'web-1','tail':100,"
                + "'filter':{'streams':['system']}}"));
  }

  @Test
  void unsubscribeNamesTheDeployment() {
    assertClient(
        new ClientFrame.Unsubscribe(WEB), json("{'type':'unsubscribe','deploymentId':'web-1'}"));
  }

  @Test
  void pingWritesItsIdOnlyWhenThereIsOne() {
    assertClient(new ClientFrame.Ping("p-1"), json("{'type':'ping','id':'p-1'}"));
    assertClient(new ClientFrame.Ping(null), json("{'type':'ping'}"));
  }

  @Test
  void welcomeCarriesTheConnectionAndTheUserWithSortedRoles() {
    Principal user = new Principal("u-1", "demo", Set.of("deployer", "admin", "viewer"));
    assertServer(
        new ServerFrame.Welcome("c-42", user),
        json(
            "{'type':'welcome','connectionId':'c-42',"
                + "'user':{'id':'u-1','username':'demo','roles':['admin','deployer','viewer']}}"));
  }

  @Test
  void subscribedWritesResetOnlyWhenTrue() {
    assertServer(
        new ServerFrame.Subscribed(WEB, "ep-7", 1, 43, false),
        json(
            "{'type':'subscribed','deploymentId':'web-1','epoch':'ep-7',"
                + "'firstAvailable':1,'next':43}"));
    assertServer(
        new ServerFrame.Subscribed(WEB, "ep-8", 10, 10, true),
        json(
            "{'type':'subscribed','deploymentId':'web-1','epoch':'ep-8',"
                + "'firstAvailable':10,'next':10,'reset':true}"));
  }

  @Test
  void logsWritesEachLineWithMicrosecondTimeAndLowerCaseNamesButNoStatus() {
    List<LogLine> lines =
        List.of(
            new LogLine(1, TS, StreamKind.STDOUT, LogLevel.INFO, "hello"),
            new LogLine(2, TS, StreamKind.STDERR, LogLevel.ERROR, "say \"hi\"\n\tC:\\tmp \u0001"),
            new LogLine(
                3, TS, StreamKind.SYSTEM, LogLevel.WARN, "stopping", DeploymentStatus.STOPPING));
    String golden =
        "{\"type\":\"logs\",\"deploymentId\":\"web-1\",\"lines\":["
            + "{\"seq\":1,\"ts\":\"2026-11-24T10:15:30.123456Z\",\"stream\":\"stdout\","
            + "\"level\":\"info\",\"message\":\"hello\"},"
            + "{\"seq\":2,\"ts\":\"2026-11-24T10:15:30.123456Z\",\"stream\":\"stderr\","
            + "\"level\":\"error\",\"message\":\"say \\\"hi\\\"\\n\\tC:\\\\tmp \\u0001\"},"
            + "{\"seq\":3,\"ts\":\"2026-11-24T10:15:30.123456Z\",\"stream\":\"system\","
            + "\"level\":\"warn\",\"message\":\"stopping\"}]}";
    ServerFrame.Logs frame = new ServerFrame.Logs(WEB, lines);
    assertThat(codec.encode(frame)).isEqualTo(golden);
    Instant micros = Instant.parse("2026-11-24T10:15:30.123456Z");
    assertThat(codec.decodeServer(golden))
        .isEqualTo(
            new ServerFrame.Logs(
                WEB,
                List.of(
                    new LogLine(1, micros, StreamKind.STDOUT, LogLevel.INFO, "hello"),
                    new LogLine(
                        2, micros, StreamKind.STDERR, LogLevel.ERROR, lines.get(1).message()),
                    new LogLine(3, micros, StreamKind.SYSTEM, LogLevel.WARN, "stopping"))));
  }

  @Test
  void logsKeepsNonAsciiAsUtf8AndEscapesLoneSurrogates() {
    LogLine line =
        new LogLine(
            9,
            Instant.parse("2026-01-02T03:04:05Z"),
            StreamKind.STDOUT,
            LogLevel.DEBUG,
            "é漢😀\ud800!");
    assertServer(
        new ServerFrame.Logs(WEB, List.of(line)),
        "{\"type\":\"logs\",\"deploymentId\":\"web-1\",\"lines\":[{\"seq\":9,"
            + "\"ts\":\"2026-01-02T03:04:05.000000Z\",\"stream\":\"stdout\",\"level\":\"debug\","
            + "\"message\":\"é漢😀\\uD800!\"}]}");
  }

  @Test
  void gapNamesTheMissingRange() {
    assertServer(
        new ServerFrame.Gap(WEB, 3, 7),
        json("{'type':'gap','deploymentId':'web-1','from':3,'to':7}"));
  }

  @Test
  void statusCarriesTheNewStatusAndItsTime() {
    assertServer(
        new ServerFrame.Status(WEB, DeploymentStatus.RUNNING, TS),
        json(
            "{'type':'status','deploymentId':'web-1','status':'running',"
                + "'ts':'2026-11-24T10:15:30.123456Z'}"));
  }

  @Test
  void errorWritesItsRefOnlyWhenThereIsOne() {
    assertServer(
        new ServerFrame.Error("forbidden", "not yours", "web-1"),
        json("{'type':'error','code':'forbidden','message':'not yours','ref':'web-1'}"));
    assertServer(
        new ServerFrame.Error("bad_frame", "", null),
        json("{'type':'error','code':'bad_frame','message':''}"));
  }

  @Test
  void pongWritesItsIdOnlyWhenThereIsOne() {
    assertServer(new ServerFrame.Pong("p-1"), json("{'type':'pong','id':'p-1'}"));
    assertServer(new ServerFrame.Pong(null), json("{'type':'pong'}"));
  }

  @Test
  void decodingAcceptsFieldsInAnyOrderWithTheTypeLast() {
    assertThat(
            codec.decodeClient(
                json("{'after':5,'deploymentId':'web-1','filter':{'q':'x'},'type':'subscribe'}")))
        .isEqualTo(
            new ClientFrame.Subscribe(
                WEB, null, 5L, null, new SubscribeFilter(Set.of(), Set.of(), "x")));
    assertThat(codec.decodeServer(json("{'to':7,'from':3,'type':'gap','deploymentId':'web-1'}")))
        .isEqualTo(new ServerFrame.Gap(WEB, 3, 7));
  }

  @Test
  void decodingTreatsNullOptionalFieldsAsAbsent() {
    assertThat(
            codec.decodeClient(
                json(
                    "{'type':'subscribe','deploymentId':'web-1','epoch':null,'after':null,"
                        + "'tail':null,'filter':null}")))
        .isEqualTo(new ClientFrame.Subscribe(WEB, null, null, null, SubscribeFilter.NONE));
    assertThat(
            codec.decodeClient(
                json(
                    "{'type':'subscribe','deploymentId':'web-1',"
                        + "'filter':{'levels':null,'streams':[],'q':null}}")))
        .isEqualTo(new ClientFrame.Subscribe(WEB, null, null, null, SubscribeFilter.NONE));
    assertThat(codec.decodeClient(json("{'type':'ping','id':null}")))
        .isEqualTo(new ClientFrame.Ping(null));
    assertThat(codec.decodeServer(json("{'type':'error','code':'x','message':'m','ref':null}")))
        .isEqualTo(new ServerFrame.Error("x", "m", null));
    assertThat(
            codec.decodeServer(
                json(
                    "{'type':'subscribed','deploymentId':'web-1','epoch':'e',"
                        + "'firstAvailable':0,'next':0,'reset':null}")))
        .isEqualTo(new ServerFrame.Subscribed(WEB, "e", 0, 0, false));
  }

  @Test
  void decodingAcceptsWhitespaceAroundAndInsideTheFrame() {
    assertThat(codec.decodeClient(" \n\t{ \"type\" : \"ping\" , \"id\" : \"x\" }\r\n "))
        .isEqualTo(new ClientFrame.Ping("x"));
  }

  @Test
  void decodingAcceptsAnyIso8601InstantIncludingOffsetsAndOtherPrecisions() {
    String template =
        "{'type':'status','deploymentId':'web-1','status':'failed','ts':'%s'}".replace('\'', '"');
    Instant expected = Instant.parse("2026-11-24T10:15:30.123456Z");
    for (String ts :
        List.of(
            "2026-11-24T10:15:30.123456Z",
            "2026-11-24T11:15:30.123456+01:00",
            "2026-11-24T05:15:30.123456-05:00")) {
      assertThat(codec.decodeServer(String.format(template, ts)))
          .isEqualTo(new ServerFrame.Status(WEB, DeploymentStatus.FAILED, expected));
    }
    assertThat(codec.decodeServer(String.format(template, "2026-11-24T10:15:30Z")))
        .isEqualTo(
            new ServerFrame.Status(
                WEB, DeploymentStatus.FAILED, Instant.parse("2026-11-24T10:15:30Z")));
    assertThat(codec.decodeServer(String.format(template, "2026-11-24T10:15:30.123456789Z")))
        .isEqualTo(
            new ServerFrame.Status(
                WEB, DeploymentStatus.FAILED, Instant.parse("2026-11-24T10:15:30.123456789Z")));
  }

  @Test
  void decodingAcceptsDuplicateNamesInsideFilterArrays() {
    assertThat(
            codec.decodeClient(
                json(
                    "{'type':'subscribe','deploymentId':'web-1',"
                        + "'filter':{'levels':['info','info']}}")))
        .isEqualTo(
            new ClientFrame.Subscribe(
                WEB, null, null, null, new SubscribeFilter(Set.of(LogLevel.INFO), Set.of(), null)));
  }

  @Test
  void watchAndWatchingCarryTheFlag() {
    assertClient(new ClientFrame.Watch(true), json("{'type':'watch','deployments':true}"));
    assertClient(new ClientFrame.Watch(false), json("{'type':'watch','deployments':false}"));
    assertServer(new ServerFrame.Watching(true), json("{'type':'watching','deployments':true}"));
  }

  @Test
  void aDeploymentChangeCarriesTheDeploymentAsTheRestApiShowsIt() {
    Deployment d =
        new Deployment(
            WEB,
            "shop",
            "u-ann",
            List.of("node", "server.js"),
            Map.of("PORT", "8080", "A", "1"),
            "/srv/shop",
            DeploymentStatus.RUNNING,
            Instant.parse("2026-11-24T10:00:00Z"),
            TS);
    assertServer(
        new ServerFrame.DeploymentChange(ServerFrame.Change.UPDATED, d),
        json(
            "{'type':'deployment','event':'updated','deployment':{'id':'web-1','name':'shop',"
                + "'ownerId':'u-ann','command':['node','server.js'],'env':{'A':'1','PORT':'8080'},"
                + "'workingDir':'/srv/shop','status':'running',"
                + "'createdAt':'2026-11-24T10:00:00.000000Z',"
                + "'updatedAt':'2026-11-24T10:15:30.123456Z'}}"));
    Deployment bare =
        new Deployment(
            WEB, "shop", "u-ann", List.of("app"), Map.of(), null, DeploymentStatus.CREATED, TS, TS);
    assertServer(
        new ServerFrame.DeploymentChange(ServerFrame.Change.EXISTING, bare),
        json(
            "{'type':'deployment','event':'existing','deployment':{'id':'web-1','name':'shop',"
                + "'ownerId':'u-ann','command':['app'],'env':{},'status':'created',"
                + "'createdAt':'2026-11-24T10:15:30.123456Z',"
                + "'updatedAt':'2026-11-24T10:15:30.123456Z'}}"));
  }
}
