package io.coderunner.core.protocol;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentEvent;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogLine;
import io.coderunner.core.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A frame the server sends to a client. Immutable; every record checks its arguments and throws
 * {@link IllegalArgumentException} naming the field at fault. {@link FrameCodec} turns a frame into
 * JSON and back; {@link FrameCodec#encodeShared} encodes one frame once for many connections.
 */
public sealed interface ServerFrame
    permits ServerFrame.Welcome,
        ServerFrame.Subscribed,
        ServerFrame.Logs,
        ServerFrame.Gap,
        ServerFrame.Status,
        ServerFrame.DeploymentChange,
        ServerFrame.Watching,
        ServerFrame.Error,
        ServerFrame.Pong {

  /**
   * The value of this frame's {@code type} field on the wire, such as {@code logs}.
   *
   * @return the wire type, fixed for each kind of frame
   */
  String type();

  /**
   * The connection is authenticated.
   *
   * @param connectionId the server's id for this connection; not blank
   * @param user who the connection acts as
   */
  record Welcome(String connectionId, Principal user) implements ServerFrame {
    /**
     * Validates the frame.
     *
     * @param connectionId the server's id for this connection
     * @param user who the connection acts as
     * @throws NullPointerException if a component is null
     * @throws IllegalArgumentException if {@code connectionId} is blank
     */
    public Welcome {
      Checks.nonBlank(connectionId, "connectionId");
      Objects.requireNonNull(user, "user");
    }

    @Override
    public String type() {
      return "welcome";
    }
  }

  /**
   * A subscription is in place; {@code logs} frames follow from {@code next}.
   *
   * @param deploymentId the deployment
   * @param epoch the log's current epoch; not blank, at most {@value ClientFrame#MAX_EPOCH_LENGTH}
   *     characters
   * @param firstAvailable the first seq the log still holds; {@code >= 0}
   * @param next the seq the subscription delivers next; {@code >= 0}
   * @param reset whether the client's epoch was unknown, so delivery restarts from the first
   *     retained line instead of the client's position
   */
  record Subscribed(
      DeploymentId deploymentId, String epoch, long firstAvailable, long next, boolean reset)
      implements ServerFrame {
    /**
     * Validates the frame.
     *
     * @param deploymentId the deployment
     * @param epoch the log's current epoch
     * @param firstAvailable the first seq the log still holds
     * @param next the seq the subscription delivers next
     * @param reset whether delivery restarts from the first retained line
     * @throws NullPointerException if {@code deploymentId} or {@code epoch} is null
     * @throws IllegalArgumentException if {@code epoch} is blank or too long, or a seq is negative
     */
    public Subscribed {
      Objects.requireNonNull(deploymentId, "deploymentId");
      Objects.requireNonNull(epoch, "epoch");
      Checks.epoch(epoch, "epoch");
      Checks.atLeast(firstAvailable, 0, "firstAvailable");
      Checks.atLeast(next, 0, "next");
    }

    @Override
    public String type() {
      return "subscribed";
    }
  }

  /**
   * One or more lines of a deployment's log, in seq order. A line's {@link LogLine#status()} is not
   * sent: a decoded line always has a {@code null} status.
   *
   * @param deploymentId the deployment
   * @param lines at least one line; copied, unmodifiable
   */
  record Logs(DeploymentId deploymentId, List<LogLine> lines) implements ServerFrame {
    /**
     * Validates the frame and copies the lines.
     *
     * @param deploymentId the deployment
     * @param lines the lines, in seq order
     * @throws NullPointerException if {@code deploymentId} or {@code lines} is null, or a line is
     *     null
     * @throws IllegalArgumentException if {@code lines} is empty
     */
    public Logs {
      Objects.requireNonNull(deploymentId, "deploymentId");
      lines = List.copyOf(lines);
      if (lines.isEmpty()) {
        throw new IllegalArgumentException("lines must hold at least one line");
      }
    }

    @Override
    public String type() {
      return "logs";
    }
  }

  /**
   * Lines {@code from} to {@code to} (inclusive) are gone from the log, so the subscriber will
   * never see them; delivery goes on after {@code to}.
   *
   * @param deploymentId the deployment
   * @param from first missing seq; {@code >= 1}
   * @param to last missing seq; {@code >= from}
   */
  record Gap(DeploymentId deploymentId, long from, long to) implements ServerFrame {
    /**
     * Validates the frame.
     *
     * @param deploymentId the deployment
     * @param from first missing seq
     * @param to last missing seq
     * @throws NullPointerException if {@code deploymentId} is null
     * @throws IllegalArgumentException if {@code from} is below 1 or {@code to} is below {@code
     *     from}
     */
    public Gap {
      Objects.requireNonNull(deploymentId, "deploymentId");
      Checks.atLeast(from, 1, "from");
      if (to < from) {
        throw new IllegalArgumentException("to must be >= from (" + from + "), was " + to);
      }
    }

    @Override
    public String type() {
      return "gap";
    }
  }

  /**
   * A deployment's status changed.
   *
   * @param deploymentId the deployment
   * @param status its new status
   * @param timestamp when it changed ({@code ts} on the wire, at microsecond precision)
   */
  record Status(DeploymentId deploymentId, DeploymentStatus status, Instant timestamp)
      implements ServerFrame {
    /**
     * Validates the frame.
     *
     * @param deploymentId the deployment
     * @param status its new status
     * @param timestamp when it changed
     * @throws NullPointerException if a component is null
     */
    public Status {
      Objects.requireNonNull(deploymentId, "deploymentId");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(timestamp, "timestamp");
    }

    @Override
    public String type() {
      return "status";
    }
  }

  /**
   * A deployment the watching principal may see exists, was created, was updated (its spec or its
   * status) or was deleted. A client keeps a list by upserting on every change but {@link
   * Change#DELETED}, which removes; changes to one deployment come in order, and a connection
   * behind on its frames may get only the latest of several changes to one deployment.
   *
   * @param change what happened
   * @param deployment its value after the change (for {@link Change#DELETED}, its last value)
   */
  record DeploymentChange(Change change, Deployment deployment) implements ServerFrame {
    /**
     * Validates the frame.
     *
     * @param change what happened
     * @param deployment the deployment's value
     * @throws NullPointerException if a component is null
     */
    public DeploymentChange {
      Objects.requireNonNull(change, "change");
      Objects.requireNonNull(deployment, "deployment");
    }

    @Override
    public String type() {
      return "deployment";
    }
  }

  /** What a {@link DeploymentChange} reports; {@code event} on the wire. */
  enum Change {
    /** It existed when the watch started. */
    EXISTING,
    /** It was created. */
    CREATED,
    /** Its spec was replaced or its status changed. */
    UPDATED,
    /** It was deleted. */
    DELETED;

    /**
     * The name on the wire.
     *
     * @return the lower-case name, such as {@code existing}
     */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The change a {@link DeploymentEvent} reports.
     *
     * @param kind the event's kind
     * @return the same change
     */
    public static Change of(DeploymentEvent.Kind kind) {
      return switch (kind) {
        case CREATED -> CREATED;
        case UPDATED -> UPDATED;
        case DELETED -> DELETED;
      };
    }
  }

  /**
   * Whether the connection now watches deployments: after a {@code watch} with true, it follows the
   * {@code existing} changes, so the client's list is complete from here on; after false, no more
   * changes come.
   *
   * @param deployments whether deployments are watched
   */
  record Watching(boolean deployments) implements ServerFrame {
    @Override
    public String type() {
      return "watching";
    }
  }

  /**
   * Something the client sent was refused or failed; the connection stays open.
   *
   * @param code a short machine-readable code such as {@code forbidden}; not blank
   * @param message a human explanation; may be empty
   * @param ref what the error refers to (for example a deployment id), or {@code null}
   */
  @SuppressWarnings("JavaLangClash") // the wire name is "error"; use it as ServerFrame.Error
  record Error(String code, String message, @Nullable String ref) implements ServerFrame {
    /**
     * Validates the frame.
     *
     * @param code a short machine-readable code
     * @param message a human explanation
     * @param ref what the error refers to, or {@code null}
     * @throws NullPointerException if {@code code} or {@code message} is null
     * @throws IllegalArgumentException if {@code code} is blank
     */
    public Error {
      Checks.nonBlank(code, "code");
      Objects.requireNonNull(message, "message");
    }

    @Override
    public String type() {
      return "error";
    }
  }

  /**
   * The answer to a {@link ClientFrame.Ping}.
   *
   * @param id the ping's id, at most {@value ClientFrame#MAX_PING_ID_LENGTH} characters, or {@code
   *     null}
   */
  record Pong(@Nullable String id) implements ServerFrame {
    /**
     * Validates the id.
     *
     * @param id the ping's id, or {@code null}
     * @throws IllegalArgumentException if {@code id} is too long
     */
    public Pong {
      Checks.maxLength(id, ClientFrame.MAX_PING_ID_LENGTH, "id");
    }

    @Override
    public String type() {
      return "pong";
    }
  }
}
