/** The client's internals: not API, and may change in any release. */
@NullMarked
package io.coderunner.client.internal;

import org.jspecify.annotations.NullMarked;
