package io.coderunner.core.protocol;

import static io.coderunner.core.protocol.ProtocolException.Reason.DUPLICATE_FIELD;
import static io.coderunner.core.protocol.ProtocolException.Reason.INVALID_VALUE;
import static io.coderunner.core.protocol.ProtocolException.Reason.MALFORMED_JSON;
import static io.coderunner.core.protocol.ProtocolException.Reason.MISSING_FIELD;
import static io.coderunner.core.protocol.ProtocolException.Reason.TOO_LARGE;
import static io.coderunner.core.protocol.ProtocolException.Reason.UNKNOWN_FIELD;
import static io.coderunner.core.protocol.ProtocolException.Reason.UNKNOWN_TYPE;
import static io.coderunner.core.protocol.ProtocolException.Reason.WRONG_TYPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coderunner.core.CodeRunnerException;
import io.coderunner.core.protocol.ProtocolException.Reason;
import java.util.Random;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a frame can be wrong maps to one {@link Reason} and names the field at fault. */
class FrameCodecMalformedInputTest {
  private static final String SUB = "{'type':'subscribe','deploymentId':'d',";
  private static final String LOGS = "{'type':'logs','deploymentId':'d','lines':[";
  private static final String LINE =
      "{'seq':1,'ts':'2026-11-24T10:15:30.123456Z','stream':'stdout',";
  private static final String WELCOME = "{'type':'welcome','connectionId':'c','user':{";

  private final FrameCodec codec = FrameCodec.create();

  private static Arguments bad(String singleQuoted, Reason reason, @Nullable String field) {
    return Arguments.of(singleQuoted.replace('\'', '"'), reason, field);
  }

  static Stream<Arguments> badClientFrames() {
    return Stream.of(
        // not JSON, or not one object
        bad("", MALFORMED_JSON, null),
        bad("   ", MALFORMED_JSON, null),
        bad("{", MALFORMED_JSON, null),
        bad("not json", MALFORMED_JSON, null),
        bad("{'type':'ping'", MALFORMED_JSON, null),
        bad("{'type':'ping',}", MALFORMED_JSON, null),
        bad("{'type':'ping'} x", MALFORMED_JSON, null),
        bad("{'type':'ping'}]", MALFORMED_JSON, null),
        bad("{'type':'ping'}{'type':'ping'}", MALFORMED_JSON, null),
        bad("{'type':'ping' /* hi */}", MALFORMED_JSON, null),
        bad("{type:'ping'}", MALFORMED_JSON, null),
        bad("{'type':'ping','id':'x}", MALFORMED_JSON, "id"),
        bad(SUB + "'after':NaN}", MALFORMED_JSON, "after"),
        bad(SUB + "'after':01}", MALFORMED_JSON, "after"),
        bad("[]", WRONG_TYPE, null),
        bad("[{'type':'ping'}]", WRONG_TYPE, null),
        bad("'ping'", WRONG_TYPE, null),
        bad("42", WRONG_TYPE, null),
        bad("null", WRONG_TYPE, null),
        // type
        bad("{}", MISSING_FIELD, "type"),
        bad("{'id':'x'}", MISSING_FIELD, "type"),
        bad("{'type':null}", MISSING_FIELD, "type"),
        bad("{'type':5}", WRONG_TYPE, "type"),
        bad("{'type':['ping']}", WRONG_TYPE, "type"),
        bad("{'id':'x','type':{}}", WRONG_TYPE, "type"),
        bad("{'type':'bogus'}", UNKNOWN_TYPE, "type"),
        bad("{'type':'PING'}", UNKNOWN_TYPE, "type"),
        bad("{'type':'welcome','connectionId':'c'}", UNKNOWN_TYPE, "type"),
        bad("{'type':'ping','type':'ping'}", DUPLICATE_FIELD, "type"),
        bad("{'id':'x','type':'ping','type':'ping'}", DUPLICATE_FIELD, "type"),
        // unknown and duplicate fields
        bad("{'type':'ping','extra':1}", UNKNOWN_FIELD, "extra"),
        bad("{'extra':1,'type':'ping'}", UNKNOWN_FIELD, "extra"),
        bad("{'type':'ping','id':'a','id':'b'}", DUPLICATE_FIELD, "id"),
        bad(SUB + "'deploymentId':'e'}", DUPLICATE_FIELD, "deploymentId"),
        bad(SUB + "'filter':{'levels':[],'levels':[]}}", DUPLICATE_FIELD, "filter.levels"),
        bad(SUB + "'filter':{'color':'red'}}", UNKNOWN_FIELD, "filter.color"),
        // auth and refresh
        bad("{'type':'auth'}", MISSING_FIELD, "token"),
        bad("{'type':'auth','token':null}", MISSING_FIELD, "token"),
        bad("{'type':'auth','token':''}", INVALID_VALUE, "token"),
        bad("{'type':'refresh','token':'  '}", INVALID_VALUE, "token"),
        bad("{'type':'auth','token':7}", WRONG_TYPE, "token"),
        bad("{'type':'refresh','token':'" + "t".repeat(8193) + "'}", INVALID_VALUE, "token"),
        // subscribe
        bad("{'type':'subscribe'}", MISSING_FIELD, "deploymentId"),
        bad("{'type':'subscribe','deploymentId':5}", WRONG_TYPE, "deploymentId"),
        bad("{'type':'subscribe','deploymentId':''}", INVALID_VALUE, "deploymentId"),
        bad("{'type':'subscribe','deploymentId':'a b'}", INVALID_VALUE, "deploymentId"),
        bad(
            "{'type':'subscribe','deploymentId':'" + "a".repeat(65) + "'}",
            INVALID_VALUE,
            "deploymentId"),
        bad(SUB + "'epoch':''}", INVALID_VALUE, "epoch"),
        bad(SUB + "'epoch':'" + "e".repeat(129) + "'}", INVALID_VALUE, "epoch"),
        bad(SUB + "'epoch':3}", WRONG_TYPE, "epoch"),
        bad(SUB + "'after':'5'}", WRONG_TYPE, "after"),
        bad(SUB + "'after':5.0}", WRONG_TYPE, "after"),
        bad(SUB + "'after':1e3}", WRONG_TYPE, "after"),
        bad(SUB + "'after':true}", WRONG_TYPE, "after"),
        bad(SUB + "'after':-1}", INVALID_VALUE, "after"),
        bad(SUB + "'after':99999999999999999999}", INVALID_VALUE, "after"),
        bad(SUB + "'tail':-1}", INVALID_VALUE, "tail"),
        bad(SUB + "'tail':10001}", INVALID_VALUE, "tail"),
        bad(SUB + "'tail':'10'}", WRONG_TYPE, "tail"),
        bad(SUB + "'after':1,'tail':2}", INVALID_VALUE, "tail"),
        bad(SUB + "'filter':'x'}", WRONG_TYPE, "filter"),
        bad(SUB + "'filter':[]}", WRONG_TYPE, "filter"),
        bad(SUB + "'filter':{'levels':'info'}}", WRONG_TYPE, "filter.levels"),
        bad(SUB + "'filter':{'levels':{}}}", WRONG_TYPE, "filter.levels"),
        bad(SUB + "'filter':{'levels':[1]}}", WRONG_TYPE, "filter.levels"),
        bad(SUB + "'filter':{'levels':[null]}}", WRONG_TYPE, "filter.levels"),
        bad(SUB + "'filter':{'levels':[['info']]}}", WRONG_TYPE, "filter.levels"),
        bad(SUB + "'filter':{'levels':['loud']}}", INVALID_VALUE, "filter.levels"),
        bad(SUB + "'filter':{'levels':['INFO']}}", INVALID_VALUE, "filter.levels"),
        bad(SUB + "'filter':{'streams':'stdout'}}", WRONG_TYPE, "filter.streams"),
        bad(SUB + "'filter':{'streams':['stdin']}}", INVALID_VALUE, "filter.streams"),
        bad(SUB + "'filter':{'q':5}}", WRONG_TYPE, "filter.q"),
        bad(SUB + "'filter':{'q':'" + "q".repeat(257) + "'}}", INVALID_VALUE, "filter.q"),
        // unsubscribe and ping
        bad("{'type':'unsubscribe'}", MISSING_FIELD, "deploymentId"),
        bad("{'type':'unsubscribe','deploymentId':'d','after':1}", UNKNOWN_FIELD, "after"),
        bad("{'type':'ping','id':5}", WRONG_TYPE, "id"),
        bad("{'type':'ping','id':'" + "i".repeat(65) + "'}", INVALID_VALUE, "id"),
        // watch
        bad("{'type':'watch'}", MISSING_FIELD, "deployments"),
        bad("{'type':'watch','deployments':null}", MISSING_FIELD, "deployments"),
        bad("{'type':'watch','deployments':'yes'}", WRONG_TYPE, "deployments"),
        bad("{'type':'watch','deployments':1}", WRONG_TYPE, "deployments"),
        bad(
            "{'type':'watch','deployments':true,'deployments':false}",
            DUPLICATE_FIELD,
            "deployments"),
        bad("{'type':'watch','deployments':true,'logs':true}", UNKNOWN_FIELD, "logs"),
        // nesting deeper than any frame needs
        bad("{'type':'ping','id':{'a':{'b':{'c':{}}}}}", WRONG_TYPE, "id"),
        bad("{'type':'ping','id':[[[[[[[[[[]]]]]]]]]]}", WRONG_TYPE, "id"),
        bad("{'x':[[[[[[[[[[]]]]]]]]]],'type':'ping'}", TOO_LARGE, "x"));
  }

  private static final String DEPLOYMENT =
      "{'type':'deployment','event':'created','deployment':{'id':'d',";

  static Stream<Arguments> badServerFrames() {
    return Stream.of(
        bad("{'type':'auth','token':'t'}", UNKNOWN_TYPE, "type"),
        bad("{'type':'pong','id':'" + "i".repeat(65) + "'}", INVALID_VALUE, "id"),
        // deployment and watching
        bad("{'type':'watching'}", MISSING_FIELD, "deployments"),
        bad("{'type':'deployment','event':'moved','deployment':{}}", INVALID_VALUE, "event"),
        bad("{'type':'deployment','event':'created'}", MISSING_FIELD, "deployment"),
        bad("{'type':'deployment','event':'created','deployment':[]}", WRONG_TYPE, "deployment"),
        bad(DEPLOYMENT + "'name':'n'}}", MISSING_FIELD, "deployment.ownerId"),
        bad(
            DEPLOYMENT + "'name':'n','ownerId':'o','command':'app'}}",
            WRONG_TYPE,
            "deployment.command"),
        bad(
            DEPLOYMENT + "'name':'n','ownerId':'o','command':['a'],'env':{'A':1}}}",
            WRONG_TYPE,
            "deployment.env.A"),
        bad(
            DEPLOYMENT + "'name':'n','ownerId':'o','command':['a'],'status':'gone'}}",
            INVALID_VALUE,
            "deployment.status"),
        bad(DEPLOYMENT + "'name':'n','secret':'s'}}", UNKNOWN_FIELD, "deployment.secret"),
        // welcome
        bad("{'type':'welcome','connectionId':'c'}", MISSING_FIELD, "user"),
        bad("{'type':'welcome','connectionId':' ','user':{}}", INVALID_VALUE, "connectionId"),
        bad("{'type':'welcome','connectionId':'c','user':'me'}", WRONG_TYPE, "user"),
        bad("{'type':'welcome','connectionId':'c','user':null}", MISSING_FIELD, "user"),
        bad(WELCOME + "'id':'u','username':'n'}}", MISSING_FIELD, "user.roles"),
        bad(WELCOME + "'username':'n','roles':[]}}", MISSING_FIELD, "user.id"),
        bad(WELCOME + "'id':'','username':'n','roles':[]}}", INVALID_VALUE, "user.id"),
        bad(WELCOME + "'id':'u','username':'n','roles':[1]}}", WRONG_TYPE, "user.roles"),
        bad(WELCOME + "'id':'u','username':'n','roles':'admin'}}", WRONG_TYPE, "user.roles"),
        bad(WELCOME + "'id':'u','username':'n','roles':['']}}", INVALID_VALUE, "user.roles"),
        bad(
            WELCOME + "'id':'u','username':'n','roles':[],'email':'x'}}",
            UNKNOWN_FIELD,
            "user.email"),
        // subscribed
        bad(
            "{'type':'subscribed','deploymentId':'d','firstAvailable':1,'next':1}",
            MISSING_FIELD,
            "epoch"),
        bad(
            "{'type':'subscribed','deploymentId':'d','epoch':'e','firstAvailable':1}",
            MISSING_FIELD,
            "next"),
        bad(
            "{'type':'subscribed','deploymentId':'d','epoch':'e','firstAvailable':-1,'next':1}",
            INVALID_VALUE,
            "firstAvailable"),
        bad(
            "{'type':'subscribed','deploymentId':'d','epoch':'e','firstAvailable':1,'next':1,"
                + "'reset':'yes'}",
            WRONG_TYPE,
            "reset"),
        // logs
        bad("{'type':'logs','deploymentId':'d'}", MISSING_FIELD, "lines"),
        bad("{'type':'logs','lines':[]}", INVALID_VALUE, "lines"),
        bad(LOGS + "]}", INVALID_VALUE, "lines"),
        bad("{'type':'logs','deploymentId':'d','lines':{}}", WRONG_TYPE, "lines"),
        bad(LOGS + "5]}", WRONG_TYPE, "lines[0]"),
        bad(
            LOGS + "{'ts':'2026-11-24T10:15:30Z','stream':'stdout','level':'info','message':''}]}",
            MISSING_FIELD,
            "lines[0].seq"),
        bad(LOGS + LINE + "'level':'info'}]}", MISSING_FIELD, "lines[0].message"),
        bad(LOGS + LINE + "'level':'info','message':null}]}", MISSING_FIELD, "lines[0].message"),
        bad(
            LOGS
                + "{'seq':0,'ts':'2026-11-24T10:15:30Z','stream':'stdout','level':'info',"
                + "'message':''}]}",
            INVALID_VALUE,
            "lines[0].seq"),
        bad(
            LOGS + "{'seq':1,'ts':'yesterday','stream':'stdout','level':'info','message':''}]}",
            INVALID_VALUE,
            "lines[0].ts"),
        bad(
            LOGS
                + "{'seq':1,'ts':1764000000000,'stream':'stdout','level':'info',"
                + "'message':''}]}",
            WRONG_TYPE,
            "lines[0].ts"),
        bad(
            LOGS
                + LINE
                + "'level':'info','message':'a'},"
                + LINE
                + "'level':'fatal','message':'b'}]}",
            INVALID_VALUE,
            "lines[1].level"),
        bad(
            LOGS
                + "{'seq':1,'ts':'2026-11-24T10:15:30Z','stream':'out','level':'info',"
                + "'message':''}]}",
            INVALID_VALUE,
            "lines[0].stream"),
        bad(
            LOGS + LINE + "'level':'info','message':'a','status':'running'}]}",
            UNKNOWN_FIELD,
            "lines[0].status"),
        bad(
            LOGS + LINE + "'level':'info','message':'a','message':'b'}]}",
            DUPLICATE_FIELD,
            "lines[0].message"),
        bad(LOGS + LINE + "'level':'info','message':7}]}", WRONG_TYPE, "lines[0].message"),
        // gap
        bad("{'type':'gap','deploymentId':'d','from':0,'to':1}", INVALID_VALUE, "from"),
        bad("{'type':'gap','deploymentId':'d','from':5,'to':4}", INVALID_VALUE, "to"),
        bad("{'type':'gap','deploymentId':'d','from':5}", MISSING_FIELD, "to"),
        bad("{'type':'gap','deploymentId':'d','to':5}", MISSING_FIELD, "from"),
        bad("{'type':'gap','from':1,'to':5}", MISSING_FIELD, "deploymentId"),
        // status
        bad(
            "{'type':'status','deploymentId':'d','status':'sleeping','ts':'2026-11-24T10:15:30Z'}",
            INVALID_VALUE,
            "status"),
        bad("{'type':'status','deploymentId':'d','status':'running'}", MISSING_FIELD, "ts"),
        bad(
            "{'type':'status','deploymentId':'d','ts':'2026-11-24T10:15:30Z'}",
            MISSING_FIELD,
            "status"),
        // error
        bad("{'type':'error','code':' ','message':'m'}", INVALID_VALUE, "code"),
        bad("{'type':'error','code':'c'}", MISSING_FIELD, "message"),
        bad("{'type':'error','message':'m'}", MISSING_FIELD, "code"),
        bad("{'type':'error','code':'c','message':'m','ref':5}", WRONG_TYPE, "ref"));
  }

  @ParameterizedTest
  @MethodSource("badClientFrames")
  void aBadClientFrameIsRejectedWithItsReasonAndField(
      String json, Reason reason, @Nullable String field) {
    ProtocolException e =
        catchThrowableOfType(ProtocolException.class, () -> codec.decodeClient(json));
    assertThat(e).as("decodeClient(%s)", json).isNotNull();
    assertThat(e.reason()).as("reason for %s: %s", json, e.getMessage()).isEqualTo(reason);
    assertThat(e.field()).as("field for %s: %s", json, e.getMessage()).isEqualTo(field);
    assertThat(e.getMessage()).isNotBlank();
    if (field != null && reason != MALFORMED_JSON && reason != TOO_LARGE) {
      assertThat(e.getMessage()).contains(field.replaceAll("^.*\\.", ""));
    }
  }

  @ParameterizedTest
  @MethodSource("badServerFrames")
  void aBadServerFrameIsRejectedWithItsReasonAndField(
      String json, Reason reason, @Nullable String field) {
    ProtocolException e =
        catchThrowableOfType(ProtocolException.class, () -> codec.decodeServer(json));
    assertThat(e).as("decodeServer(%s)", json).isNotNull();
    assertThat(e.reason()).as("reason for %s: %s", json, e.getMessage()).isEqualTo(reason);
    assertThat(e.field()).as("field for %s: %s", json, e.getMessage()).isEqualTo(field);
    if (field != null && reason != MALFORMED_JSON) {
      assertThat(e.getMessage()).contains(field.replaceAll("^.*\\.", "").replaceAll("\\[.*", ""));
    }
  }

  @Test
  void aProtocolExceptionIsACodeRunnerExceptionWithoutAStackTrace() {
    ProtocolException e =
        catchThrowableOfType(ProtocolException.class, () -> codec.decodeClient("{"));
    assertThat(e).isInstanceOf(CodeRunnerException.class);
    assertThat(e.getStackTrace()).isEmpty();
  }

  @Test
  void aNumberOutOfRangeKeepsTheParsersExceptionAsItsCause() {
    ProtocolException e =
        catchThrowableOfType(
            ProtocolException.class,
            () ->
                codec.decodeClient(
                    "{\"type\":\"subscribe\",\"deploymentId\":\"d\",\"after\":1"
                        + "0".repeat(30)
                        + "}"));
    assertThat(e.getCause()).isNotNull();
    assertThat(e.getMessage()).contains("after");
  }

  @Test
  void anEchoedUnknownTypeOrFieldIsClippedInTheMessage() {
    String longName = "n".repeat(5000);
    ProtocolException type =
        catchThrowableOfType(
            ProtocolException.class, () -> codec.decodeClient("{\"type\":\"" + longName + "\"}"));
    ProtocolException field =
        catchThrowableOfType(
            ProtocolException.class,
            () -> codec.decodeClient("{\"type\":\"ping\",\"" + longName + "\":1}"));
    assertThat(type.getMessage()).hasSizeLessThan(200);
    assertThat(field.getMessage()).hasSizeLessThan(200);
    assertThat(field.field()).hasSizeLessThan(100);
  }

  @Test
  void randomGarbageAndMutatedFramesNeverThrowAnythingButProtocolException() {
    Random random = new Random(42);
    RandomFrames frames = new RandomFrames(43);
    for (int i = 0; i < 5_000; i++) {
      String valid = i % 2 == 0 ? codec.encode(frames.client()) : codec.encode(frames.server());
      String mutated = mutate(valid, random);
      try {
        codec.decodeClient(mutated);
      } catch (ProtocolException expected) {
        // fine: rejected with a reason
      }
      try {
        codec.decodeServer(mutated);
      } catch (ProtocolException expected) {
        // fine: rejected with a reason
      }
    }
  }

  private static String mutate(String json, Random random) {
    StringBuilder sb = new StringBuilder(json);
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits && sb.length() > 0; e++) {
      int at = random.nextInt(sb.length());
      switch (random.nextInt(4)) {
        case 0 -> sb.deleteCharAt(at);
        case 1 -> sb.insert(at, "{}[]\",:0-.e\\ n".charAt(random.nextInt(14)));
        case 2 -> sb.setCharAt(at, (char) random.nextInt(128));
        default -> sb.setLength(at);
      }
    }
    return sb.toString();
  }

  @Test
  void decodingRejectsNullInputAsAProgrammingError() {
    assertThatThrownBy(() -> codec.decodeClient(nullString()))
        .isInstanceOf(NullPointerException.class);
  }

  @SuppressWarnings("NullAway") // deliberately breaks the contract
  private static String nullString() {
    return null;
  }
}
