package io.coderunner.core.protocol.internal;

import static io.coderunner.core.protocol.ProtocolException.Reason.DUPLICATE_FIELD;
import static io.coderunner.core.protocol.ProtocolException.Reason.INVALID_VALUE;
import static io.coderunner.core.protocol.ProtocolException.Reason.MALFORMED_JSON;
import static io.coderunner.core.protocol.ProtocolException.Reason.MISSING_FIELD;
import static io.coderunner.core.protocol.ProtocolException.Reason.TOO_LARGE;
import static io.coderunner.core.protocol.ProtocolException.Reason.UNKNOWN_FIELD;
import static io.coderunner.core.protocol.ProtocolException.Reason.UNKNOWN_TYPE;
import static io.coderunner.core.protocol.ProtocolException.Reason.WRONG_TYPE;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.Principal;
import io.coderunner.core.StreamKind;
import io.coderunner.core.protocol.ClientFrame;
import io.coderunner.core.protocol.ProtocolException;
import io.coderunner.core.protocol.ProtocolException.Reason;
import io.coderunner.core.protocol.ServerFrame;
import io.coderunner.core.protocol.SubscribeFilter;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads one frame from JSON text with a streaming parser, strictly: every field of every object is
 * known, seen at most once and of the right JSON type, and nothing follows the frame. Each failure
 * becomes a {@link ProtocolException} naming the field at fault as a path ({@code after}, {@code
 * filter.levels}, {@code lines[2].ts}).
 *
 * <p>One instance reads one frame and is then dropped; it is not thread-safe.
 *
 * <p>The {@code type} field normally comes first, and the frame is read in one pass. If it does
 * not, a first pass finds it (skipping the other values) and a second pass reads the frame.
 *
 * <p>Duplicate fields are found here with a bit per known field rather than by Jackson's {@code
 * STRICT_DUPLICATE_DETECTION}: that costs a hash set per object and reports a generic parse error,
 * while unknown fields are rejected on first sight anyway, so a bit per known field finds every
 * duplicate and can name it.
 */
final class FrameReader {
  private static final int ROOT = 0;
  private static final int FILTER = 1;
  private static final int USER = 2;
  private static final int LINE = 3;
  private static final int DEPLOYMENT = 4;
  private static final int ENV = 5;

  /** Longest piece of client text repeated in a message or a field path. */
  private static final int MAX_ECHO = 64;

  private static final LogLevel[] LEVELS = LogLevel.values();
  private static final StreamKind[] STREAMS = StreamKind.values();
  private static final DeploymentStatus[] STATUSES = DeploymentStatus.values();

  private final JsonFactory factory;
  private final String json;
  private @Nullable JsonParser parser;

  // Where the reader is, for error messages: the object it is in and the field it is reading.
  private int scope = ROOT;
  private int lineIndex;
  private @Nullable String name;

  private String frameType = "frame";
  // The type came after other fields: the frame loop will meet it once more and must skip it.
  private boolean typePending;

  private FrameReader(JsonFactory factory, String json) {
    this.factory = factory;
    this.json = json;
  }

  static ClientFrame readClient(JsonFactory factory, String json) {
    return new FrameReader(factory, json).client();
  }

  static ServerFrame readServer(JsonFactory factory, String json) {
    return new FrameReader(factory, json).server();
  }

  private ClientFrame client() {
    try {
      String type = open();
      ClientFrame frame =
          switch (type) {
            case "auth" -> new ClientFrame.Auth(tokenFields());
            case "refresh" -> new ClientFrame.Refresh(tokenFields());
            case "subscribe" -> subscribe();
            case "unsubscribe" -> new ClientFrame.Unsubscribe(deploymentIdOnly());
            case "ping" -> new ClientFrame.Ping(pingId());
            case "watch" -> new ClientFrame.Watch(deploymentsFlag());
            default ->
                throw unknownType(type, "auth, refresh, subscribe, unsubscribe, watch, ping");
          };
      finish();
      return frame;
    } catch (ProtocolException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw translate(e);
    } finally {
      closeParser();
    }
  }

  private ServerFrame server() {
    try {
      String type = open();
      ServerFrame frame =
          switch (type) {
            case "logs" -> logs();
            case "subscribed" -> subscribed();
            case "gap" -> gap();
            case "status" -> status();
            case "welcome" -> welcome();
            case "error" -> error();
            case "pong" -> new ServerFrame.Pong(pingId());
            case "deployment" -> deploymentChange();
            case "watching" -> new ServerFrame.Watching(deploymentsFlag());
            default ->
                throw unknownType(
                    type,
                    "welcome, subscribed, logs, gap, status, deployment, watching, error, pong");
          };
      finish();
      return frame;
    } catch (ProtocolException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw translate(e);
    } finally {
      closeParser();
    }
  }

  // ---- frame structure

  /** Reads up to the type's value, or finds the type when it is not first; returns the type. */
  private String open() throws IOException {
    JsonParser p = factory.createParser(json);
    parser = p;
    JsonToken first = p.nextToken();
    if (first == null) {
      throw new ProtocolException(MALFORMED_JSON, null, "empty frame: expected a JSON object");
    }
    if (first != JsonToken.START_OBJECT) {
      throw new ProtocolException(
          WRONG_TYPE, null, "a frame must be a JSON object, was " + describe(first));
    }
    String firstName = nextField();
    String type;
    if ("type".equals(firstName)) {
      type = typeValue(p);
    } else {
      type = findType();
      p.close();
      p = factory.createParser(json);
      parser = p;
      p.nextToken(); // the root START_OBJECT, checked above
      typePending = true;
    }
    frameType = type;
    name = null;
    return type;
  }

  /** First pass over a frame whose type is not its first field. */
  private String findType() throws IOException {
    try (JsonParser scan = factory.createParser(json)) {
      scan.nextToken();
      String type = null;
      for (String n = scan.nextFieldName(); n != null; n = scan.nextFieldName()) {
        name = n;
        if (n.equals("type")) {
          if (type != null) {
            throw duplicate();
          }
          type = typeValue(scan);
        } else {
          scan.nextToken();
          scan.skipChildren();
        }
      }
      name = "type";
      if (type == null) {
        throw new ProtocolException(MISSING_FIELD, "type", "the frame has no type field");
      }
      return type;
    }
  }

  private String typeValue(JsonParser p) throws IOException {
    name = "type";
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    throw t == JsonToken.VALUE_NULL ? missing() : wrongType(t, "a string");
  }

  /** After the root object: nothing may follow. */
  private void finish() throws IOException {
    scope = ROOT;
    name = null;
    if (parser().nextToken() != null) {
      throw new ProtocolException(MALFORMED_JSON, null, "unexpected content after the frame");
    }
  }

  /** The next field's name in the current object, or {@code null} at its end. */
  private @Nullable String nextField() throws IOException {
    JsonParser p = parser();
    String n;
    try {
      n = p.nextFieldName();
    } catch (JsonProcessingException e) {
      // Jackson reads a scalar value together with its name: if the value is malformed, blame
      // that field, not the previous one.
      name = p.currentToken() == JsonToken.FIELD_NAME ? p.currentName() : null;
      throw e;
    }
    name = n;
    return n;
  }

  /** A field no case handled: the pending type, or an error. */
  private void otherField() throws IOException {
    if (scope == ROOT && "type".equals(name)) {
      if (typePending) {
        typePending = false;
        parser().nextToken(); // its value, checked by findType
        return;
      }
      throw duplicate();
    }
    throw new ProtocolException(
        UNKNOWN_FIELD, path(), frameType + " frame: unknown field " + path());
  }

  /** Marks a field seen; a second sight is a duplicate. */
  private int see(int seen, int bit) {
    if ((seen & bit) != 0) {
      throw duplicate();
    }
    return seen | bit;
  }

  private <T> T require(@Nullable T value, String field) {
    if (value == null) {
      name = field;
      throw missing();
    }
    return value;
  }

  // ---- client frames

  private String tokenFields() throws IOException {
    String token = null;
    int seen = 0;
    for (String n = nextField(); n != null; n = nextField()) {
      if (n.equals("token")) {
        seen = see(seen, 1);
        token = string();
        if (token.isBlank()) {
          throw invalid("token must not be blank");
        }
        if (token.length() > ClientFrame.MAX_TOKEN_LENGTH) {
          throw invalid("token must be at most " + ClientFrame.MAX_TOKEN_LENGTH + " characters");
        }
      } else {
        otherField();
      }
    }
    return require(token, "token");
  }

  private DeploymentId deploymentIdOnly() throws IOException {
    DeploymentId id = null;
    int seen = 0;
    for (String n = nextField(); n != null; n = nextField()) {
      if (n.equals("deploymentId")) {
        seen = see(seen, 1);
        id = deploymentId();
      } else {
        otherField();
      }
    }
    return require(id, "deploymentId");
  }

  private @Nullable String pingId() throws IOException {
    String id = null;
    int seen = 0;
    for (String n = nextField(); n != null; n = nextField()) {
      if (n.equals("id")) {
        seen = see(seen, 1);
        id = optionalString();
        if (id != null && id.length() > ClientFrame.MAX_PING_ID_LENGTH) {
          throw invalid("id must be at most " + ClientFrame.MAX_PING_ID_LENGTH + " characters");
        }
      } else {
        otherField();
      }
    }
    return id;
  }

  /** The one field of {@code watch} and {@code watching}: a required boolean. */
  private boolean deploymentsFlag() throws IOException {
    Boolean value = null;
    int seen = 0;
    for (String n = nextField(); n != null; n = nextField()) {
      if (n.equals("deployments")) {
        seen = see(seen, 1);
        value = requiredBoolean();
      } else {
        otherField();
      }
    }
    return require(value, "deployments");
  }

  private ClientFrame.Subscribe subscribe() throws IOException {
    DeploymentId id = null;
    String epoch = null;
    Long after = null;
    Long tail = null;
    SubscribeFilter filter = SubscribeFilter.NONE;
    int seen = 0;
    for (String n = nextField(); n != null; n = nextField()) {
      switch (n) {
        case "deploymentId" -> {
          seen = see(seen, 1);
          id = deploymentId();
        }
        case "epoch" -> {
          seen = see(seen, 2);
          epoch = optionalString();
          if (epoch != null) {
            checkEpoch(epoch);
          }
        }
        case "after" -> {
          seen = see(seen, 4);
          after = optionalInteger();
          if (after != null && after < 0) {
            throw invalid("after must be >= 0, was " + after);
          }
        }
        case "tail" -> {
          seen = see(seen, 8);
          tail = optionalInteger();
          if (tail != null && (tail < 0 || tail > ClientFrame.MAX_TAIL)) {
            throw invalid("tail must be between 0 and " + ClientFrame.MAX_TAIL + ", was " + tail);
          }
        }
        case "filter" -> {
          seen = see(seen, 16);
          filter = filter();
        }
        default -> otherField();
      }
    }
    id = require(id, "deploymentId");
    if (after != null && tail != null) {
      name = "tail";
      throw invalid("after and tail must not both be given");
    }
    return new ClientFrame.Subscribe(
        id, epoch, after, tail == null ? null : tail.intValue(), filter);
  }

  private SubscribeFilter filter() throws IOException {
    JsonToken t = parser().nextToken();
    if (t == JsonToken.VALUE_NULL) {
      return SubscribeFilter.NONE;
    }
    if (t != JsonToken.START_OBJECT) {
      throw wrongType(t, "an object");
    }
    scope = FILTER;
    Set<LogLevel> levels = Set.of();
    Set<StreamKind> streams = Set.of();
    String q = null;
    int seen = 0;
    for (String n = nextField(); n != null; n = nextField()) {
      switch (n) {
        case "levels" -> {
          seen = see(seen, 1);
          levels = levels();
        }
        case "streams" -> {
          seen = see(seen, 2);
          streams = streams();
        }
        case "q" -> {
          seen = see(seen, 4);
          q = optionalString();
          if (q != null && q.length() > SubscribeFilter.MAX_QUERY_LENGTH) {
            throw invalid(
                path() + " must be at most " + SubscribeFilter.MAX_QUERY_LENGTH + " characters");
          }
        }
        default -> otherField();
      }
    }
    scope = ROOT;
    name = "filter";
    return new SubscribeFilter(levels, streams, q);
  }

  private Set<LogLevel> levels() throws IOException {
    JsonParser p = parser();
    if (!startArray(p, "an array of level names")) {
      return Set.of();
    }
    Set<LogLevel> levels = EnumSet.noneOf(LogLevel.class);
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      levels.add(level(elementText(t, "level names")));
    }
    return levels;
  }

  private Set<StreamKind> streams() throws IOException {
    JsonParser p = parser();
    if (!startArray(p, "an array of stream names")) {
      return Set.of();
    }
    Set<StreamKind> streams = EnumSet.noneOf(StreamKind.class);
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      streams.add(stream(elementText(t, "stream names")));
    }
    return streams;
  }

  // ---- server frames

  private ServerFrame.Logs logs() throws IOException {
    DeploymentId id = null;
    List<LogLine> lines = null;
    int seen = 0;
    for (String n = nextField(); n != null; n = nextField()) {
      switch (n) {
        case "deploymentId" -> {
          seen = see(seen, 1);
          id = deploymentId();
        }
        case "lines" -> {
          seen = see(seen, 2);
          lines = lines();
        }
        default -> otherField();
      }
    }
    return new ServerFrame.Logs(require(id, "deploymentId"), require(lines, "lines"));
  }

  private List<LogLine> lines() throws IOException {
    JsonParser p = parser();
    JsonToken t = p.nextToken();
    if (t != JsonToken.START_ARRAY) {
      throw t == JsonToken.VALUE_NULL ? missing() : wrongType(t, "an array of lines");
    }
    List<LogLine> lines = new ArrayList<>();
    for (t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      scope = LINE;
      lineIndex = lines.size();
      name = null;
      if (t != JsonToken.START_OBJECT) {
        throw wrongType(t, "an object");
      }
      lines.add(line());
    }
    scope = ROOT;
    name = "lines";
    if (lines.isEmpty()) {
      throw invalid("lines must hold at least one line");
    }
    return lines;
  }

  private LogLine line() throws IOException {
    long seq = 0;
    Instant ts = null;
    StreamKind stream = null;
    LogLevel level = null;
    String message = null;
    int seen = 0;
    for (String n = nextField(); n != null; n = nextField()) {
      switch (n) {
        case "seq" -> {
          seen = see(seen, 1);
          seq = integer();
          if (seq < 1) {
            throw invalid("seq must be >= 1, was " + seq);
          }
        }
        case "ts" -> {
          seen = see(seen, 2);
          ts = instant();
        }
        case "stream" -> {
          seen = see(seen, 4);
          stream = stream(string());
        }
        case "level" -> {
          seen = see(seen, 8);
          level = level(string());
        }
        case "message" -> {
          seen = see(seen, 16);
          message = string();
        }
        default -> otherField();
      }
    }
    if ((seen & 1) == 0) {
      name = "seq";
      throw missing();
    }
    return new LogLine(
        seq,
        require(ts, "ts"),
        require(stream, "stream"),
        require(level, "level"),
        require(message, "message"),
        null);
  }

  private ServerFrame.Subscribed subscribed() throws IOException {
    DeploymentId id = null;
    String epoch = null;
    Long firstAvailable = null;
    Long next = null;
    boolean reset = false;
    int seen = 0;
    for (String n = nextField(); n != null; n = nextField()) {
      switch (n) {
        case "deploymentId" -> {
          seen = see(seen, 1);
          id = deploymentId();
        }
        case "epoch" -> {
          seen = see(seen, 2);
          epoch = string();
          checkEpoch(epoch);
        }
        case "firstAvailable" -> {
          seen = see(seen, 4);
          firstAvailable = nonNegative(integer());
        }
        case "next" -> {
          seen = see(seen, 8);
          next = nonNegative(integer());
        }
        case "reset" -> {
          seen = see(seen, 16);
          reset = optionalBoolean();
        }
        default -> otherField();
      }
    }
    return new ServerFrame.Subscribed(
        require(id, "deploymentId"),
        require(epoch, "epoch"),
        require(firstAvailable, "firstAvailable"),
        require(next, "next"),
        reset);
  }

  private ServerFrame.Gap gap() throws IOException {
    DeploymentId id = null;
    Long from = null;
    Long to = null;
    int seen = 0;
    for (String n = nextField(); n != null; n = nextField()) {
      switch (n) {
        case "deploymentId" -> {
          seen = see(seen, 1);
          id = deploymentId();
        }
        case "from" -> {
          seen = see(seen, 2);
          from = integer();
          if (from < 1) {
            throw invalid("from must be >= 1, was " + from);
          }
        }
        case "to" -> {
          seen = see(seen, 4);
          to = integer();
        }
        default -> otherField();
      }
    }
    id = require(id, "deploymentId");
    long f = require(from, "from");
    long t = require(to, "to");
    if (t < f) {
      name = "to";
      throw invalid("to must be >= from (" + f + "), was " + t);
    }
    return new ServerFrame.Gap(id, f, t);
  }

  private ServerFrame.Status status() throws IOException {
    DeploymentId id = null;
    DeploymentStatus status = null;
    Instant ts = null;
    int seen = 0;
    for (String n = nextField(); n != null; n = nextField()) {
      switch (n) {
        case "deploymentId" -> {
          seen = see(seen, 1);
          id = deploymentId();
        }
        case "status" -> {
          seen = see(seen, 2);
          status = deploymentStatus(string());
        }
        case "ts" -> {
          seen = see(seen, 4);
          ts = instant();
        }
        default -> otherField();
      }
    }
    return new ServerFrame.Status(
        require(id, "deploymentId"), require(status, "status"), require(ts, "ts"));
  }

  private ServerFrame.DeploymentChange deploymentChange() throws IOException {
    ServerFrame.Change change = null;
    Deployment deployment = null;
    int seen = 0;
    for (String n = nextField(); n != null; n = nextField()) {
      switch (n) {
        case "event" -> {
          seen = see(seen, 1);
          change = change(string());
        }
        case "deployment" -> {
          seen = see(seen, 2);
          deployment = deployment();
        }
        default -> otherField();
      }
    }
    return new ServerFrame.DeploymentChange(
        require(change, "event"), require(deployment, "deployment"));
  }

  private ServerFrame.Change change(String text) {
    for (ServerFrame.Change c : ServerFrame.Change.values()) {
      if (c.wireName().equals(text)) {
        return c;
      }
    }
    throw invalid(
        path()
            + ": unknown event \""
            + clip(text)
            + "\"; expected one of existing, created, updated, deleted");
  }

  private Deployment deployment() throws IOException {
    JsonToken t = parser().nextToken();
    if (t != JsonToken.START_OBJECT) {
      throw t == JsonToken.VALUE_NULL ? missing() : wrongType(t, "an object");
    }
    scope = DEPLOYMENT;
    DeploymentId id = null;
    String deploymentName = null;
    String ownerId = null;
    List<String> command = null;
    Map<String, String> env = Map.of();
    String workingDir = null;
    DeploymentStatus status = null;
    Instant createdAt = null;
    Instant updatedAt = null;
    int seen = 0;
    for (String n = nextField(); n != null; n = nextField()) {
      switch (n) {
        case "id" -> {
          seen = see(seen, 1);
          id = deploymentId();
        }
        case "name" -> {
          seen = see(seen, 2);
          deploymentName = string();
        }
        case "ownerId" -> {
          seen = see(seen, 4);
          ownerId = string();
        }
        case "command" -> {
          seen = see(seen, 8);
          command = command();
        }
        case "env" -> {
          seen = see(seen, 16);
          env = env();
        }
        case "workingDir" -> {
          seen = see(seen, 32);
          workingDir = optionalString();
        }
        case "status" -> {
          seen = see(seen, 64);
          status = deploymentStatus(string());
        }
        case "createdAt" -> {
          seen = see(seen, 128);
          createdAt = instant();
        }
        case "updatedAt" -> {
          seen = see(seen, 256);
          updatedAt = instant();
        }
        default -> otherField();
      }
    }
    Deployment d =
        new Deployment(
            require(id, "id"),
            require(deploymentName, "name"),
            require(ownerId, "ownerId"),
            require(command, "command"),
            env,
            workingDir,
            require(status, "status"),
            require(createdAt, "createdAt"),
            require(updatedAt, "updatedAt"));
    scope = ROOT;
    name = "deployment";
    return d;
  }

  private List<String> command() throws IOException {
    JsonParser p = parser();
    JsonToken t = p.nextToken();
    if (t != JsonToken.START_ARRAY) {
      throw t == JsonToken.VALUE_NULL ? missing() : wrongType(t, "an array of strings");
    }
    List<String> command = new ArrayList<>();
    for (t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      command.add(elementText(t, "strings"));
    }
    return command;
  }

  private Map<String, String> env() throws IOException {
    JsonParser p = parser();
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_NULL) {
      return Map.of();
    }
    if (t != JsonToken.START_OBJECT) {
      throw wrongType(t, "an object of strings");
    }
    scope = ENV;
    Map<String, String> env = new LinkedHashMap<>();
    for (String n = nextField(); n != null; n = nextField()) {
      if (env.containsKey(n)) {
        throw duplicate();
      }
      env.put(n, string());
    }
    scope = DEPLOYMENT;
    name = "env";
    return env;
  }

  private ServerFrame.Welcome welcome() throws IOException {
    String connectionId = null;
    Principal user = null;
    int seen = 0;
    for (String n = nextField(); n != null; n = nextField()) {
      switch (n) {
        case "connectionId" -> {
          seen = see(seen, 1);
          connectionId = nonBlank(string());
        }
        case "user" -> {
          seen = see(seen, 2);
          user = principal();
        }
        default -> otherField();
      }
    }
    return new ServerFrame.Welcome(require(connectionId, "connectionId"), require(user, "user"));
  }

  private Principal principal() throws IOException {
    JsonParser p = parser();
    JsonToken t = p.nextToken();
    if (t != JsonToken.START_OBJECT) {
      throw t == JsonToken.VALUE_NULL ? missing() : wrongType(t, "an object");
    }
    scope = USER;
    String id = null;
    String username = null;
    Set<String> roles = null;
    int seen = 0;
    for (String n = nextField(); n != null; n = nextField()) {
      switch (n) {
        case "id" -> {
          seen = see(seen, 1);
          id = nonBlank(string());
        }
        case "username" -> {
          seen = see(seen, 2);
          username = nonBlank(string());
        }
        case "roles" -> {
          seen = see(seen, 4);
          roles = roles();
        }
        default -> otherField();
      }
    }
    Principal user =
        new Principal(require(id, "id"), require(username, "username"), require(roles, "roles"));
    scope = ROOT;
    name = "user";
    return user;
  }

  private Set<String> roles() throws IOException {
    JsonParser p = parser();
    JsonToken t = p.nextToken();
    if (t != JsonToken.START_ARRAY) {
      throw t == JsonToken.VALUE_NULL ? missing() : wrongType(t, "an array of role names");
    }
    Set<String> roles = new HashSet<>();
    for (t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      roles.add(nonBlank(elementText(t, "role names")));
    }
    return roles;
  }

  private ServerFrame.Error error() throws IOException {
    String code = null;
    String message = null;
    String ref = null;
    int seen = 0;
    for (String n = nextField(); n != null; n = nextField()) {
      switch (n) {
        case "code" -> {
          seen = see(seen, 1);
          code = nonBlank(string());
        }
        case "message" -> {
          seen = see(seen, 2);
          message = string();
        }
        case "ref" -> {
          seen = see(seen, 4);
          ref = optionalString();
        }
        default -> otherField();
      }
    }
    return new ServerFrame.Error(require(code, "code"), require(message, "message"), ref);
  }

  // ---- values

  private String string() throws IOException {
    JsonParser p = parser();
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    throw t == JsonToken.VALUE_NULL ? missing() : wrongType(t, "a string");
  }

  private @Nullable String optionalString() throws IOException {
    JsonParser p = parser();
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    throw wrongType(t, "a string");
  }

  private long integer() throws IOException {
    JsonParser p = parser();
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getLongValue();
    }
    throw t == JsonToken.VALUE_NULL ? missing() : wrongType(t, "an integer");
  }

  private @Nullable Long optionalInteger() throws IOException {
    JsonParser p = parser();
    JsonToken t = p.nextToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getLongValue();
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    throw wrongType(t, "an integer");
  }

  private Boolean requiredBoolean() throws IOException {
    JsonToken t = parser().nextToken();
    if (t == JsonToken.VALUE_TRUE) {
      return Boolean.TRUE;
    }
    if (t == JsonToken.VALUE_FALSE) {
      return Boolean.FALSE;
    }
    throw t == JsonToken.VALUE_NULL ? missing() : wrongType(t, "a boolean");
  }

  private boolean optionalBoolean() throws IOException {
    JsonToken t = parser().nextToken();
    if (t == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (t == JsonToken.VALUE_FALSE || t == JsonToken.VALUE_NULL) {
      return false;
    }
    throw wrongType(t, "a boolean");
  }

  private DeploymentId deploymentId() throws IOException {
    String value = string();
    if (!DeploymentId.isValid(value)) {
      throw invalid(
          "deploymentId must be 1-" + DeploymentId.MAX_LENGTH + " characters of [A-Za-z0-9._-]");
    }
    return new DeploymentId(value);
  }

  private Instant instant() throws IOException {
    String text = string();
    try {
      return Timestamps.parse(text);
    } catch (DateTimeParseException e) {
      throw new ProtocolException(
          INVALID_VALUE,
          path(),
          path()
              + " must be an ISO-8601 instant such as 2026-11-24T10:15:30.123456Z, was \""
              + clip(text)
              + "\"",
          e);
    }
  }

  private LogLevel level(String text) {
    for (LogLevel level : LEVELS) {
      if (level.wireName().equals(text)) {
        return level;
      }
    }
    throw invalid(
        path()
            + ": unknown level \""
            + clip(text)
            + "\"; expected one of trace, debug, info, warn, error");
  }

  private StreamKind stream(String text) {
    for (StreamKind stream : STREAMS) {
      if (stream.wireName().equals(text)) {
        return stream;
      }
    }
    throw invalid(
        path() + ": unknown stream \"" + clip(text) + "\"; expected one of stdout, stderr, system");
  }

  private DeploymentStatus deploymentStatus(String text) {
    for (DeploymentStatus status : STATUSES) {
      if (status.wireName().equals(text)) {
        return status;
      }
    }
    throw invalid(
        path()
            + ": unknown status \""
            + clip(text)
            + "\"; expected one of created, starting, running, stopping, stopped, failed,"
            + " restarting");
  }

  /** Whether an array starts here; {@code false} for {@code null}, which means "empty". */
  private boolean startArray(JsonParser p, String expected) throws IOException {
    JsonToken t = p.nextToken();
    if (t == JsonToken.START_ARRAY) {
      return true;
    }
    if (t == JsonToken.VALUE_NULL) {
      return false;
    }
    throw wrongType(t, expected);
  }

  private String elementText(JsonToken t, String what) throws IOException {
    if (t != JsonToken.VALUE_STRING) {
      throw wrongType(t, "an array of " + what);
    }
    return parser().getText();
  }

  private void checkEpoch(String epoch) {
    if (epoch.isBlank() || epoch.length() > ClientFrame.MAX_EPOCH_LENGTH) {
      throw invalid(
          "epoch must be 1-" + ClientFrame.MAX_EPOCH_LENGTH + " characters and not blank");
    }
  }

  private long nonNegative(long value) {
    if (value < 0) {
      throw invalid(path() + " must be >= 0, was " + value);
    }
    return value;
  }

  private String nonBlank(String value) {
    if (value.isBlank()) {
      throw invalid(path() + " must not be blank");
    }
    return value;
  }

  // ---- errors

  private JsonParser parser() {
    JsonParser p = parser;
    if (p == null) {
      throw new IllegalStateException("no parser");
    }
    return p;
  }

  private void closeParser() {
    JsonParser p = parser;
    if (p != null) {
      try {
        p.close();
      } catch (IOException ignored) {
        // Reading from a String: nothing to release that could fail.
      }
    }
  }

  /** The field being read, as a path from the frame's root; {@code null} at the root itself. */
  private @Nullable String path() {
    String n = name == null ? null : clip(name);
    return switch (scope) {
      case FILTER -> n == null ? "filter" : "filter." + n;
      case USER -> n == null ? "user" : "user." + n;
      case LINE -> n == null ? "lines[" + lineIndex + "]" : "lines[" + lineIndex + "]." + n;
      case DEPLOYMENT -> n == null ? "deployment" : "deployment." + n;
      case ENV -> n == null ? "deployment.env" : "deployment.env." + n;
      default -> n;
    };
  }

  private String fieldOrFrame() {
    String path = path();
    return path == null ? "the " + frameType + " frame" : path;
  }

  private ProtocolException missing() {
    return new ProtocolException(
        MISSING_FIELD, path(), frameType + " frame: missing field " + path());
  }

  private ProtocolException duplicate() {
    return new ProtocolException(
        DUPLICATE_FIELD, path(), frameType + " frame: duplicate field " + path());
  }

  private ProtocolException invalid(String message) {
    return new ProtocolException(INVALID_VALUE, path(), message);
  }

  private ProtocolException wrongType(@Nullable JsonToken t, String expected) {
    return new ProtocolException(
        WRONG_TYPE, path(), fieldOrFrame() + " must be " + expected + ", was " + describe(t));
  }

  private ProtocolException unknownType(String type, String expected) {
    name = "type";
    return new ProtocolException(
        UNKNOWN_TYPE,
        "type",
        "unknown frame type \"" + clip(type) + "\"; expected one of " + expected);
  }

  private ProtocolException translate(Exception e) {
    String field = path();
    Reason reason;
    String message;
    if (e instanceof StreamConstraintsException sce) {
      reason = TOO_LARGE;
      String detail = sce.getOriginalMessage();
      message =
          detail != null && detail.startsWith("Document nesting depth")
              ? "the frame nests deeper than any frame needs"
              : "the frame exceeds a parser limit";
    } else if (e instanceof InputCoercionException) {
      reason = INVALID_VALUE;
      message = fieldOrFrame() + " is out of range";
    } else if (e instanceof JsonProcessingException jpe) {
      reason = MALFORMED_JSON;
      JsonLocation at = jpe.getLocation();
      message =
          "malformed JSON"
              + (at == null ? "" : " at column " + at.getColumnNr())
              + ": "
              + jacksonDetail(jpe.getOriginalMessage());
    } else if (e instanceof IOException) {
      reason = MALFORMED_JSON;
      message = "unreadable frame: " + e.getMessage();
    } else {
      // A record's own check (IllegalArgumentException) or anything unforeseen: still the
      // client's input, never an exception of ours that escapes.
      reason = INVALID_VALUE;
      message = fieldOrFrame() + ": " + e.getMessage();
    }
    return new ProtocolException(reason, field, message, e);
  }

  private static String describe(@Nullable JsonToken t) {
    if (t == null) {
      return "nothing";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT -> "an integer";
      case VALUE_NUMBER_FLOAT -> "a decimal number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.toString();
    };
  }

  /** Jackson's message without its hints about its own configuration and source. */
  private static String jacksonDetail(@Nullable String message) {
    if (message == null) {
      return "unreadable input";
    }
    int cut = message.length();
    for (String tail : new String[] {" (start marker", ": enable `", "\n"}) {
      int at = message.indexOf(tail);
      if (at >= 0 && at < cut) {
        cut = at;
      }
    }
    return message.substring(0, cut);
  }

  private static String clip(String text) {
    return text.length() <= MAX_ECHO ? text : text.substring(0, MAX_ECHO) + "...";
  }
}
