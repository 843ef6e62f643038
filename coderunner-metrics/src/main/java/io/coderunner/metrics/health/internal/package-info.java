/** Internals of the health registry: a check behind its breaker and timeout. */
@NullMarked
package io.coderunner.metrics.health.internal;

import org.jspecify.annotations.NullMarked;
