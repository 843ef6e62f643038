package io.coderunner.core.protocol;

/**
 * Settings of a {@link FrameCodec}. Immutable; build one with {@link #builder()} or take {@link
 * #defaults()}.
 */
public final class ProtocolConfig {
  /** Default of {@link #maxFrameBytes()}: 64 KiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 65_536;

  /** Smallest {@link #maxFrameBytes()} accepted: 1 KiB. */
  public static final int MIN_MAX_FRAME_BYTES = 1024;

  /** Largest {@link #maxFrameBytes()} accepted: 16 MiB. */
  public static final int MAX_MAX_FRAME_BYTES = 16 << 20;

  private static final ProtocolConfig DEFAULTS = new Builder().build();

  private final int maxFrameBytes;

  private ProtocolConfig(Builder builder) {
    this.maxFrameBytes = builder.maxFrameBytes;
  }

  /**
   * The default settings.
   *
   * @return the shared default config: frames up to {@value #DEFAULT_MAX_FRAME_BYTES} bytes
   */
  public static ProtocolConfig defaults() {
    return DEFAULTS;
  }

  /**
   * A builder that starts from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder that starts from these settings.
   *
   * @return a new builder; changing it leaves this config as it is
   */
  public Builder toBuilder() {
    return new Builder().maxFrameBytes(maxFrameBytes);
  }

  /**
   * Largest frame the codec decodes, in UTF-8 bytes; a larger one is rejected with {@link
   * ProtocolException.Reason#TOO_LARGE}. Also the bound a server should keep outgoing frames under.
   *
   * @return the limit in bytes
   */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProtocolConfig other && other.maxFrameBytes == maxFrameBytes;
  }

  @Override
  public int hashCode() {
    return Integer.hashCode(maxFrameBytes);
  }

  @Override
  public String toString() {
    return "ProtocolConfig[maxFrameBytes=" + maxFrameBytes + "]";
  }

  /** Builds a {@link ProtocolConfig}; each setter rejects a bad value at once. */
  public static final class Builder {
    private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;

    private Builder() {}

    /**
     * Largest frame decoded, in UTF-8 bytes. Default {@value
     * ProtocolConfig#DEFAULT_MAX_FRAME_BYTES}, range {@value ProtocolConfig#MIN_MAX_FRAME_BYTES} to
     * {@value ProtocolConfig#MAX_MAX_FRAME_BYTES}.
     *
     * @param maxFrameBytes the limit in bytes
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxFrameBytes(int maxFrameBytes) {
      if (maxFrameBytes < MIN_MAX_FRAME_BYTES || maxFrameBytes > MAX_MAX_FRAME_BYTES) {
        throw new IllegalArgumentException(
            "maxFrameBytes must be between "
                + MIN_MAX_FRAME_BYTES
                + " and "
                + MAX_MAX_FRAME_BYTES
                + ", was "
                + maxFrameBytes);
      }
      this.maxFrameBytes = maxFrameBytes;
      return this;
    }

    /**
     * The config set so far; the builder may be used again.
     *
     * @return a new config
     */
    public ProtocolConfig build() {
      return new ProtocolConfig(this);
    }
  }
}
