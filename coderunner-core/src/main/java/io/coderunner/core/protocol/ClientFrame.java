package io.coderunner.core.protocol;

import io.coderunner.core.DeploymentId;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A frame a client sends to the server. Immutable; every record checks its arguments and throws
 * {@link IllegalArgumentException} naming the field at fault. {@link FrameCodec} turns a frame into
 * JSON and back.
 */
public sealed interface ClientFrame
    permits ClientFrame.Auth,
        ClientFrame.Refresh,
        ClientFrame.Subscribe,
        ClientFrame.Unsubscribe,
        ClientFrame.Watch,
        ClientFrame.Ping {

  /** Longest token accepted, in characters. */
  int MAX_TOKEN_LENGTH = 8192;

  /** Longest epoch accepted, in characters. */
  int MAX_EPOCH_LENGTH = 128;

  /** Longest ping id accepted, in characters. */
  int MAX_PING_ID_LENGTH = 64;

  /** Largest {@code tail} accepted, in lines. */
  int MAX_TAIL = 10_000;

  /**
   * The value of this frame's {@code type} field on the wire, such as {@code subscribe}.
   *
   * @return the wire type, fixed for each kind of frame
   */
  String type();

  /**
   * Authenticates a connection that was opened without an {@code Authorization} header; the first
   * frame of such a connection. {@link #toString()} does not show the token.
   *
   * @param token a JWT; not blank, at most {@value ClientFrame#MAX_TOKEN_LENGTH} characters
   */
  record Auth(String token) implements ClientFrame {
    /**
     * Validates the token.
     *
     * @param token a JWT
     * @throws NullPointerException if {@code token} is null
     * @throws IllegalArgumentException if {@code token} is blank or too long
     */
    public Auth {
      Checks.token(token, "token");
    }

    @Override
    public String type() {
      return "auth";
    }

    @Override
    public String toString() {
      return "Auth[token=<redacted>]";
    }
  }

  /**
   * Replaces the token of a live connection before it expires. {@link #toString()} does not show
   * the token.
   *
   * @param token a JWT; not blank, at most {@value ClientFrame#MAX_TOKEN_LENGTH} characters
   */
  record Refresh(String token) implements ClientFrame {
    /**
     * Validates the token.
     *
     * @param token a JWT
     * @throws NullPointerException if {@code token} is null
     * @throws IllegalArgumentException if {@code token} is blank or too long
     */
    public Refresh {
      Checks.token(token, "token");
    }

    @Override
    public String type() {
      return "refresh";
    }

    @Override
    public String toString() {
      return "Refresh[token=<redacted>]";
    }
  }

  /**
   * Starts following a deployment's log. With neither {@code after} nor {@code tail} the server
   * decides where to start.
   *
   * @param deploymentId the deployment to follow
   * @param epoch the epoch the client's position belongs to, or {@code null}; not blank, at most
   *     {@value ClientFrame#MAX_EPOCH_LENGTH} characters
   * @param after deliver lines with a greater seq (resume); {@code >= 0}, or {@code null}
   * @param tail start with the last this many lines; 0 to {@value ClientFrame#MAX_TAIL}, or {@code
   *     null}; not together with {@code after}
   * @param filter which lines to deliver; {@link SubscribeFilter#NONE} for all
   */
  record Subscribe(
      DeploymentId deploymentId,
      @Nullable String epoch,
      @Nullable Long after,
      @Nullable Integer tail,
      SubscribeFilter filter)
      implements ClientFrame {
    /**
     * Validates the request.
     *
     * @param deploymentId the deployment to follow
     * @param epoch the client's epoch, or {@code null}
     * @param after resume after this seq, or {@code null}
     * @param tail start with this many lines, or {@code null}
     * @param filter which lines to deliver
     * @throws NullPointerException if {@code deploymentId} or {@code filter} is null
     * @throws IllegalArgumentException if {@code epoch} is blank or too long, {@code after} is
     *     negative, {@code tail} is out of range, or both {@code after} and {@code tail} are given
     */
    public Subscribe {
      Objects.requireNonNull(deploymentId, "deploymentId");
      Objects.requireNonNull(filter, "filter");
      Checks.epoch(epoch, "epoch");
      if (after != null) {
        Checks.atLeast(after, 0, "after");
      }
      if (tail != null && (tail < 0 || tail > MAX_TAIL)) {
        throw new IllegalArgumentException(
            "tail must be between 0 and " + MAX_TAIL + ", was " + tail);
      }
      if (after != null && tail != null) {
        throw new IllegalArgumentException("after and tail must not both be given");
      }
    }

    @Override
    public String type() {
      return "subscribe";
    }
  }

  /**
   * Stops following a deployment's log.
   *
   * @param deploymentId the deployment
   */
  record Unsubscribe(DeploymentId deploymentId) implements ClientFrame {
    /**
     * Validates the request.
     *
     * @param deploymentId the deployment
     * @throws NullPointerException if {@code deploymentId} is null
     */
    public Unsubscribe {
      Objects.requireNonNull(deploymentId, "deploymentId");
    }

    @Override
    public String type() {
      return "unsubscribe";
    }
  }

  /**
   * Starts or stops watching the deployments the principal may see: with {@code deployments} true
   * the server answers with a {@link ServerFrame.DeploymentChange} of kind {@code existing} for
   * each, then {@link ServerFrame.Watching}, then one for every change; with false it stops and
   * answers {@link ServerFrame.Watching} with false.
   *
   * @param deployments whether to watch
   */
  record Watch(boolean deployments) implements ClientFrame {
    @Override
    public String type() {
      return "watch";
    }
  }

  /**
   * Asks for a {@link ServerFrame.Pong} carrying the same id.
   *
   * @param id any text the client wants echoed, at most {@value ClientFrame#MAX_PING_ID_LENGTH}
   *     characters, or {@code null}
   */
  record Ping(@Nullable String id) implements ClientFrame {
    /**
     * Validates the id.
     *
     * @param id text to echo, or {@code null}
     * @throws IllegalArgumentException if {@code id} is too long
     */
    public Ping {
      Checks.maxLength(id, MAX_PING_ID_LENGTH, "id");
    }

    @Override
    public String type() {
      return "ping";
    }
  }
}
