/**
 * The WebSocket wire protocol: the frames a client and the server exchange ({@link
 * io.coderunner.core.protocol.ClientFrame}, {@link io.coderunner.core.protocol.ServerFrame}) and
 * the one codec that turns them into JSON text and back ({@link
 * io.coderunner.core.protocol.FrameCodec}). Every frame is a JSON object whose {@code type} field
 * comes first; timestamps are ISO-8601 UTC with six fractional digits ({@link
 * io.coderunner.core.protocol.WireTime}).
 */
@NullMarked
package io.coderunner.core.protocol;

import org.jspecify.annotations.NullMarked;
