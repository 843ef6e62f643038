package io.coderunner.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.coderunner.core.AccessDeniedException;
import io.coderunner.core.DeploymentNotFoundException;
import io.coderunner.core.PermissionDeniedException;
import io.coderunner.core.auth.AuthenticationException;
import io.coderunner.core.deploy.InvalidSpecException;
import io.coderunner.core.deploy.InvalidTransitionException;
import io.coderunner.core.deploy.LimitExceededException;
import io.coderunner.core.deploy.RunnerException;
import io.coderunner.core.log.IdempotencyKeyReusedException;
import io.coderunner.storage.StorageException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** JSON in and out, and the one mapper from exceptions to problem+json. */
public final class Http {
  private static final Logger log = LoggerFactory.getLogger(Http.class);

  /** Strict: duplicate keys and trailing tokens are malformed input. */
  public static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  public static final String APPLICATION_JSON = "application/json";
  public static final String PROBLEM_JSON = "application/problem+json";
  public static final HttpString REQUEST_ID = new HttpString("X-Request-Id");

  /** The request id of an exchange, set by the front handler. */
  public static final AttachmentKey<String> REQUEST_ID_KEY = AttachmentKey.create(String.class);

  private Http() {}

  public static String requestId(HttpServerExchange exchange) {
    String id = exchange.getAttachment(REQUEST_ID_KEY);
    return id == null ? "-" : id;
  }

  /** Sends {@code body} as JSON with {@code status}. */
  public static void sendJson(HttpServerExchange exchange, int status, @Nullable Object body) {
    exchange.setStatusCode(status);
    if (body == null) {
      exchange.endExchange();
      return;
    }
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response could not be encoded", e);
    }
    exchange.getResponseHeaders().put(io.undertow.util.Headers.CONTENT_TYPE, APPLICATION_JSON);
    exchange.getResponseSender().send(ByteBuffer.wrap(bytes));
  }

  /** Answers {@code failure} as problem+json, or closes the connection if a response started. */
  public static void sendProblem(HttpServerExchange exchange, Throwable failure) {
    ApiException problem = toProblem(exchange, failure);
    if (exchange.isResponseStarted()) {
      org.xnio.IoUtils.safeClose(exchange.getConnection());
      return;
    }
    exchange.setStatusCode(problem.status());
    problem.headers().forEach((k, v) -> exchange.getResponseHeaders().put(new HttpString(k), v));
    exchange.getResponseHeaders().put(io.undertow.util.Headers.CONTENT_TYPE, PROBLEM_JSON);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", problem.title());
    body.put("status", problem.status());
    body.put("detail", String.valueOf(problem.getMessage()));
    body.put("instance", exchange.getRequestPath());
    body.put("requestId", requestId(exchange));
    List<Map<String, String>> errors = new ArrayList<>();
    for (ApiException.FieldError e : problem.errors()) {
      errors.add(Map.of("field", e.field(), "message", e.message()));
    }
    body.put("errors", errors);
    try {
      exchange.getResponseSender().send(ByteBuffer.wrap(JSON.writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      exchange.endExchange();
    }
  }

  /** The answer for {@code failure}: its status, title, safe detail and headers. */
  public static ApiException toProblem(HttpServerExchange exchange, Throwable failure) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof AuthenticationException auth) {
      return new ApiException(
          401,
          "Unauthorized",
          String.valueOf(auth.getMessage()),
          List.of(),
          Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""));
    }
    if (failure instanceof DeploymentNotFoundException nf) {
      return ApiException.notFound("deployment not found: " + nf.deploymentId());
    }
    if (failure instanceof AccessDeniedException denied) {
      // Another owner's deployment answers as if it did not exist, so existence does not leak.
      return ApiException.notFound("deployment not found: " + denied.deploymentId());
    }
    if (failure instanceof PermissionDeniedException denied) {
      return ApiException.forbidden(String.valueOf(denied.getMessage()));
    }
    if (failure instanceof InvalidSpecException invalid) {
      List<ApiException.FieldError> errors = new ArrayList<>();
      invalid
          .violations()
          .forEach(v -> errors.add(new ApiException.FieldError(v.field(), v.message())));
      return ApiException.badRequest(errors);
    }
    if (failure instanceof LimitExceededException limit) {
      return new ApiException(409, "Conflict", String.valueOf(limit.getMessage()));
    }
    if (failure instanceof InvalidTransitionException it) {
      return new ApiException(409, "Conflict", String.valueOf(it.getMessage()));
    }
    if (failure instanceof StorageException) {
      // The cause (a path, the engine's words) is the operator's: the storage logs it once.
      return new ApiException(
          507,
          "Insufficient Storage",
          "the server cannot store this now: its storage refuses writes (full or failing);"
              + " nothing of this request was acknowledged, retry later",
          List.of(),
          Map.of("Retry-After", "5"));
    }
    if (failure instanceof IdempotencyKeyReusedException reused) {
      return new ApiException(
          422,
          "Unprocessable Content",
          "the Idempotency-Key was used before for other lines, which took seqs "
              + reused.firstSeq()
              + " to "
              + reused.lastSeq()
              + "; send new lines with a new key");
    }
    if (failure instanceof RunnerException re) {
      return new ApiException(409, "Conflict", String.valueOf(re.getMessage()));
    }
    log.error(
        "request {} {} failed (request id {})",
        exchange.getRequestMethod(),
        exchange.getRequestPath(),
        requestId(exchange),
        failure);
    return new ApiException(
        StatusCodes.INTERNAL_SERVER_ERROR,
        "Internal Server Error",
        "the request could not be handled; quote request id " + requestId(exchange));
  }

  /**
   * Parses a JSON object body.
   *
   * @throws ApiException 400 naming {@code body} when it is empty, malformed or not an object
   */
  public static JsonNode parseObject(byte[] body) {
    if (body.length == 0) {
      throw ApiException.badRequest("body", "a JSON object is required");
    }
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (IOException e) {
      String message = e.getMessage() == null ? "malformed JSON" : e.getMessage();
      int cut = message.indexOf('\n');
      throw ApiException.badRequest(
          "body", "malformed JSON: " + (cut < 0 ? message : message.substring(0, cut)));
    }
    if (node == null || !node.isObject()) {
      throw ApiException.badRequest("body", "must be a JSON object");
    }
    return node;
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
