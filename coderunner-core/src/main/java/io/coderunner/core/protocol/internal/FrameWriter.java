package io.coderunner.core.protocol.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.Principal;
import io.coderunner.core.StreamKind;
import io.coderunner.core.protocol.ClientFrame;
import io.coderunner.core.protocol.ServerFrame;
import io.coderunner.core.protocol.SubscribeFilter;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Writes frames with a streaming generator: {@code type} first, optional fields left out when
 * absent, no tree objects. Timestamps go through {@link Timestamps} into a caller's scratch array.
 */
final class FrameWriter {
  // Pre-encoded once: a SerializedString keeps its quoted UTF-8 bytes, so the generator copies
  // them instead of escaping the same names again for every frame and line.
  private static final SerializedString TYPE = new SerializedString("type");
  private static final SerializedString TOKEN = new SerializedString("token");
  private static final SerializedString DEPLOYMENT_ID = new SerializedString("deploymentId");
  private static final SerializedString EPOCH = new SerializedString("epoch");
  private static final SerializedString AFTER = new SerializedString("after");
  private static final SerializedString TAIL = new SerializedString("tail");
  private static final SerializedString FILTER = new SerializedString("filter");
  private static final SerializedString LEVELS = new SerializedString("levels");
  private static final SerializedString STREAMS = new SerializedString("streams");
  private static final SerializedString Q = new SerializedString("q");
  private static final SerializedString ID = new SerializedString("id");
  private static final SerializedString CONNECTION_ID = new SerializedString("connectionId");
  private static final SerializedString USER = new SerializedString("user");
  private static final SerializedString USERNAME = new SerializedString("username");
  private static final SerializedString ROLES = new SerializedString("roles");
  private static final SerializedString FIRST_AVAILABLE = new SerializedString("firstAvailable");
  private static final SerializedString NEXT = new SerializedString("next");
  private static final SerializedString RESET = new SerializedString("reset");
  private static final SerializedString LINES = new SerializedString("lines");
  private static final SerializedString SEQ = new SerializedString("seq");
  private static final SerializedString TS = new SerializedString("ts");
  private static final SerializedString STREAM = new SerializedString("stream");
  private static final SerializedString LEVEL = new SerializedString("level");
  private static final SerializedString MESSAGE = new SerializedString("message");
  private static final SerializedString FROM = new SerializedString("from");
  private static final SerializedString TO = new SerializedString("to");
  private static final SerializedString STATUS = new SerializedString("status");
  private static final SerializedString CODE = new SerializedString("code");
  private static final SerializedString REF = new SerializedString("ref");
  private static final SerializedString DEPLOYMENTS = new SerializedString("deployments");
  private static final SerializedString DEPLOYMENT = new SerializedString("deployment");
  private static final SerializedString EVENT = new SerializedString("event");
  private static final SerializedString NAME = new SerializedString("name");
  private static final SerializedString OWNER_ID = new SerializedString("ownerId");
  private static final SerializedString COMMAND = new SerializedString("command");
  private static final SerializedString ENV = new SerializedString("env");
  private static final SerializedString WORKING_DIR = new SerializedString("workingDir");
  private static final SerializedString CREATED_AT = new SerializedString("createdAt");
  private static final SerializedString UPDATED_AT = new SerializedString("updatedAt");

  private static final SerializedString AUTH_TYPE = new SerializedString("auth");
  private static final SerializedString REFRESH_TYPE = new SerializedString("refresh");
  private static final SerializedString SUBSCRIBE_TYPE = new SerializedString("subscribe");
  private static final SerializedString UNSUBSCRIBE_TYPE = new SerializedString("unsubscribe");
  private static final SerializedString PING_TYPE = new SerializedString("ping");
  private static final SerializedString WATCH_TYPE = new SerializedString("watch");
  private static final SerializedString WELCOME_TYPE = new SerializedString("welcome");
  private static final SerializedString SUBSCRIBED_TYPE = new SerializedString("subscribed");
  private static final SerializedString LOGS_TYPE = new SerializedString("logs");
  private static final SerializedString GAP_TYPE = new SerializedString("gap");
  private static final SerializedString STATUS_TYPE = new SerializedString("status");
  private static final SerializedString ERROR_TYPE = new SerializedString("error");
  private static final SerializedString PONG_TYPE = new SerializedString("pong");
  private static final SerializedString DEPLOYMENT_TYPE = new SerializedString("deployment");
  private static final SerializedString WATCHING_TYPE = new SerializedString("watching");

  private static final Map<LogLevel, SerializableString> LEVEL_NAMES =
      wireNames(LogLevel.class, LogLevel::wireName);
  private static final Map<StreamKind, SerializableString> STREAM_NAMES =
      wireNames(StreamKind.class, StreamKind::wireName);
  private static final Map<DeploymentStatus, SerializableString> STATUS_NAMES =
      wireNames(DeploymentStatus.class, DeploymentStatus::wireName);

  private static <E extends Enum<E>> Map<E, SerializableString> wireNames(
      Class<E> type, Function<E, String> wireName) {
    Map<E, SerializableString> names = new EnumMap<>(type);
    for (E value : type.getEnumConstants()) {
      names.put(value, new SerializedString(wireName.apply(value)));
    }
    return names;
  }

  private static SerializableString wire(LogLevel level) {
    return Objects.requireNonNull(LEVEL_NAMES.get(level));
  }

  private static SerializableString wire(StreamKind stream) {
    return Objects.requireNonNull(STREAM_NAMES.get(stream));
  }

  private static SerializableString wire(DeploymentStatus status) {
    return Objects.requireNonNull(STATUS_NAMES.get(status));
  }

  private FrameWriter() {}

  static void write(JsonGenerator g, ServerFrame frame, char[] scratch) throws IOException {
    g.writeStartObject();
    g.writeFieldName(TYPE);
    if (frame instanceof ServerFrame.Logs logs) {
      g.writeString(LOGS_TYPE);
      deploymentId(g, logs.deploymentId().value());
      g.writeFieldName(LINES);
      List<LogLine> lines = logs.lines();
      g.writeStartArray();
      for (int i = 0, n = lines.size(); i < n; i++) {
        LogLine line = lines.get(i);
        g.writeStartObject();
        g.writeFieldName(SEQ);
        g.writeNumber(line.seq());
        g.writeFieldName(TS);
        timestamp(g, line.timestamp(), scratch);
        g.writeFieldName(STREAM);
        g.writeString(wire(line.stream()));
        g.writeFieldName(LEVEL);
        g.writeString(wire(line.level()));
        g.writeFieldName(MESSAGE);
        g.writeString(line.message());
        g.writeEndObject();
      }
      g.writeEndArray();
    } else if (frame instanceof ServerFrame.Subscribed subscribed) {
      g.writeString(SUBSCRIBED_TYPE);
      deploymentId(g, subscribed.deploymentId().value());
      g.writeFieldName(EPOCH);
      g.writeString(subscribed.epoch());
      g.writeFieldName(FIRST_AVAILABLE);
      g.writeNumber(subscribed.firstAvailable());
      g.writeFieldName(NEXT);
      g.writeNumber(subscribed.next());
      if (subscribed.reset()) {
        g.writeFieldName(RESET);
        g.writeBoolean(true);
      }
    } else if (frame instanceof ServerFrame.Gap gap) {
      g.writeString(GAP_TYPE);
      deploymentId(g, gap.deploymentId().value());
      g.writeFieldName(FROM);
      g.writeNumber(gap.from());
      g.writeFieldName(TO);
      g.writeNumber(gap.to());
    } else if (frame instanceof ServerFrame.Status status) {
      g.writeString(STATUS_TYPE);
      deploymentId(g, status.deploymentId().value());
      g.writeFieldName(STATUS);
      g.writeString(wire(status.status()));
      g.writeFieldName(TS);
      timestamp(g, status.timestamp(), scratch);
    } else if (frame instanceof ServerFrame.Welcome welcome) {
      g.writeString(WELCOME_TYPE);
      g.writeFieldName(CONNECTION_ID);
      g.writeString(welcome.connectionId());
      g.writeFieldName(USER);
      principal(g, welcome.user());
    } else if (frame instanceof ServerFrame.Error error) {
      g.writeString(ERROR_TYPE);
      g.writeFieldName(CODE);
      g.writeString(error.code());
      g.writeFieldName(MESSAGE);
      g.writeString(error.message());
      optionalString(g, REF, error.ref());
    } else if (frame instanceof ServerFrame.Pong pong) {
      g.writeString(PONG_TYPE);
      optionalString(g, ID, pong.id());
    } else if (frame instanceof ServerFrame.DeploymentChange change) {
      g.writeString(DEPLOYMENT_TYPE);
      g.writeFieldName(EVENT);
      g.writeString(change.change().wireName());
      g.writeFieldName(DEPLOYMENT);
      deployment(g, change.deployment(), scratch);
    } else if (frame instanceof ServerFrame.Watching watching) {
      g.writeString(WATCHING_TYPE);
      g.writeFieldName(DEPLOYMENTS);
      g.writeBoolean(watching.deployments());
    } else {
      throw new IllegalArgumentException("not a known server frame: " + frame.getClass());
    }
    g.writeEndObject();
  }

  static void write(JsonGenerator g, ClientFrame frame) throws IOException {
    g.writeStartObject();
    g.writeFieldName(TYPE);
    if (frame instanceof ClientFrame.Subscribe subscribe) {
      g.writeString(SUBSCRIBE_TYPE);
      deploymentId(g, subscribe.deploymentId().value());
      optionalString(g, EPOCH, subscribe.epoch());
      Long after = subscribe.after();
      if (after != null) {
        g.writeFieldName(AFTER);
        g.writeNumber(after.longValue());
      }
      Integer tail = subscribe.tail();
      if (tail != null) {
        g.writeFieldName(TAIL);
        g.writeNumber(tail.intValue());
      }
      SubscribeFilter filter = subscribe.filter();
      if (!filter.isNone()) {
        g.writeFieldName(FILTER);
        filter(g, filter);
      }
    } else if (frame instanceof ClientFrame.Unsubscribe unsubscribe) {
      g.writeString(UNSUBSCRIBE_TYPE);
      deploymentId(g, unsubscribe.deploymentId().value());
    } else if (frame instanceof ClientFrame.Ping ping) {
      g.writeString(PING_TYPE);
      optionalString(g, ID, ping.id());
    } else if (frame instanceof ClientFrame.Watch watch) {
      g.writeString(WATCH_TYPE);
      g.writeFieldName(DEPLOYMENTS);
      g.writeBoolean(watch.deployments());
    } else if (frame instanceof ClientFrame.Auth auth) {
      g.writeString(AUTH_TYPE);
      g.writeFieldName(TOKEN);
      g.writeString(auth.token());
    } else if (frame instanceof ClientFrame.Refresh refresh) {
      g.writeString(REFRESH_TYPE);
      g.writeFieldName(TOKEN);
      g.writeString(refresh.token());
    } else {
      throw new IllegalArgumentException("not a known client frame: " + frame.getClass());
    }
    g.writeEndObject();
  }

  private static void deploymentId(JsonGenerator g, String id) throws IOException {
    g.writeFieldName(DEPLOYMENT_ID);
    g.writeString(id);
  }

  private static void timestamp(JsonGenerator g, Instant instant, char[] scratch)
      throws IOException {
    int n = Timestamps.format(instant, scratch, 0);
    g.writeString(scratch, 0, n);
  }

  private static void optionalString(
      JsonGenerator g, SerializableString field, @Nullable String value) throws IOException {
    if (value != null) {
      g.writeFieldName(field);
      g.writeString(value);
    }
  }

  /** A deployment as the REST API shows it; env sorted by name, workingDir left out when absent. */
  private static void deployment(JsonGenerator g, Deployment d, char[] scratch) throws IOException {
    g.writeStartObject();
    g.writeFieldName(ID);
    g.writeString(d.id().value());
    g.writeFieldName(NAME);
    g.writeString(d.name());
    g.writeFieldName(OWNER_ID);
    g.writeString(d.ownerId());
    g.writeFieldName(COMMAND);
    g.writeStartArray();
    for (String arg : d.command()) {
      g.writeString(arg);
    }
    g.writeEndArray();
    g.writeFieldName(ENV);
    g.writeStartObject();
    for (Map.Entry<String, String> e : new TreeMap<>(d.env()).entrySet()) {
      g.writeFieldName(e.getKey());
      g.writeString(e.getValue());
    }
    g.writeEndObject();
    optionalString(g, WORKING_DIR, d.workingDir());
    g.writeFieldName(STATUS);
    g.writeString(wire(d.status()));
    g.writeFieldName(CREATED_AT);
    timestamp(g, d.createdAt(), scratch);
    g.writeFieldName(UPDATED_AT);
    timestamp(g, d.updatedAt(), scratch);
    g.writeEndObject();
  }

  private static void principal(JsonGenerator g, Principal user) throws IOException {
    g.writeStartObject();
    g.writeFieldName(ID);
    g.writeString(user.id());
    g.writeFieldName(USERNAME);
    g.writeString(user.username());
    g.writeFieldName(ROLES);
    // Sorted, so the same principal always encodes to the same text.
    String[] roles = user.roles().toArray(new String[0]);
    Arrays.sort(roles);
    g.writeStartArray();
    for (String role : roles) {
      g.writeString(role);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void filter(JsonGenerator g, SubscribeFilter filter) throws IOException {
    g.writeStartObject();
    if (!filter.levels().isEmpty()) {
      g.writeFieldName(LEVELS);
      g.writeStartArray();
      for (LogLevel level : filter.levels()) {
        g.writeString(wire(level));
      }
      g.writeEndArray();
    }
    if (!filter.streams().isEmpty()) {
      g.writeFieldName(STREAMS);
      g.writeStartArray();
      for (StreamKind stream : filter.streams()) {
        g.writeString(wire(stream));
      }
      g.writeEndArray();
    }
    String q = filter.q();
    if (q != null) {
      g.writeFieldName(Q);
      g.writeString(q);
    }
    g.writeEndObject();
  }
}
