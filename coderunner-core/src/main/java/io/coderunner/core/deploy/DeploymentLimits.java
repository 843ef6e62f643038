package io.coderunner.core.deploy;

import io.coderunner.core.Ranges;
import io.coderunner.core.internal.Utf8;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one owner, and everyone together, may hold of a {@link DeploymentService}: deployments per
 * owner, processes running per owner and in all, and the size of a deployment's command and
 * environment. Immutable; build one with {@link #builder()}, start from {@link #defaults()}, derive
 * with {@link #toBuilder()}. Each setter rejects a bad value at once, naming it.
 *
 * <p>Admins are held to the same limits: they bound what the machine can take, not who may ask.
 */
public final class DeploymentLimits {
  private static final DeploymentLimits DEFAULTS = new Builder().build();

  private final int maxDeploymentsPerOwner;
  private final int maxRunningPerOwner;
  private final int maxRunning;
  private final int maxCommandArgs;
  private final int maxCommandBytes;
  private final int maxEnvVariables;
  private final int maxEnvBytes;

  private DeploymentLimits(Builder b) {
    this.maxDeploymentsPerOwner = b.maxDeploymentsPerOwner;
    this.maxRunningPerOwner = b.maxRunningPerOwner;
    this.maxRunning = b.maxRunning;
    this.maxCommandArgs = b.maxCommandArgs;
    this.maxCommandBytes = b.maxCommandBytes;
    this.maxEnvVariables = b.maxEnvVariables;
    this.maxEnvBytes = b.maxEnvBytes;
  }

  /**
   * 100 deployments and 10 running processes per owner, 100 running in all; a command of at most
   * 256 arguments and 64 KiB, an environment of at most 256 variables and 64 KiB.
   *
   * @return the shared default limits
   */
  public static DeploymentLimits defaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from these limits.
   *
   * @return a new builder; changing it leaves these limits as they are
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Most deployments one owner may have; one more is refused.
   *
   * @return the limit, at least 1
   */
  public int maxDeploymentsPerOwner() {
    return maxDeploymentsPerOwner;
  }

  /**
   * Most processes of one owner's deployments running at once; one more start is refused.
   *
   * @return the limit, at least 1
   */
  public int maxRunningPerOwner() {
    return maxRunningPerOwner;
  }

  /**
   * Most processes running at once in all; one more start is refused.
   *
   * @return the limit, at least 1
   */
  public int maxRunning() {
    return maxRunning;
  }

  /**
   * Most elements of a command, the executable included.
   *
   * @return the limit, at least 1
   */
  public int maxCommandArgs() {
    return maxCommandArgs;
  }

  /**
   * Most bytes of a command: the UTF-8 sizes of its elements, added up.
   *
   * @return the limit in bytes, at least 1
   */
  public int maxCommandBytes() {
    return maxCommandBytes;
  }

  /**
   * Most variables of a deployment's environment.
   *
   * @return the limit; 0 allows no environment variables
   */
  public int maxEnvVariables() {
    return maxEnvVariables;
  }

  /**
   * Most bytes of a deployment's environment: the UTF-8 sizes of names and values, added up.
   *
   * @return the limit in bytes; 0 allows only an empty environment
   */
  public int maxEnvBytes() {
    return maxEnvBytes;
  }

  /**
   * What is wrong with {@code spec} under these limits, one violation per field at fault; empty
   * when it fits. Checks only these limits, not the rules {@link io.coderunner.core.Deployment}
   * enforces itself.
   *
   * @param spec the definition to check
   * @return the violations, at most one for {@code command} and one for {@code env}; empty when
   *     {@code spec} fits
   */
  public List<InvalidSpecException.Violation> check(DeploymentSpec spec) {
    List<InvalidSpecException.Violation> out = new ArrayList<>();
    List<String> command = spec.command();
    if (command.size() > maxCommandArgs) {
      out.add(violation("command", "must have at most " + maxCommandArgs + " elements"));
    } else {
      long bytes = 0;
      for (String part : command) {
        bytes += Utf8.length(part);
      }
      if (bytes > maxCommandBytes) {
        out.add(violation("command", "must be at most " + maxCommandBytes + " bytes in all"));
      }
    }
    Map<String, String> env = spec.env();
    if (env.size() > maxEnvVariables) {
      out.add(violation("env", "must have at most " + maxEnvVariables + " variables"));
    } else {
      long bytes = 0;
      for (Map.Entry<String, String> e : env.entrySet()) {
        bytes += Utf8.length(e.getKey()) + Utf8.length(e.getValue());
      }
      if (bytes > maxEnvBytes) {
        out.add(
            violation("env", "must be at most " + maxEnvBytes + " bytes in all, names and values"));
      }
    }
    return out;
  }

  private static InvalidSpecException.Violation violation(String field, String message) {
    return new InvalidSpecException.Violation(field, message);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeploymentLimits l
        && maxDeploymentsPerOwner == l.maxDeploymentsPerOwner
        && maxRunningPerOwner == l.maxRunningPerOwner
        && maxRunning == l.maxRunning
        && maxCommandArgs == l.maxCommandArgs
        && maxCommandBytes == l.maxCommandBytes
        && maxEnvVariables == l.maxEnvVariables
        && maxEnvBytes == l.maxEnvBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        maxDeploymentsPerOwner,
        maxRunningPerOwner,
        maxRunning,
        maxCommandArgs,
        maxCommandBytes,
        maxEnvVariables,
        maxEnvBytes);
  }

  @Override
  public String toString() {
    return "DeploymentLimits{maxDeploymentsPerOwner="
        + maxDeploymentsPerOwner
        + ", maxRunningPerOwner="
        + maxRunningPerOwner
        + ", maxRunning="
        + maxRunning
        + ", maxCommandArgs="
        + maxCommandArgs
        + ", maxCommandBytes="
        + maxCommandBytes
        + ", maxEnvVariables="
        + maxEnvVariables
        + ", maxEnvBytes="
        + maxEnvBytes
        + '}';
  }

  /** Builds {@link DeploymentLimits}. Not thread-safe. */
  public static final class Builder {
    private int maxDeploymentsPerOwner = 100;
    private int maxRunningPerOwner = 10;
    private int maxRunning = 100;
    private int maxCommandArgs = 256;
    private int maxCommandBytes = 64 * 1024;
    private int maxEnvVariables = 256;
    private int maxEnvBytes = 64 * 1024;

    private Builder() {}

    private Builder(DeploymentLimits l) {
      maxDeploymentsPerOwner = l.maxDeploymentsPerOwner;
      maxRunningPerOwner = l.maxRunningPerOwner;
      maxRunning = l.maxRunning;
      maxCommandArgs = l.maxCommandArgs;
      maxCommandBytes = l.maxCommandBytes;
      maxEnvVariables = l.maxEnvVariables;
      maxEnvBytes = l.maxEnvBytes;
    }

    /**
     * Most deployments one owner may have. Default 100; range 1 to 1,000,000.
     *
     * @param n the limit
     * @return this builder
     * @throws IllegalArgumentException if {@code n} is out of range
     */
    public Builder maxDeploymentsPerOwner(int n) {
      this.maxDeploymentsPerOwner = Ranges.check("maxDeploymentsPerOwner", n, 1, 1_000_000);
      return this;
    }

    /**
     * Most processes of one owner running at once. Default 10; range 1 to 100,000.
     *
     * @param n the limit
     * @return this builder
     * @throws IllegalArgumentException if {@code n} is out of range
     */
    public Builder maxRunningPerOwner(int n) {
      this.maxRunningPerOwner = Ranges.check("maxRunningPerOwner", n, 1, 100_000);
      return this;
    }

    /**
     * Most processes running at once in all. Default 100; range 1 to 100,000.
     *
     * @param n the limit
     * @return this builder
     * @throws IllegalArgumentException if {@code n} is out of range
     */
    public Builder maxRunning(int n) {
      this.maxRunning = Ranges.check("maxRunning", n, 1, 100_000);
      return this;
    }

    /**
     * Most elements of a command, the executable included. Default 256; range 1 to 100,000.
     *
     * @param n the limit
     * @return this builder
     * @throws IllegalArgumentException if {@code n} is out of range
     */
    public Builder maxCommandArgs(int n) {
      this.maxCommandArgs = Ranges.check("maxCommandArgs", n, 1, 100_000);
      return this;
    }

    /**
     * Most UTF-8 bytes of a command, all elements together. Default 64 KiB; range 1 byte to 16 MiB.
     *
     * @param bytes the limit in bytes
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is out of range
     */
    public Builder maxCommandBytes(int bytes) {
      this.maxCommandBytes = Ranges.check("maxCommandBytes", bytes, 1, 16 << 20);
      return this;
    }

    /**
     * Most variables of a deployment's environment. Default 256; range 0 to 100,000.
     *
     * @param n the limit; 0 allows none
     * @return this builder
     * @throws IllegalArgumentException if {@code n} is out of range
     */
    public Builder maxEnvVariables(int n) {
      this.maxEnvVariables = Ranges.check("maxEnvVariables", n, 0, 100_000);
      return this;
    }

    /**
     * Most UTF-8 bytes of a deployment's environment, names and values together. Default 64 KiB;
     * range 0 to 16 MiB.
     *
     * @param bytes the limit in bytes
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is out of range
     */
    public Builder maxEnvBytes(int bytes) {
      this.maxEnvBytes = Ranges.check("maxEnvBytes", bytes, 0, 16 << 20);
      return this;
    }

    /**
     * The limits set so far; the builder may be used again.
     *
     * @return new limits
     */
    public DeploymentLimits build() {
      return new DeploymentLimits(this);
    }
  }
}
