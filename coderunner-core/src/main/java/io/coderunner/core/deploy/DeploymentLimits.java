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
   */
  public static DeploymentLimits defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Most deployments one owner may have; one more is refused. */
  public int maxDeploymentsPerOwner() {
    return maxDeploymentsPerOwner;
  }

  /** Most processes of one owner's deployments running at once; one more start is refused. */
  public int maxRunningPerOwner() {
    return maxRunningPerOwner;
  }

  /** Most processes running at once in all; one more start is refused. */
  public int maxRunning() {
    return maxRunning;
  }

  /** Most elements of a command, the executable included. */
  public int maxCommandArgs() {
    return maxCommandArgs;
  }

  /** Most bytes of a command: the UTF-8 sizes of its elements, added up. */
  public int maxCommandBytes() {
    return maxCommandBytes;
  }

  /** Most variables of a deployment's environment. */
  public int maxEnvVariables() {
    return maxEnvVariables;
  }

  /** Most bytes of a deployment's environment: the UTF-8 sizes of names and values, added up. */
  public int maxEnvBytes() {
    return maxEnvBytes;
  }

  /**
   * What is wrong with {@code spec} under these limits, one violation per field at fault; empty
   * when it fits.
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

    /** Default 100; range 1 to 1,000,000. */
    public Builder maxDeploymentsPerOwner(int n) {
      this.maxDeploymentsPerOwner = Ranges.check("maxDeploymentsPerOwner", n, 1, 1_000_000);
      return this;
    }

    /** Default 10; range 1 to 100,000. */
    public Builder maxRunningPerOwner(int n) {
      this.maxRunningPerOwner = Ranges.check("maxRunningPerOwner", n, 1, 100_000);
      return this;
    }

    /** Default 100; range 1 to 100,000. */
    public Builder maxRunning(int n) {
      this.maxRunning = Ranges.check("maxRunning", n, 1, 100_000);
      return this;
    }

    /** Default 256; range 1 to 100,000. */
    public Builder maxCommandArgs(int n) {
      this.maxCommandArgs = Ranges.check("maxCommandArgs", n, 1, 100_000);
      return this;
    }

    /** Default 64 KiB; range 1 byte to 16 MiB. */
    public Builder maxCommandBytes(int bytes) {
      this.maxCommandBytes = Ranges.check("maxCommandBytes", bytes, 1, 16 << 20);
      return this;
    }

    /** Default 256; range 0 to 100,000. */
    public Builder maxEnvVariables(int n) {
      this.maxEnvVariables = Ranges.check("maxEnvVariables", n, 0, 100_000);
      return this;
    }

    /** Default 64 KiB; range 0 to 16 MiB. */
    public Builder maxEnvBytes(int bytes) {
      this.maxEnvBytes = Ranges.check("maxEnvBytes", bytes, 0, 16 << 20);
      return this;
    }

    public DeploymentLimits build() {
      return new DeploymentLimits(this);
    }
  }
}
